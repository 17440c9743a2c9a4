import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  DEFAULT_NGINX_IMAGE, formatImageReference, ImageReference, imageLayout, isPinned, knownImageFamily, NginxImageFamily, parseImageReference,
} from './nginx-image';
import { checkNginxProbe, NginxProbe, nginxContainerProbes } from './nginx-probes';
import { PropsValidator } from './prop-validation';
import { restrictedContainerSecurityContext } from './security';

/** Name of the nginx container (the tutorial's). */
const NGINX_CONTAINER_NAME = 'nginxhttps';

/** How the nginx pods run: image, resources, probes, and what they are given besides nginx's own. */
export interface NginxPodOptions {
  /**
   * The nginx image: repository, optionally with tag and digest. The official `nginx` image, which
   * must start as root, is refused unless `imageFamily` is NginxImageFamily.OFFICIAL.
   * @default DEFAULT_NGINX_IMAGE
   */
  readonly image?: string;
  /**
   * Tag replacing the default image's; with `image`, give the tag there.
   * @default the tag in `image`
   */
  readonly imageTag?: string;
  /**
   * Digest (`sha256:...`) pinning the image.
   * @default the digest in `image`, else none
   */
  readonly imageDigest?: string;
  /**
   * How the image is built; decides its writable directories.
   * @default the family of a repository we recognise, else NginxImageFamily.UNPRIVILEGED
   */
  readonly imageFamily?: NginxImageFamily;
  /**
   * nginx container resources.
   * @default requests cpu 50m / memory 32Mi, limit memory 128Mi
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Readiness probe.
   * @default HTTP GET of the health path on containerHttpPort
   */
  readonly readinessProbe?: NginxProbe;
  /**
   * Liveness probe (starts once the startup probe succeeded).
   * @default HTTP GET of the health path on containerHttpPort
   */
  readonly livenessProbe?: NginxProbe;
  /**
   * Startup probe.
   * @default HTTP GET of the health path every 2 s, up to 30 failures
   */
  readonly startupProbe?: NginxProbe;
  /**
   * Labels of the pods only; they may not change the selected labels.
   * @default none
   */
  readonly podTemplateLabels?: Record<string, string>;
  /**
   * Annotations of the pods only.
   * @default none
   */
  readonly podTemplateAnnotations?: Record<string, string>;
  /**
   * Environment variables of the nginx container (plain, or from a Secret or ConfigMap key).
   * @default none
   */
  readonly env?: Record<string, kplus.EnvValue>;
  /**
   * Whole Secrets or ConfigMaps as environment variables of the nginx container.
   * @default none
   */
  readonly envFrom?: kplus.EnvFrom[];
  /**
   * Extra volumes mounted into the nginx container; not over the paths it already mounts.
   * @default none
   */
  readonly volumeMounts?: kplus.VolumeMount[];
  /**
   * Extra containers in the pod; their names and ports must not clash with nginx's.
   * @default none
   */
  readonly sidecars?: kplus.ContainerProps[];
  /**
   * Node labels the pods must be scheduled onto (`nodeSelector`).
   * @default any node
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Taints the pods tolerate.
   * @default none
   */
  readonly tolerations?: kplus.NodeTaintQuery[];
  /**
   * Let the non-root nginx listen on container ports below 1024: the pod then sets the namespaced
   * sysctl `net.ipv4.ip_unprivileged_port_start=0` (a safe sysctl, allowed by the Pod Security
   * Standards). Without it such ports are refused, as nginx could not bind them.
   * @default false
   */
  readonly allowPrivilegedContainerPorts?: boolean;
}

/** Props of {@link NginxDeployment}. */
export interface NginxDeploymentProps extends NginxPodOptions {
  /** Name of the Deployment. */
  readonly name: string;
  /** Namespace of the Deployment. */
  readonly namespace: string;
  /** Labels the pods carry and the Deployment selects. */
  readonly podLabels: Record<string, string>;
  /**
   * Labels of the Deployment and its pods.
   * @default none
   */
  readonly commonLabels?: Record<string, string>;
  /**
   * Annotations of the Deployment and its pods.
   * @default none
   */
  readonly commonAnnotations?: Record<string, string>;
  /**
   * Fixed number of pods.
   * @default none: an autoscaler sets it
   */
  readonly replicas?: number;
  /** uid and gid nginx runs as; also the fsGroup the TLS key is readable to. */
  readonly runAsUser: number;
  /** Port nginx serves plain HTTP on. */
  readonly containerHttpPort: number;
  /** Port nginx serves HTTPS on. */
  readonly containerHttpsPort: number;
  /** The TLS Secret, mounted at `tlsMountPath` (key readable by `runAsUser`'s group only). */
  readonly tlsSecret: kplus.ISecret;
  /** Where the TLS Secret is mounted. */
  readonly tlsMountPath: string;
  /** The ConfigMap holding the server config, mounted at `configMountPath`. */
  readonly configMap: kplus.IConfigMap;
  /** Where the ConfigMap is mounted (nginx includes `*.conf` from there). */
  readonly configMountPath: string;
  /**
   * The health path the config serves, which the probes request by default.
   * @default none: probes connect by TCP
   */
  readonly healthCheckPath?: string;
}

/**
 * The nginx pods: a Deployment whose container runs locked down (non-root, read-only root
 * filesystem, no capabilities) with the TLS Secret and the server config mounted, the writable
 * directories its image family needs, probes, and whatever extra env, volumes and sidecars it is given.
 */
export class NginxDeployment extends Construct {
  public readonly deployment: kplus.Deployment;
  /** The nginx container. */
  public readonly container: kplus.Container;
  /** The image reference the container runs. */
  public readonly image: string;

  constructor(scope: Construct, id: string, props: NginxDeploymentProps) {
    super(scope, id);
    const check = new PropsValidator(this, 'NginxDeployment');
    const image = resolveImage(check, props);
    const family = props.imageFamily ?? (image && knownImageFamily(image.repository)) ?? NginxImageFamily.UNPRIVILEGED;
    const declaredPorts = [props.containerHttpPort, props.containerHttpsPort];
    const probeContext = { declaredPorts, httpPort: props.containerHttpPort, httpsPort: props.containerHttpsPort, healthCheckPath: props.healthCheckPath };
    checkNginxProbe(check, 'readinessProbe', props.readinessProbe, probeContext);
    checkNginxProbe(check, 'livenessProbe', props.livenessProbe, probeContext);
    checkNginxProbe(check, 'startupProbe', props.startupProbe, probeContext);
    const mountedPaths = [props.tlsMountPath, props.configMountPath, ...imageLayout(family).writableDirectories];
    checkExtras(check, props, mountedPaths, declaredPorts);
    check.throwIfInvalid();

    this.image = formatImageReference(image!);
    const selfLabels = { ...props.commonLabels, ...props.podLabels };
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: props.name, namespace: props.namespace, labels: selfLabels, annotations: props.commonAnnotations },
      replicas: props.replicas,
      select: false,
      // The key is group-readable (0440, group = fsGroup) so the non-root nginx can read it.
      securityContext: {
        ensureNonRoot: true, user: props.runAsUser, group: props.runAsUser, fsGroup: props.runAsUser,
        sysctls: props.allowPrivilegedContainerPorts ? [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] : undefined,
      },
      automountServiceAccountToken: false,
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: props.podLabels }));
    const podLabels = { ...props.commonLabels, ...props.podTemplateLabels, ...props.podLabels };
    Object.entries(podLabels).forEach(([key, value]) => this.deployment.podMetadata.addLabel(key, value));
    const podAnnotations = { ...props.commonAnnotations, ...props.podTemplateAnnotations };
    Object.entries(podAnnotations).forEach(([key, value]) => this.deployment.podMetadata.addAnnotation(key, value));

    this.container = this.deployment.addContainer({
      name: NGINX_CONTAINER_NAME,
      image: this.image,
      imagePullPolicy: isPinned(image!) ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS,
      ports: [{ name: 'http', number: props.containerHttpPort }, { name: 'https', number: props.containerHttpsPort }],
      securityContext: restrictedContainerSecurityContext(props.runAsUser),
      resources: props.resources ?? { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) } },
      ...nginxContainerProbes({ readiness: props.readinessProbe, liveness: props.livenessProbe, startup: props.startupProbe }, probeContext),
      envVariables: props.env,
      envFrom: props.envFrom,
      volumeMounts: props.volumeMounts,
    });
    this.mountVolumes(props, imageLayout(family).writableDirectories);
    (props.sidecars ?? []).forEach((sidecar) => this.deployment.addContainer(sidecar));
    this.schedule(props);
  }

  private mountVolumes(props: NginxDeploymentProps, writableDirectories: readonly string[]): void {
    this.container.mount(props.tlsMountPath, kplus.Volume.fromSecret(this, 'SecretVolume', props.tlsSecret, {
      name: 'secret-volume', defaultMode: 0o440,
    }), { readOnly: true });
    this.container.mount(props.configMountPath, kplus.Volume.fromConfigMap(this, 'ConfigMapVolume', props.configMap, {
      name: 'configmap-volume',
    }), { readOnly: true });
    // The root filesystem is read-only: the image writes its pid and temp files only to these.
    writableDirectories.forEach((directory) => {
      const name = directory === '/tmp' ? 'tmp' : directory.replace(/^\//, '').replace(/\//g, '-');
      this.container.mount(directory, kplus.Volume.fromEmptyDir(this, `EmptyDir${name}`, name));
    });
  }

  private schedule(props: NginxDeploymentProps): void {
    (props.tolerations ?? []).forEach((taint) => this.deployment.scheduling.tolerate(kplus.Node.tainted(taint)));
    if (props.nodeSelector && Object.keys(props.nodeSelector).length > 0) {
      // cdk8s-plus offers node affinity only; a nodeSelector is what users read and write.
      ApiObject.of(this.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', props.nodeSelector));
    }
  }
}

/** The image reference with tag and digest overrides; records problems, and known root-only images. */
function resolveImage(check: PropsValidator, props: NginxDeploymentProps): ImageReference | undefined {
  let image: ImageReference;
  try {
    image = parseImageReference(props.image ?? DEFAULT_NGINX_IMAGE);
  } catch (error) {
    check.check(false, 'image', `${(error as Error).message}: use e.g. '${DEFAULT_NGINX_IMAGE}'`);
    return undefined;
  }
  const explicit = props.image !== undefined;
  check.check(!explicit || props.imageTag === undefined || image.tag === undefined, 'imageTag', `the image "${props.image}" already has a tag: give it without one, or drop imageTag`);
  check.check(!explicit || props.imageDigest === undefined || image.digest === undefined, 'imageDigest', `the image "${props.image}" already has a digest: drop one of them`);
  const resolved = { repository: image.repository, tag: props.imageTag ?? image.tag, digest: props.imageDigest ?? image.digest };
  try {
    parseImageReference(formatImageReference(resolved));
  } catch (error) {
    check.check(false, props.imageDigest !== undefined ? 'imageDigest' : 'imageTag', (error as Error).message);
  }
  const known = knownImageFamily(image.repository);
  if (known === NginxImageFamily.OFFICIAL && props.imageFamily === undefined) {
    check.check(false, 'image', `"${props.image}" is the official nginx image, which expects to start as root and to write to /var/cache/nginx and /var/run: `
      + 'under the read-only, non-root security context it would crash. Use nginxinc/nginx-unprivileged with the same version '
      + '(e.g. nginxinc/nginx-unprivileged:1.27-alpine), or set imageFamily: NginxImageFamily.OFFICIAL to give it writable emptyDirs there');
  }
  check.check(known === undefined || props.imageFamily === undefined || known === props.imageFamily, 'imageFamily',
    `"${image.repository}" is of the ${known} family, not ${props.imageFamily}: drop imageFamily or set it to NginxImageFamily.${String(known).toUpperCase()}`);
  return resolved;
}

/** C_IDENTIFIER, which Kubernetes 1.28 requires of env names. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function checkExtras(check: PropsValidator, props: NginxDeploymentProps, mountedPaths: readonly string[], nginxPorts: readonly number[]): void {
  Object.keys(props.env ?? {}).forEach((name) => check.check(ENV_NAME.test(name), `env["${name}"]`,
    'is not a valid variable name: letters, digits, \'_\', \'-\' or \'.\', not starting with a digit'));
  (props.volumeMounts ?? []).forEach((mount, i) => {
    const clash = mountedPaths.find((path) => isWithin(mount.path, path) || isWithin(path, mount.path));
    check.check(mount.path.startsWith('/'), `volumeMounts[${i}].path`, `"${mount.path}" is not absolute: use a path starting with '/'`);
    check.check(clash === undefined, `volumeMounts[${i}].path`, `"${mount.path}" overlaps ${clash}, which the nginx container already mounts: use another path`);
  });
  const names = new Set([NGINX_CONTAINER_NAME]);
  const ports = new Map(nginxPorts.map((port) => [port, NGINX_CONTAINER_NAME]));
  (props.sidecars ?? []).forEach((sidecar, i) => {
    const field = `sidecars[${i}]`;
    check.check(sidecar.name !== undefined, `${field}.name`, 'required: every container of a pod needs its own name');
    check.check(sidecar.name === undefined || !names.has(sidecar.name), `${field}.name`, `"${sidecar.name}" is taken by another container of the pod: rename it`);
    if (sidecar.name) names.add(sidecar.name);
    (sidecar.ports ?? []).forEach((port, j) => {
      const owner = ports.get(port.number);
      check.check(owner === undefined, `${field}.ports[${j}]`,
        `${port.number} is already used by container ${owner}: containers of a pod share one network namespace, so use another port`);
      ports.set(port.number, sidecar.name ?? field);
    });
  });
  check.labels('nodeSelector', props.nodeSelector);
  check.labels('podTemplateLabels', props.podTemplateLabels);
  check.annotations('podTemplateAnnotations', props.podTemplateAnnotations);
  const overridden = Object.keys(props.podTemplateLabels ?? {}).filter((key) => key in props.podLabels);
  check.check(overridden.length === 0, 'podTemplateLabels', `${overridden.join(', ')} would change the labels the Deployment and Service select: use other keys`);
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir.replace(/\/$/, '')}/`);
}
