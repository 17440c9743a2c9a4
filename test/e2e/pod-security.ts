/**
 * The pod security context as the kubelet and the container runtime apply it: which uid, gid and
 * supplementary groups a container's process gets, whether its root filesystem is read-only, and
 * what an fsGroup does to the files of its volumes. Pure functions.
 */

/** The fields of a pod's `spec.securityContext` that the sandbox applies. */
export interface PodSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  fsGroup?: number;
  supplementalGroups?: number[];
}

/** The fields of a container's `securityContext` that the sandbox applies. */
export interface ContainerSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
}

/** One container's settings: its own fields override the pod's. */
export interface EffectiveSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot: boolean;
  readOnlyRootFilesystem: boolean;
  fsGroup?: number;
  supplementalGroups: number[];
}

/** What a container's process runs as. */
export interface ProcessIdentity {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: number[];
}

export function effectiveSecurityContext(
  pod: PodSecurityContext = {},
  container: ContainerSecurityContext = {},
): EffectiveSecurityContext {
  return {
    runAsUser: container.runAsUser ?? pod.runAsUser,
    runAsGroup: container.runAsGroup ?? pod.runAsGroup,
    runAsNonRoot: container.runAsNonRoot ?? pod.runAsNonRoot ?? false,
    readOnlyRootFilesystem: container.readOnlyRootFilesystem ?? false,
    fsGroup: pod.fsGroup,
    supplementalGroups: pod.supplementalGroups ?? [],
  };
}

/**
 * The identity the runtime starts `containerId` with, or the error that keeps it from starting.
 * The non-root check is the kubelet's (verifyRunAsNonRoot, pkg/kubelet/kuberuntime), in its words.
 */
export function processIdentity(context: EffectiveSecurityContext, containerId: string): ProcessIdentity {
  const { runAsUser, runAsGroup } = context;
  if (context.runAsNonRoot && runAsUser === 0) {
    throw new Error(`${containerId}: container's runAsUser breaks non-root policy`);
  }
  if (runAsUser === undefined || runAsGroup === undefined) {
    // Then the image's USER and /etc/passwd decide, which the sandbox cannot read.
    throw new Error(`${containerId}: runAsUser and runAsGroup must both be set; the image's user is not emulated`);
  }
  const fsGroup = context.fsGroup === undefined ? [] : [context.fsGroup];
  return { uid: runAsUser, gid: runAsGroup, groups: [...fsGroup, ...context.supplementalGroups] };
}

/** What decides how the kubelet leaves a volume's files: its plugin and the pod's fsGroup. */
export interface VolumeOwnership {
  /** Secret and ConfigMap volumes are; emptyDir is not. */
  readOnlyPlugin: boolean;
  fsGroup?: number;
}

/**
 * Modes the kubelet creates a volume with, before any fsGroup change: Secret and ConfigMap
 * volumes are emptyDirs underneath (emptyDir's directory mode is 0777), and its AtomicWriter
 * creates directories for `items` paths 0755. (It also puts the files behind `..data` symlinks,
 * which changes no permission, so the sandbox writes them directly.)
 */
const VOLUME_DIRECTORY_MODE = 0o777;
const VOLUME_SUBDIRECTORY_MODE = 0o755;

/** Group and modes of a volume's directories; their owner is root. */
export function volumeDirectories(volume: VolumeOwnership): { gid: number; directoryMode: number; subdirectoryMode: number } {
  return {
    gid: volume.fsGroup ?? 0,
    directoryMode: withFsGroup(VOLUME_DIRECTORY_MODE, 'directory', volume),
    subdirectoryMode: withFsGroup(VOLUME_SUBDIRECTORY_MODE, 'directory', volume),
  };
}

/** The mode of a file the volume projects with `mode` (item mode, else defaultMode, else 0644). */
export function volumeFileMode(mode: number, volume: VolumeOwnership): number {
  return withFsGroup(mode, 'file', volume);
}

/**
 * What the kubelet's volume ownership change does for a pod with an fsGroup
 * (pkg/volume/volume_linux.go, changeFilePermission): the group of every file and directory
 * becomes fsGroup (the owner stays root), and its mode is ORed with 0440 for read-only volume
 * plugins or 0660 for the others, directories also with setgid and 0110. It only adds bits: a
 * Secret's defaultMode 0400 becomes 0440, group-readable.
 */
function withFsGroup(mode: number, entry: 'file' | 'directory', volume: VolumeOwnership): number {
  if (volume.fsGroup === undefined) return mode;
  const mask = (volume.readOnlyPlugin ? 0o440 : 0o660) | (entry === 'directory' ? 0o2110 : 0);
  return mode | mask;
}
