/**
 * Reads synthesized manifests the way a cluster would use them: which Service there is, which pod
 * it selects and which container serves its ports, what files that pod's Secret and ConfigMap
 * volumes put where (with the group and modes the kubelet gives them), which security context each
 * container runs under, and what the curl probe Job runs. Pure functions.
 */
import { parseManifests as parseManifestDocuments } from '../../validator/src';
import {
  ContainerSecurityContext,
  effectiveSecurityContext,
  EffectiveSecurityContext,
  PodSecurityContext,
  volumeDirectories,
  volumeFileMode,
  VolumeOwnership,
} from './pod-security';

// Only the fields this test reads are typed.
interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}
interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}
export interface Volume {
  name: string;
  secret?: { secretName: string; items?: KeyToPath[]; defaultMode?: number };
  configMap?: { name: string; items?: KeyToPath[]; defaultMode?: number };
  emptyDir?: object;
}
interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}
interface ContainerPort {
  name?: string;
  containerPort: number;
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  ports?: ContainerPort[];
  volumeMounts?: VolumeMount[];
  securityContext?: ContainerSecurityContext;
}
export interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
  securityContext?: PodSecurityContext;
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}
interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  binaryData?: Record<string, string>;
  // Service: selector + ports; workloads: template; Pod: containers + volumes.
  spec?: Partial<PodSpec> & { selector?: Record<string, string>; ports?: ServicePort[]; template?: PodTemplate };
}

/** A file that a Secret or ConfigMap volume projects into the container. */
export interface ProjectedFile {
  path: string;
  content: Buffer;
  mode: number;
}

/**
 * One volumeMount of a container, with the files Kubernetes would put at its mountPath. Everything
 * in the volume is owned by root, with group `gid`.
 */
export interface ResolvedMount {
  mountPath: string;
  readOnly: boolean;
  /** Where the files come from, e.g. `ConfigMap/nginxconfigmap`. */
  source: string;
  /** The pod's fsGroup, else root's group. */
  gid: number;
  /** Mode of the volume's own directory. */
  directoryMode: number;
  /** Mode of directories that `items` paths create inside the volume. */
  subdirectoryMode: number;
  files: ProjectedFile[];
}

/** What one container of a workload's pod runs and sees. */
export interface ContainerView {
  /** e.g. `Job/curl-probe/curl`, for messages. */
  id: string;
  command: string[] | undefined;
  env: Record<string, string>;
  mounts: ResolvedMount[];
  security: EffectiveSecurityContext;
}

/** A Service port as kube-proxy forwards it: Service `port` to the pod's resolved `targetPort`. */
export interface ServiceRoute {
  name?: string;
  port: number;
  targetPort: number;
}

/** The Service that serves TLS, and the container behind it with its TLS Secret. */
export interface TlsServer {
  service: { name: string; namespace: string; dnsNames: string[]; routes: ServiceRoute[] };
  /** The container behind the Service's ports (nginx). */
  server: ContainerView;
  /** The kubernetes.io/tls Secret the server mounts. */
  tlsSecret: { name: string; certificatePem: string };
}

export interface TlsServingApp extends TlsServer {
  /** The containers of every Job, in any namespace, that runs curl against one of the Service's names. */
  probes: Probe[];
}

/** A curl Job's container: what it runs, and its CA files from its own namespace's Secrets and ConfigMaps. */
export type Probe = ContainerView & { command: string[]; namespace: string };

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod']);

/** The objects in YAML texts, parsed as the validator (and kubectl) reads them. */
export function parseManifests(yamlTexts: string[]): Manifest[] {
  return yamlTexts.flatMap((text, i) => parseManifestDocuments(text, `text ${i}`).map((doc) => doc.object as Manifest));
}

/** The names cluster DNS gives a Service, shortest first. */
export function serviceDnsNames(name: string, namespace: string): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

export function readTlsServingApp(manifests: Manifest[]): TlsServingApp {
  const server = readTlsServer(manifests);
  return { ...server, probes: readProbes(manifests, server.service.dnsNames) };
}

/** The TLS-serving Service and its container, whether or not a probe Job comes with them. */
export function readTlsServer(manifests: Manifest[]): TlsServer {
  const { service, workload } = servedWorkload(manifests);
  const namespace = namespaceOf(service);
  const { container, routes } = resolveRoutes(service, podTemplateOf(workload).spec);
  const tlsSecret = exactlyOne(
    tlsSecretsMounted(manifests, workload, container),
    `kubernetes.io/tls Secret mounted by ${workload.kind}/${workload.metadata.name}/${container.name}`,
  );

  return {
    service: {
      name: service.metadata.name,
      namespace,
      dnsNames: serviceDnsNames(service.metadata.name, namespace),
      routes,
    },
    server: containerView(manifests, workload, container),
    tlsSecret: {
      name: tlsSecret.metadata.name,
      certificatePem:
        secretEntries(tlsSecret).get('tls.crt')?.toString('utf8') ?? fail(`Secret ${tlsSecret.metadata.name} has no tls.crt`),
    },
  };
}

/** The manifests with the pod template of the server's workload changed by `edit` (on a copy). */
export function withServerPod(manifests: Manifest[], edit: (pod: PodSpec) => void): Manifest[] {
  const copy = structuredClone(manifests);
  edit(podTemplateOf(servedWorkload(copy).workload).spec);
  return copy;
}

/** The manifests with some keys of one Secret replaced, e.g. to serve a different certificate. */
export function withSecretData(manifests: Manifest[], secretName: string, data: Record<string, string>): Manifest[] {
  return manifests.map((m) => {
    if (m.kind !== 'Secret' || m.metadata.name !== secretName) return m;
    const { stringData, ...secret } = m;
    return { ...secret, data: { ...secret.data, ...base64Values(stringData ?? {}), ...base64Values(data) } };
  });
}

function base64Values(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
}

/** The Service under test and the workload behind it. */
function servedWorkload(manifests: Manifest[]): { service: Manifest; workload: Manifest } {
  // Other Services may come and go (a metrics Service selects the same pods); the one under test
  // forwards to a container that mounts a TLS Secret.
  const service = exactlyOne(
    manifests.filter(
      (m) => m.kind === 'Service' && selectedWorkloads(manifests, m).some((w) =>
        targetContainers(m, podTemplateOf(w).spec).some((c) => tlsSecretsMounted(manifests, w, c).length > 0)),
    ),
    'Service forwarding to a container that mounts a kubernetes.io/tls Secret',
  );
  const workload = exactlyOne(
    selectedWorkloads(manifests, service),
    `workload selected by Service ${service.metadata.name} (selector ${JSON.stringify(service.spec?.selector)})`,
  );
  return { service, workload };
}

function readProbes(manifests: Manifest[], dnsNames: string[]): Probe[] {
  const host = new RegExp(`https://(${dnsNames.map((name) => name.replace(/\./g, '\\.')).join('|')})([:/]|$)`);
  const probes = manifests
    .filter((m) => m.kind === 'Job')
    .flatMap((job) => podTemplateOf(job).spec.containers
      .filter((c) => host.test([...(c.command ?? []), ...(c.args ?? [])].join(' ')))
      .map((container) => ({ view: containerView(manifests, job, container), namespace: namespaceOf(job) })));
  if (probes.length === 0) throw new Error(`expected at least one Job running curl against ${host.source} (the curl probe), found 0`);
  return probes.map(({ view, namespace }) => {
    // Without `command` the image's ENTRYPOINT would run, which the sandbox cannot know.
    if (!view.command) throw new Error(`probe ${view.id} sets no command; the sandbox can only run an explicit command`);
    return { ...view, command: view.command, namespace };
  });
}

/** The containers declaring a Service's target ports (by name or number). */
function targetContainers(service: Manifest, pod: PodSpec): Container[] {
  const targets = (service.spec?.ports ?? []).map((p) => p.targetPort ?? p.port);
  return pod.containers.filter((c) => (c.ports ?? []).some((p) => targets.includes(p.name ?? '') || targets.includes(p.containerPort)));
}

/** Resolves each Service port's targetPort (number or port name) against the pod's containers. */
function resolveRoutes(service: Manifest, pod: PodSpec): { container: Container; routes: ServiceRoute[] } {
  const servingContainers = new Set<Container>();
  const routes = (service.spec?.ports ?? []).map((servicePort): ServiceRoute => {
    if ((servicePort.protocol ?? 'TCP') !== 'TCP') {
      throw new Error(`Service port ${servicePort.name ?? servicePort.port}: only TCP is emulated`);
    }
    const target = servicePort.targetPort ?? servicePort.port;
    const declaring = pod.containers.filter((c) =>
      (c.ports ?? []).some((p) => (typeof target === 'string' ? p.name === target : p.containerPort === target)),
    );
    // A numeric targetPort need not be declared; a single-container pod serves it anyway.
    const container = declaring[0] ?? (typeof target === 'number' && pod.containers.length === 1 ? pod.containers[0] : undefined);
    if (!container) throw new Error(`Service targetPort ${target} matches no container port`);
    servingContainers.add(container);
    const targetPort =
      typeof target === 'number' ? target : (container.ports ?? []).find((p) => p.name === target)!.containerPort;
    return { name: servicePort.name, port: servicePort.port, targetPort };
  });
  const container = exactlyOne([...servingContainers], 'container serving the Service ports');
  return { container, routes };
}

function containerView(manifests: Manifest[], workload: Manifest, container: Container): ContainerView {
  const id = `${workload.kind}/${workload.metadata.name}/${container.name}`;
  const pod = podTemplateOf(workload).spec;
  const env = Object.fromEntries(
    (container.env ?? []).map((variable) => {
      if (variable.valueFrom) throw new Error(`${id}: env ${variable.name} uses valueFrom, which is not emulated`);
      return [variable.name, variable.value ?? ''];
    }),
  );
  const security = effectiveSecurityContext(pod.securityContext, container.securityContext);
  const mounts = (container.volumeMounts ?? []).map((mount): ResolvedMount => {
    if (mount.subPath) throw new Error(`${id}: volumeMount ${mount.mountPath} uses subPath, which is not emulated`);
    const volume = (pod.volumes ?? []).find((v) => v.name === mount.name) ?? fail(`${id}: no volume named ${mount.name}`);
    const namespace = namespaceOf(workload);
    if (volume.secret) {
      const secret = findObject(manifests, 'Secret', volume.secret.secretName, namespace);
      return projectedMount(mount, `Secret/${secret.metadata.name}`, secretEntries(secret), volume.secret, security.fsGroup);
    }
    if (volume.configMap) {
      const configMap = findObject(manifests, 'ConfigMap', volume.configMap.name, namespace);
      const source = `ConfigMap/${configMap.metadata.name}`;
      return projectedMount(mount, source, configMapEntries(configMap), volume.configMap, security.fsGroup);
    }
    if (volume.emptyDir) {
      const directories = volumeDirectories({ readOnlyPlugin: false, fsGroup: security.fsGroup });
      return { mountPath: mount.mountPath, readOnly: mount.readOnly ?? false, source: 'emptyDir', ...directories, files: [] };
    }
    throw new Error(`${id}: volume ${volume.name} is of a type that is not emulated`);
  });
  const command = container.command ? [...container.command, ...(container.args ?? [])] : undefined;
  return { id, command, env, mounts, security };
}

/** Secret and ConfigMap volumes: every key as a file, or only `items` at their paths; always read-only. */
function projectedMount(
  mount: VolumeMount,
  source: string,
  entries: Map<string, Buffer>,
  projection: { items?: KeyToPath[]; defaultMode?: number },
  fsGroup: number | undefined,
): ResolvedMount {
  const ownership: VolumeOwnership = { readOnlyPlugin: true, fsGroup };
  const defaultMode = projection.defaultMode ?? 0o644;
  const items = projection.items ?? [...entries.keys()].map((key) => ({ key, path: key, mode: undefined }));
  const files = items.map((item) => ({
    path: item.path,
    content: entries.get(item.key) ?? fail(`${source} has no key ${item.key}`),
    mode: volumeFileMode(item.mode ?? defaultMode, ownership),
  }));
  return { mountPath: mount.mountPath, readOnly: true, source, ...volumeDirectories(ownership), files };
}

function secretEntries(secret: Manifest): Map<string, Buffer> {
  return new Map([
    ...Object.entries(secret.data ?? {}).map(([key, value]): [string, Buffer] => [key, Buffer.from(value, 'base64')]),
    ...Object.entries(secret.stringData ?? {}).map(([key, value]): [string, Buffer] => [key, Buffer.from(value, 'utf8')]),
  ]);
}

function configMapEntries(configMap: Manifest): Map<string, Buffer> {
  return new Map([
    ...Object.entries(configMap.data ?? {}).map(([key, value]): [string, Buffer] => [key, Buffer.from(value, 'utf8')]),
    ...Object.entries(configMap.binaryData ?? {}).map(([key, value]): [string, Buffer] => [key, Buffer.from(value, 'base64')]),
  ]);
}

function selectedWorkloads(manifests: Manifest[], service: Manifest): Manifest[] {
  const selector = service.spec?.selector ?? {};
  return manifests.filter(
    (m) => POD_TEMPLATE_KINDS.has(m.kind) && namespaceOf(m) === namespaceOf(service) && selects(selector, podTemplateOf(m)),
  );
}

/** The kubernetes.io/tls Secrets that `container` (default: any container of the pod) mounts. */
function tlsSecretsMounted(manifests: Manifest[], workload: Manifest, container?: Container): Manifest[] {
  const pod = podTemplateOf(workload).spec;
  return (container ? [container] : pod.containers)
    .flatMap((c) => mountedVolumes(pod, c))
    .flatMap((volume) => (volume.secret ? [findObject(manifests, 'Secret', volume.secret.secretName, namespaceOf(workload))] : []))
    .filter((secret) => secret.type === 'kubernetes.io/tls');
}

function mountedVolumes(pod: PodSpec, container: Container): Volume[] {
  const mounted = new Set((container.volumeMounts ?? []).map((mount) => mount.name));
  return (pod.volumes ?? []).filter((volume) => mounted.has(volume.name));
}

function podTemplateOf(workload: Manifest): PodTemplate {
  if (workload.kind === 'Pod') return { metadata: workload.metadata, spec: workload.spec as PodSpec };
  return workload.spec?.template ?? fail(`${workload.kind}/${workload.metadata.name} has no pod template`);
}

function selects(selector: Record<string, string>, template: PodTemplate): boolean {
  const labels = template.metadata?.labels ?? {};
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

function findObject(manifests: Manifest[], kind: string, name: string, namespace: string): Manifest {
  return exactlyOne(
    manifests.filter((m) => m.kind === kind && m.metadata.name === name && namespaceOf(m) === namespace),
    `${kind} ${namespace}/${name}`,
  );
}

function namespaceOf(object: Manifest): string {
  return object.metadata.namespace ?? 'default';
}

function exactlyOne<T extends { name?: string; metadata?: ObjectMeta }>(candidates: T[], what: string): T {
  if (candidates.length !== 1) {
    const names = candidates.map((c) => c.metadata?.name ?? c.name);
    throw new Error(`expected exactly one ${what}, found ${candidates.length}${names.length ? `: ${names.join(', ')}` : ''}`);
  }
  return candidates[0];
}

function fail(message: string): never {
  throw new Error(message);
}
