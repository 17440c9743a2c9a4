import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';

/** A lock older than this is taken to be left by a crash even if its pid is alive again (pid reuse, another host). */
const STALE_AFTER_MS = 2 * 60 * 1000;
const RETRY_MS = 20;
/** After this long waiting, say who holds the lock (once), so a wait is never silent. */
const ANNOUNCE_WAIT_AFTER_MS = 3000;

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** What the lock protects, for the message shown while waiting (e.g. 'the certificate store /x'). */
  readonly purpose: string;
  /** Where messages go. */
  readonly notify?: (message: string) => void;
}

/**
 * Runs `critical` while holding an exclusive, cross-process lock: a file created with O_EXCL that
 * holds the owner's pid and host, removed afterwards. A lock whose owner died (kill -9, power
 * loss) is broken by the next process: its pid is gone, or it is older than any critical section.
 */
export function withFileLock<T>(lockPath: string, options: FileLockOptions, critical: () => T): T {
  const token = `${process.pid} ${os.hostname()} ${Date.now()} ${randomBytes(8).toString('hex')}\n`;
  acquire(lockPath, token, options);
  try {
    return critical();
  } finally {
    release(lockPath, token);
  }
}

/** True while a process with this pid exists on this machine. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acquire(lockPath: string, token: string, options: FileLockOptions): void {
  const startedAt = Date.now();
  let announced = false;
  for (;;) {
    if (tryCreate(lockPath, token)) return;
    const holder = readHolder(lockPath);
    if (holder !== undefined && isStale(lockPath, holder)) {
      breakStaleLock(lockPath, holder);
      continue;
    }
    if (!announced && Date.now() - startedAt > ANNOUNCE_WAIT_AFTER_MS) {
      announced = true;
      (options.notify ?? console.error)(`Waiting for ${options.purpose}: locked by ${describeHolder(holder)} (${lockPath}). If no synth is running, delete that file.`);
    }
    sleep(RETRY_MS);
  }
}

function tryCreate(lockPath: string, token: string): boolean {
  let fd: number;
  try {
    // O_EXCL: exactly one creator wins; with O_CREAT it also refuses to follow a planted symlink.
    fd = fs.openSync(lockPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.writeSync(fd, token);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The lock file's content, '' while its owner is still writing it, undefined if it is gone. */
function readHolder(lockPath: string): string | undefined {
  try {
    return fs.readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(lockPath: string, holder: string): boolean {
  const [pid, host] = holder.split(' ');
  if (holder.endsWith('\n') && host === os.hostname() && !processIsAlive(Number(pid))) return true;
  try {
    return Date.now() - fs.statSync(lockPath).mtimeMs > STALE_AFTER_MS;
  } catch {
    return false; // gone meanwhile: the next attempt creates it
  }
}

/**
 * Moves the stale lock aside and deletes it only if it is still the one judged stale: when two
 * processes break the same lock at once, the slower one must not delete the faster one's new lock.
 */
function breakStaleLock(lockPath: string, staleHolder: string): void {
  const aside = `${lockPath}.stale-${randomBytes(8).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (readHolder(aside) !== staleHolder) {
    // A live lock taken after the stale one was broken by someone else: put it back.
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // Another process holds the lock by now; the moved one's owner releases nothing (see release).
    }
  }
  fs.rmSync(aside, { force: true });
}

function release(lockPath: string, token: string): void {
  // Only our own lock: if it was (wrongly) broken, the file may be someone else's now.
  if (readHolder(lockPath) === token) fs.rmSync(lockPath, { force: true });
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function describeHolder(holder: string | undefined): string {
  const [pid, host] = (holder ?? '').split(' ');
  return pid ? `process ${pid} on ${host}` : 'a process that is starting';
}
