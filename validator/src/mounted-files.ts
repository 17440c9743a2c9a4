import { posix } from 'path';
import { asArray, dataKeysOf, findObject } from './k8s-objects';
import { PodTemplate } from './pod-templates';
import { ManifestDocument } from './types';

export type DataSourceKind = 'Secret' | 'ConfigMap';

/** A Secret or ConfigMap a volume projects into the pod. Paths are relative to the volume. */
export interface VolumeSourceRef {
  kind: DataSourceKind;
  name: unknown;
  /** The `items` list, or undefined when every key becomes a file named after the key. */
  items: any[] | undefined;
  optional: boolean;
  path: string;
  namePath: string;
}

/** A file a container sees, and the Secret/ConfigMap key that provides it. */
export interface MountedFile {
  path: string;
  kind: DataSourceKind;
  name: string;
  key: string;
}

/** The Secret/ConfigMap sources of a volume: `secret`, `configMap` and those inside `projected`. */
export function volumeSourceRefs(volume: any): VolumeSourceRef[] {
  const direct = [
    volume?.secret && sourceRef('Secret', volume.secret, 'secret', 'secretName'),
    volume?.configMap && sourceRef('ConfigMap', volume.configMap, 'configMap', 'name'),
  ];
  const projected = asArray(volume?.projected?.sources).flatMap((source, index) => [
    source?.secret && sourceRef('Secret', source.secret, `projected.sources[${index}].secret`, 'name'),
    source?.configMap && sourceRef('ConfigMap', source.configMap, `projected.sources[${index}].configMap`, 'name'),
  ]);
  return [...direct, ...projected].filter(Boolean);
}

function sourceRef(kind: DataSourceKind, source: any, path: string, nameField: string): VolumeSourceRef {
  return {
    kind,
    name: source[nameField],
    items: Array.isArray(source.items) ? source.items : undefined,
    optional: source.optional === true,
    path,
    namePath: `${path}.${nameField}`,
  };
}

/**
 * Every file the container gets from Secret/ConfigMap volumes, honouring `items` and `subPath`.
 * Sources or keys missing from the set provide nothing (other rules report them).
 */
export function mountedFiles(template: PodTemplate, container: any, docs: ManifestDocument[]): MountedFile[] {
  const volumes = asArray(template.spec.volumes);
  return asArray(container?.volumeMounts).flatMap(mount => {
    const volume = volumes.find(candidate => candidate?.name === mount?.name);
    if (!volume || typeof mount.mountPath !== 'string') return [];
    return volumeSourceRefs(volume)
      .flatMap(ref => filesInVolume(ref, template.namespace, docs))
      .flatMap(file => placeInContainer(file, mount));
  });
}

/**
 * Mount paths whose content this set cannot know: a volume source missing from it (reported by the
 * volume rule, or declared to exist in the cluster). Files under them are neither present nor absent.
 */
export function unknownMountPaths(template: PodTemplate, container: any, docs: ManifestDocument[]): string[] {
  const volumes = asArray(template.spec.volumes);
  return asArray(container?.volumeMounts).flatMap(mount => {
    const volume = volumes.find(candidate => candidate?.name === mount?.name);
    if (!volume || typeof mount.mountPath !== 'string') return [];
    const unknown = volumeSourceRefs(volume).some(ref => !findObject(docs, ref.kind, template.namespace, ref.name));
    return unknown ? [posix.normalize(mount.mountPath)] : [];
  });
}

/** The files a source puts into its volume, with paths relative to the volume root. */
function filesInVolume(ref: VolumeSourceRef, namespace: string, docs: ManifestDocument[]): MountedFile[] {
  const source = findObject(docs, ref.kind, namespace, ref.name);
  if (!source) return [];
  const keys = dataKeysOf(source.object);
  const items = ref.items ?? keys.map(key => ({ key, path: key }));
  return items
    .filter(item => keys.includes(item?.key) && typeof item.path === 'string')
    .map(item => ({ path: posix.normalize(item.path), kind: ref.kind, name: String(ref.name), key: item.key }));
}

/** Where a volume file appears in the container: under mountPath, or as mountPath itself via subPath. */
function placeInContainer(file: MountedFile, mount: any): MountedFile[] {
  if (!mount.subPath) return [{ ...file, path: posix.join(mount.mountPath, file.path) }];
  const subPath = posix.normalize(mount.subPath);
  if (file.path === subPath) return [{ ...file, path: posix.normalize(mount.mountPath) }];
  if (file.path.startsWith(`${subPath}/`)) return [{ ...file, path: posix.join(mount.mountPath, file.path.slice(subPath.length)) }];
  return [];
}
