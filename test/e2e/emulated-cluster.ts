/**
 * The app "deployed" into a NetworkSandbox, as close to a cluster as one loopback allows:
 * - the Service's pod runs the host's nginx with the pod's Secret and ConfigMap volumes mounted
 *   at their mountPaths (pod IP POD_IP; every 127.0.0.0/8 address is local on lo);
 * - kubelet and runtime: volume files get the owner, group and modes the kubelet gives them, and
 *   each pod's process runs under its security context (user, groups, read-only root);
 * - kube-proxy: iptables DNAT from SERVICE_IP:port to POD_IP:targetPort for each Service port;
 * - cluster DNS: every pod gets an /etc/hosts mapping the Service's DNS names to SERVICE_IP
 *   (kubelet manages a pod's /etc/hosts too).
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type { ContainerView, ResolvedMount, TlsServingApp } from './manifests';
import { documentRoots, mainNginxConfig, siteConfigs } from './nginx-config';
import { processIdentity, ProcessIdentity } from './pod-security';
import { BindMount, NetworkSandbox, PodCommand, PodResult, RunningPod } from './sandbox';

const POD_IP = '127.0.0.10';
const SERVICE_IP = '127.0.0.20';

const NGINX_READY_TIMEOUT_MS = 5000;
const DEFAULT_RUN_TIMEOUT_MS = 20_000;

type ProcessSettings = Pick<PodCommand, 'identity' | 'readOnlyRootFilesystem'>;

/** The sandbox's own client pods (curl against the Service) run as root, like a plain container. */
const CLIENT_PROCESS: ProcessSettings = { identity: { uid: 0, gid: 0, groups: [] }, readOnlyRootFilesystem: false };

interface ServerPod {
  running: RunningPod;
  mounts: BindMount[];
  settings: ProcessSettings;
  pidFile: string;
  accessLog: string;
}

/** The host's nginx set up as the server container: its pod, and where it keeps pid and logs. */
interface NginxPod {
  pod: PodCommand;
  runDir: string;
}

/** An HTTP GET as the kubelet's httpGet probes make it: to the pod's IP, certificate not verified. */
export interface KubeletHttpGet {
  path: string;
  port: number;
  scheme: 'HTTP' | 'HTTPS';
}

export class EmulatedCluster {
  private server?: ServerPod;

  private constructor(
    private readonly sandbox: NetworkSandbox,
    /** Removed on stop. Mode 0755, so that pods running as non-root reach their run dirs in it. */
    private readonly clusterDir: string,
  ) {}

  /** Deploys `app`; `label` names the network namespace and temp dirs. */
  static async start(app: TlsServingApp, label: string): Promise<EmulatedCluster> {
    const cluster = await EmulatedCluster.create([...app.server.mounts, ...app.probes.flatMap((probe) => probe.mounts)], label);
    try {
      cluster.writeHostsFile(app.service.dnsNames);
      for (const route of app.service.routes) {
        await cluster.sandbox.forwardTcp({ ip: SERVICE_IP, port: route.port }, { ip: POD_IP, port: route.targetPort });
      }
      await cluster.startServer(app.server);
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /**
   * `nginx -t` on the server container's config, as the pod would see it (its volumes, its
   * security context), without serving: what nginx would say at start.
   */
  static async testNginxConfig(server: ContainerView, label: string): Promise<PodResult> {
    const cluster = await EmulatedCluster.create(server.mounts, label);
    try {
      cluster.writeHostsFile([]);
      const { pod } = cluster.nginxPod(server, ['-t']);
      return await cluster.sandbox.runPod(pod, DEFAULT_RUN_TIMEOUT_MS);
    } finally {
      await cluster.stop();
    }
  }

  private static async create(mounts: ResolvedMount[], label: string): Promise<EmulatedCluster> {
    const filesDir = dirOutsideMounts(mounts);
    const clusterDir = mkdtempSync(join(filesDir, `${label}-`));
    try {
      chmodSync(clusterDir, 0o755);
      mkdirSync(join(clusterDir, 'private'), { mode: 0o700 });
      return new EmulatedCluster(await NetworkSandbox.create(label, filesDir), clusterDir);
    } catch (error) {
      rmSync(clusterDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs a container's own command, in a pod with the container's volumes and security context. */
  async run(container: ContainerView & { command: string[] }, timeoutMs = DEFAULT_RUN_TIMEOUT_MS): Promise<PodResult> {
    const pod = { mounts: this.podMounts(container.mounts), env: container.env, command: container.command };
    return this.sandbox.runPod({ ...pod, ...processSettings(container) }, timeoutMs);
  }

  /** Runs `command` in a pod with no volumes, e.g. curl against the Service. */
  runClient(command: string[], timeoutMs = DEFAULT_RUN_TIMEOUT_MS): Promise<PodResult> {
    return this.sandbox.runPod({ mounts: this.podMounts([]), env: {}, command, ...CLIENT_PROCESS }, timeoutMs);
  }

  /**
   * What the kubelet's probe gets: the HTTP status of `probe` against the server pod's IP, from
   * the node (here: a client pod). The kubelet does not verify certificates.
   */
  async probeServer(probe: KubeletHttpGet): Promise<string> {
    const url = `${probe.scheme.toLowerCase()}://${POD_IP}:${probe.port}${probe.path}`;
    const result = await this.runClient(['curl', '--silent', '--insecure', '--output', '/dev/null', '--write-out', '%{http_code}', url]);
    if (result.exitCode !== 0) throw new Error(`probe ${url} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** Runs curl against the server pod's IP from another address than loopback's 127.0.0.1. */
  curlPodFrom(sourceAddress: string, port: number, path: string): Promise<PodResult> {
    return this.runClient(['curl', '--silent', '--show-error', '--interface', sourceAddress, '--write-out', '\n%{http_code}', `http://${POD_IP}:${port}${path}`]);
  }

  /** The requests the server has logged so far (the access log of the harness's nginx.conf). */
  serverAccessLog(): string {
    const { accessLog } = this.startedServer;
    return existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : '';
  }

  /** A file as the server container sees it, e.g. the page nginx should serve. */
  async readServerFile(path: string): Promise<string> {
    const { mounts, settings } = this.startedServer;
    const result = await this.sandbox.runPod({ mounts, env: {}, command: ['cat', path], ...settings }, DEFAULT_RUN_TIMEOUT_MS);
    if (result.exitCode !== 0) throw new Error(`cannot read ${path} in the server pod: ${result.stderr}`);
    return result.stdout;
  }

  /** The pid of the server's nginx master process, from its pid file. */
  serverPid(): number {
    return Number(readFileSync(this.startedServer.pidFile, 'utf8').trim());
  }

  /** A file that client pods can read, e.g. a CA bundle for `curl --cacert`. */
  writeClientFile(name: string, content: string): string {
    const path = join(this.privateDir, 'client', name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  }

  async stop(): Promise<void> {
    try {
      await this.sandbox.destroy();
    } finally {
      rmSync(this.clusterDir, { recursive: true, force: true });
    }
  }

  /** Pod volumes, hosts file, CA bundles, logs. Holds key material: mode 0700. */
  private get privateDir(): string {
    return join(this.clusterDir, 'private');
  }

  private get hostsFile(): string {
    return join(this.privateDir, 'hosts');
  }

  private get startedServer(): ServerPod {
    if (!this.server) throw new Error('the server pod has not started');
    return this.server;
  }

  private writeHostsFile(serviceDnsNames: string[]): void {
    writeFileSync(this.hostsFile, `127.0.0.1 localhost\n::1 localhost\n${SERVICE_IP} ${serviceDnsNames.join(' ')}\n`);
  }

  /**
   * Runs the host's nginx as the server container: the image's nginx.conf is replaced by one
   * that includes the site configs from where the pod mounts them.
   */
  private async startServer(server: ContainerView): Promise<void> {
    const { pod, runDir } = this.nginxPod(server, []);
    const running = this.sandbox.startPod(pod, join(this.privateDir, 'nginx.log'));
    this.server = {
      running, mounts: pod.mounts, settings: processSettings(server), pidFile: join(runDir, 'nginx.pid'), accessLog: join(runDir, 'access.log'),
    };
    await this.waitUntilServing(this.server);
  }

  /** The host's nginx with `args`, reading the container's site configs under its security context. */
  private nginxPod(server: ContainerView, args: string[]): NginxPod {
    const sites = siteConfigs(server);
    if (sites.length === 0) throw new Error(`${server.id} mounts no ConfigMap with a *.conf file`);
    const settings = processSettings(server);
    const runDir = this.createRunDir('nginx', settings.identity);
    const configFile = join(runDir, 'nginx.conf');
    const includeGlobs = [...new Set(sites.map((site) => `${site.directory}/*.conf`))];
    writeFileSync(configFile, mainNginxConfig(runDir, includeGlobs));

    const mounts = [
      ...this.podMounts(server.mounts),
      ...this.placeholderDocumentRoots(server),
      // Stays writable under readOnlyRootFilesystem: it is not the image's, but the harness's.
      { source: runDir, target: runDir, readOnly: false },
    ];
    const command = ['nginx', '-p', `${runDir}/`, '-e', 'stderr', '-c', configFile, ...args];
    return { pod: { mounts, env: server.env, command, ...settings }, runDir };
  }

  /**
   * A directory for a process's pid file, logs and temp files, which the image would have
   * somewhere writable: owned by the pod's user, like that.
   */
  private createRunDir(name: string, owner: ProcessIdentity): string {
    const dir = join(this.clusterDir, name);
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, owner.uid, owner.gid);
    return dir;
  }

  /** nginx writes its pid file only after it has bound all its listen sockets. */
  private async waitUntilServing(server: ServerPod): Promise<void> {
    const deadline = Date.now() + NGINX_READY_TIMEOUT_MS;
    while (!existsSync(server.pidFile)) {
      if (server.running.hasExited || Date.now() > deadline) {
        throw new Error(`nginx did not start:\n${server.running.log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * The image ships the page its `root` serves; the host's nginx package may not have it at that
   * path, so such roots get a world-readable directory with a placeholder index.html.
   */
  private placeholderDocumentRoots(server: ContainerView): BindMount[] {
    const mountPaths = server.mounts.map((mount) => mount.mountPath);
    return siteConfigs(server)
      .flatMap((site) => documentRoots(site.text))
      .filter((root) => !mountPaths.some((path) => isWithin(root, path)))
      .filter((root) => !existsSync(join(root, 'index.html')))
      .map((root) => {
        const source = mkdtempSync(join(this.privateDir, 'html-'));
        chmodSync(source, 0o755);
        writeFileSync(join(source, 'index.html'), '<!DOCTYPE html>\n<title>placeholder</title>\n');
        return { source, target: root, readOnly: true };
      });
  }

  /** The container's volumes, written out as the kubelet would, plus the cluster's /etc/hosts. */
  private podMounts(mounts: ResolvedMount[]): BindMount[] {
    const volumes = mounts.map((mount): BindMount => {
      if (isWithin(this.clusterDir, mount.mountPath)) {
        throw new Error(`a volume at ${mount.mountPath} would hide the sandbox's files in ${this.clusterDir}`);
      }
      const source = mkdtempSync(join(this.privateDir, 'volume-'));
      writeVolume(source, mount);
      return { source, target: mount.mountPath, readOnly: mount.readOnly };
    });
    return [...volumes, { source: this.hostsFile, target: '/etc/hosts', readOnly: true }];
  }
}

/** How the runtime would start `container`; throws what would keep the kubelet from starting it. */
function processSettings(container: ContainerView): ProcessSettings {
  return {
    identity: processIdentity(container.security, container.id),
    readOnlyRootFilesystem: container.security.readOnlyRootFilesystem,
  };
}

/** The volume's files in `root`, and every directory, owned by root:gid with their modes. */
function writeVolume(root: string, mount: ResolvedMount): void {
  setOwnership(root, mount.gid, mount.directoryMode);
  for (const file of mount.files) {
    let dir = root;
    for (const name of posix.dirname(file.path).split('/').filter((part) => part !== '.')) {
      dir = join(dir, name);
      if (existsSync(dir)) continue;
      mkdirSync(dir);
      setOwnership(dir, mount.gid, mount.subdirectoryMode);
    }
    const path = join(root, file.path);
    writeFileSync(path, file.content);
    setOwnership(path, mount.gid, file.mode);
  }
}

/** Owner root, like every file the kubelet writes. chown first: it may clear setgid, chmod sets it. */
function setOwnership(path: string, gid: number, mode: number): void {
  chownSync(path, 0, gid);
  chmodSync(path, mode);
}

/**
 * The sandbox's files (volumes, nginx.conf, CA bundles) must stay visible inside pods, so they go
 * where no pod mounts a volume: pods often mount an emptyDir at /tmp.
 */
function dirOutsideMounts(mounts: ResolvedMount[]): string {
  const candidates = [tmpdir(), '/var/tmp'];
  const dir = candidates.find((candidate) => !mounts.some((mount) => isWithin(candidate, mount.mountPath)));
  if (!dir) throw new Error(`pods mount volumes over all of ${candidates.join(', ')}; no place for the sandbox's files`);
  return dir;
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir.replace(/\/$/, '')}/`);
}
