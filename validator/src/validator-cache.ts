import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** sha256 of text or bytes, hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * sha256 of a module's own code (in a bundle, the whole bundle), for cache keys: entries made by
 * other code are other entries, so changing the validator never loads what an older one compiled.
 * Falls back to this package's version where the code cannot be read.
 */
export function codeFingerprint(moduleFile: string): string {
  try {
    return sha256(fs.readFileSync(moduleFile));
  } catch {
    return `version ${(require('../package.json') as { version: string }).version}`;
  }
}

/**
 * Entries kept between runs (compiled validators, kind indexes), each stored under a key that
 * names everything it was made from, so a changed input is another key rather than a stale entry.
 * Any failure (a missing, corrupt or foreign entry, a folder that cannot be written or is not safely
 * ours) is a miss: the caller makes the value again, so the cache only ever saves time.
 */
export class ValidatorCache {
  /**
   * $CDK8S_VALIDATOR_CACHE_DIR, else `node_modules/.cache/cdk8s-manifest-validator` of the nearest
   * folder from the working directory up that has node_modules; without either, nothing is kept.
   */
  static default(): ValidatorCache {
    return new ValidatorCache(process.env.CDK8S_VALIDATOR_CACHE_DIR || nearestNodeModulesCache('cdk8s-manifest-validator'));
  }

  private usable?: boolean;

  constructor(private readonly dir: string | undefined) {}

  /** The body stored under key, if a sound entry is there. */
  read(key: string): Buffer | undefined {
    if (!this.isUsable(false)) return undefined;
    let entry: Buffer;
    try {
      entry = fs.readFileSync(this.fileOf(key));
    } catch {
      return undefined;
    }
    const newline = entry.indexOf(0x0a);
    const body = entry.subarray(newline + 1);
    return newline > 0 && entry.subarray(0, newline).toString('utf8') === headerOf(key, body) ? body : undefined;
  }

  /** Stores body under key, or nothing when the folder is unusable. Write-then-rename: a reader sees a whole entry or none. */
  write(key: string, body: string | Uint8Array): void {
    if (!this.isUsable(true)) return;
    const file = this.fileOf(key);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(temporary, Buffer.concat([Buffer.from(`${headerOf(key, body)}\n`), Buffer.from(body)]), { mode: 0o600, flag: 'wx' });
      fs.renameSync(temporary, file);
    } catch {
      fs.rmSync(temporary, { force: true });
    }
  }

  private fileOf(key: string): string {
    return path.join(this.dir!, sha256(key).slice(0, 40));
  }

  /**
   * Entries are code that runs, so the folder must be ours and writable by nobody else (as
   * node_modules itself is); it is created, private, when an entry is first written.
   */
  private isUsable(create: boolean): boolean {
    if (this.usable !== undefined || !this.dir) return this.usable ?? false;
    try {
      if (create) fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const stat = fs.statSync(this.dir);
      // Where there are no uids (Windows), there are no such mode bits either.
      const isPrivate = process.getuid === undefined || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
      this.usable = stat.isDirectory() && isPrivate;
    } catch {
      if (create) this.usable = false;
      return false;
    }
    return this.usable;
  }
}

/** The entry's first line: its key and a checksum of the rest, so a corrupt or misplaced entry is never used. */
function headerOf(key: string, body: string | Uint8Array): string {
  return `// ${JSON.stringify(key)} sha256:${sha256(body)}`;
}

/** `node_modules/.cache/<name>` of the nearest folder from the working directory up that has node_modules. */
export function nearestNodeModulesCache(name: string): string | undefined {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', name);
    if (path.dirname(dir) === dir) return undefined;
  }
}
