/**
 * A network namespace with only loopback in it, and "pods" inside it: processes that each get a
 * private mount namespace with their volumes bind-mounted at the paths the pod spec names, and
 * run as the pod's user.
 *
 * `ip netns exec` gives every command its own mount namespace (made a slave of the host's, so
 * nothing mounted inside leaks out), so each pod is ONE `ip netns exec ... sh -c` process that
 * mounts its volumes as root and then execs the container command as the pod's user.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ProcessIdentity } from './pod-security';

const execFileAsync = promisify(execFile);

/** PATH for pods and for the host tools called here: a container's default, sbin included. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface BindMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface PodCommand {
  mounts: BindMount[];
  env: Record<string, string>;
  command: string[];
  /** Who the command runs as. */
  identity: ProcessIdentity;
  /** securityContext.readOnlyRootFilesystem: nothing but the writable mounts can be written. */
  readOnlyRootFilesystem: boolean;
}

export interface PodResult {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const STOP_GRACE_MS = 3000;

export class NetworkSandbox {
  private readonly runningPods = new Set<RunningPod>();

  private constructor(
    private readonly netns: string,
    /** Holds each pod's scratch dir (overlay upper/work layers live on a tmpfs mounted over it). */
    private readonly scratchRoot: string,
  ) {}

  /** `filesDir`: where to keep scratch files; pods must not mount anything over it. */
  static async create(label: string, filesDir: string): Promise<NetworkSandbox> {
    const netns = `${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    await host('ip', ['netns', 'add', netns]);
    const sandbox = new NetworkSandbox(netns, mkdtempSync(join(filesDir, `${netns}-scratch-`)));
    try {
      await host('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    } catch (error) {
      await sandbox.destroy();
      throw error;
    }
    return sandbox;
  }

  /** What kube-proxy's iptables mode does for a Service port: DNAT new connections to a pod. */
  async forwardTcp(from: { ip: string; port: number }, to: { ip: string; port: number }): Promise<void> {
    await host('ip', ['netns', 'exec', this.netns, 'iptables', '-t', 'nat', '-A', 'OUTPUT', '-d', `${from.ip}/32`,
      '-p', 'tcp', '--dport', String(from.port), '-j', 'DNAT', '--to-destination', `${to.ip}:${to.port}`]);
  }

  /** Starts a long-running pod whose stdout and stderr go to `logFile`. */
  startPod(pod: PodCommand, logFile: string): RunningPod {
    const log = openSync(logFile, 'a');
    try {
      const running = new RunningPod(this.spawnPod(pod, ['ignore', log, log]), logFile);
      this.runningPods.add(running);
      void running.exited.then(() => this.runningPods.delete(running));
      return running;
    } finally {
      closeSync(log);
    }
  }

  /** Runs a pod to completion; kills it after `timeoutMs`. */
  async runPod(pod: PodCommand, timeoutMs: number): Promise<PodResult> {
    const child = this.spawnPod(pod, ['ignore', 'pipe', 'pipe']);
    const running = new RunningPod(child);
    this.runningPods.add(running);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void running.stop();
    }, timeoutMs);
    try {
      const { exitCode } = await running.exited;
      return { exitCode, timedOut, stdout, stderr };
    } finally {
      clearTimeout(timer);
      this.runningPods.delete(running);
    }
  }

  /** Stops every pod still running and deletes the namespace (and with it its iptables rules). */
  async destroy(): Promise<void> {
    await Promise.all([...this.runningPods].map((pod) => pod.stop()));
    try {
      await host('ip', ['netns', 'del', this.netns]);
    } finally {
      rmSync(this.scratchRoot, { recursive: true, force: true });
    }
  }

  private spawnPod(pod: PodCommand, stdio: ['ignore', number | 'pipe', number | 'pipe']): ChildProcess {
    const scratchDir = mkdtempSync(join(this.scratchRoot, 'pod-'));
    const script = podEntrypointScript(pod, scratchDir, existsSync);
    // The runtime takes HOME from the image's /etc/passwd, which the sandbox has not; / is its fallback.
    const home = pod.identity.uid === 0 ? '/root' : '/';
    // detached: the pod gets its own process group, so stopping it also reaches nginx's workers.
    return spawn('ip', ['netns', 'exec', this.netns, 'sh', '-c', script, 'pod-entrypoint', ...pod.command], {
      env: { PATH: SYSTEM_PATH, HOME: home, ...pod.env },
      stdio,
      detached: true,
    });
  }
}

export class RunningPod {
  readonly exited: Promise<{ exitCode: number | null }>;

  constructor(
    private readonly child: ChildProcess,
    private readonly logFile?: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.on('exit', (exitCode) => resolve({ exitCode }));
      child.on('error', () => resolve({ exitCode: null }));
    });
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  log(): string {
    return this.logFile && existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  /**
   * SIGTERM to the pod's process group, SIGKILL if its leader is still there after a grace
   * period. (nginx's master exits only after its workers.)
   */
  async stop(): Promise<void> {
    if (this.hasExited || this.child.pid === undefined) return;
    const group = -this.child.pid;
    signal(group, 'SIGTERM');
    const stopped = await Promise.race([
      this.exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref()),
    ]);
    if (!stopped) {
      signal(group, 'SIGKILL');
      await this.exited;
    }
  }
}

/**
 * The shell script a pod starts with: mount the volumes, then exec the command ("$@") as the pod's
 * user.
 *
 * A mountPath missing on the host needs a directory to mount on, and the host must not be written
 * to; so the nearest existing ancestor gets a pod-private overlay (layers on a tmpfs at
 * `scratchDir`), in which the mount point is created.
 */
export function podEntrypointScript(
  pod: Pick<PodCommand, 'mounts' | 'identity' | 'readOnlyRootFilesystem'>,
  scratchDir: string,
  existsOnHost: (path: string) => boolean,
): string {
  const { mounts } = pod;
  const missing = mounts.map((m) => m.target).filter((target) => !existsOnHost(target));
  const ancestors = [...new Set(missing.map((target) => nearestExistingAncestor(target, existsOnHost)))];
  if (ancestors.includes('/')) {
    throw new Error(`mount points directly under / cannot be created without writing to the host: ${missing.join(', ')}`);
  }
  // An overlay on a directory makes its subdirectories writable too.
  const overlaid = ancestors.filter((dir) => !ancestors.some((other) => isBelow(dir, other)));

  const lines = ['set -eu'];
  if (overlaid.length > 0) lines.push(`mount -t tmpfs pod-scratch ${quote(scratchDir)}`);
  overlaid.forEach((dir, index) => {
    const upper = `${scratchDir}/${index}/upper`;
    const work = `${scratchDir}/${index}/work`;
    lines.push(
      `mkdir -p ${quote(upper)} ${quote(work)}`,
      `mount -t overlay pod-overlay -o ${quote(`lowerdir=${dir},upperdir=${upper},workdir=${work}`)} ${quote(dir)}`,
    );
  });
  // Parents before children, so a nested mount lands inside its parent's mount.
  for (const mount of [...mounts].sort((a, b) => a.target.localeCompare(b.target))) {
    if (missing.includes(mount.target)) lines.push(`mkdir -p ${quote(mount.target)}`);
    lines.push(`mount --bind ${quote(mount.source)} ${quote(mount.target)}`);
    if (mount.readOnly) lines.push(`mount -o remount,bind,ro ${quote(mount.target)}`);
  }
  if (pod.readOnlyRootFilesystem) {
    // Read-only flags are per mount: the volumes mounted above stay as they are.
    for (const dir of ['/', ...overlaid]) lines.push(`mount -o remount,bind,ro ${quote(dir)}`);
  }
  lines.push(`exec ${dropToIdentity(pod.identity)} "$@"`);
  return lines.join('\n');
}

/**
 * util-linux setpriv: switches to the identity for good, with every capability dropped and
 * no_new_privs set. That is what restricted containers (drop ALL, allowPrivilegeEscalation false)
 * get; the sandbox does it for every pod.
 */
function dropToIdentity({ uid, gid, groups }: ProcessIdentity): string {
  const supplementaryGroups = groups.length > 0 ? `--groups=${groups.join(',')}` : '--clear-groups';
  return `setpriv --reuid=${uid} --regid=${gid} ${supplementaryGroups} --inh-caps=-all --bounding-set=-all --no-new-privs --`;
}

function nearestExistingAncestor(path: string, existsOnHost: (path: string) => boolean): string {
  let dir = dirname(path);
  while (dir !== '/' && !existsOnHost(dir)) dir = dirname(dir);
  return dir;
}

function isBelow(path: string, dir: string): boolean {
  return path.startsWith(`${dir}/`);
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function signal(processGroup: number, name: NodeJS.Signals): void {
  try {
    process.kill(processGroup, name);
  } catch {
    // The group is already gone.
  }
}

async function host(command: string, args: string[]): Promise<void> {
  await execFileAsync(command, args, { env: { PATH: SYSTEM_PATH } });
}
