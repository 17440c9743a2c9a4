import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { QUIET_CERTIFICATE_COUNT } from '../lib/certificate-store';
import { processIsAlive, withFileLock } from '../lib/file-lock';

/**
 * Marks a folder as written by a synth and lists what it wrote. Only such a folder is replaced, and
 * only while it holds nothing else. Not a manifest: `kubectl apply -f` skips it.
 */
export const OUTPUT_MARKER_FILE = '.cdk8s-synth-output';
const MARKER_HEADER = [
  '# Written by a synth of cdk8s-secure-nginx, which replaces this folder as a whole next time, as',
  '# long as it holds only the files listed here. It holds private keys: never commit it.',
];

/** Options of {@link writeDirectoryAtomically}. */
export interface WriteDirectoryOptions {
  /**
   * Folders the output may be neither nor contain.
   * @default the current directory (the project) and the home directory
   */
  readonly protectedDirs?: readonly string[];
}

/**
 * Runs `write(stagingDir)` and only when it returns moves the result to `outdir`, replacing what a
 * previous synth wrote there. A synth that throws leaves `outdir` as it was: never half-written.
 *
 * Never deletes what a synth did not write: `outdir` must be new, empty, or marked (see
 * {@link OUTPUT_MARKER_FILE}), and may not be or contain the project or the home directory.
 * Staging happens beside `outdir` in hidden, git-ignored folders (same file system, so the final
 * renames are atomic), files 0600 in folders 0700; the swap holds a lock, so concurrent synths
 * never interleave; what a killed synth left behind is cleaned up by the next one.
 */
export function writeDirectoryAtomically(outdir: string, write: (stagingDir: string) => void, options: WriteDirectoryOptions = {}): void {
  const target = checkedOutputDir(outdir, options.protectedDirs ?? [process.cwd(), os.homedir()]);
  const siblings = new OutputSiblings(target);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  siblings.underLock(() => {
    siblings.cleanUpAfterCrashes();
    assertReplaceable(target);
  });
  const staging = siblings.createStaging();
  try {
    write(staging);
    sealOutput(staging);
    siblings.underLock(() => {
      siblings.cleanUpAfterCrashes();
      assertReplaceable(target);
      siblings.swapIn(staging);
    });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The absolute output folder, or an error when it is empty or would replace a protected folder. */
function checkedOutputDir(outdir: string, protectedDirs: readonly string[]): string {
  if (outdir.trim() === '') {
    throw new Error('The output folder is empty (is CDK8S_OUTDIR set to ""?): name a folder such as dist, or unset CDK8S_OUTDIR');
  }
  // Links resolved in the parent (a link cannot smuggle in a protected folder); a link as the folder itself is refused later.
  const absolute = path.resolve(outdir);
  const target = path.join(realPathOfExisting(path.dirname(absolute)), path.basename(absolute));
  for (const dir of protectedDirs.map((d) => realPathOfExisting(path.resolve(d)))) {
    if (isSameOrInside(dir, target)) {
      const what = dir === path.parse(dir).root ? 'the file system root' : `or contains ${dir}`;
      throw new Error(`Refusing to write the output to ${outdir}: it is ${what}, and a synth replaces its output folder as a whole. Name a folder of its own, such as dist`);
    }
  }
  return target;
}

/** Why a synth may not replace `target`, as an error; nothing when it may. */
function assertReplaceable(target: string): void {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(target);
  } catch {
    return; // nothing there
  }
  if (!stats.isDirectory()) {
    throw new Error(`Refusing to replace ${target}: it is ${stats.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}. Name the real output folder, or move it away`);
  }
  const entries = fs.readdirSync(target);
  if (entries.length === 0) return;
  if (!entries.includes(OUTPUT_MARKER_FILE)) {
    throw new Error(`Refusing to replace ${target}: it holds files no synth wrote (there is no ${OUTPUT_MARKER_FILE} in it), and a synth replaces its output folder as a whole. `
      + 'Name another output folder; if this one is the output of an older version, delete it once');
  }
  const foreign = unlistedEntries(target, '', new Set(readMarkerList(target)));
  if (foreign.length > 0) {
    throw new Error(`Refusing to replace ${target}: it holds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}, which no synth wrote. `
      + 'Move them out of the folder, then synthesize again');
  }
}

function readMarkerList(folder: string): string[] {
  return fs.readFileSync(path.join(folder, OUTPUT_MARKER_FILE), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
}

/** Entries under `folder` a synth did not write: not in `listed` (and folders holding nothing listed). */
function unlistedEntries(root: string, relative: string, listed: ReadonlySet<string>): string[] {
  return fs.readdirSync(path.join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const entryPath = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isFile()) return listed.has(entryPath) || entryPath === OUTPUT_MARKER_FILE ? [] : [entryPath];
    const holdsListed = [...listed].some((file) => file.startsWith(`${entryPath}/`));
    if (entry.isDirectory() && holdsListed) return unlistedEntries(root, entryPath, listed);
    return [`${entryPath}${entry.isDirectory() ? '/' : ''}`];
  });
}

/** Files 0600 and folders 0700 (they hold private keys), and the marker listing every file. */
function sealOutput(staging: string): void {
  fs.rmSync(path.join(staging, '.gitignore'));
  const files: string[] = [];
  const visit = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(staging, relative), { withFileTypes: true })) {
      const entryPath = relative ? `${relative}/${entry.name}` : entry.name;
      fs.chmodSync(path.join(staging, entryPath), entry.isDirectory() ? 0o700 : 0o600);
      if (entry.isDirectory()) visit(entryPath);
      else files.push(entryPath);
    }
  };
  visit('');
  const marker = [...MARKER_HEADER, ...files.sort()].join('\n') + '\n';
  fs.writeFileSync(path.join(staging, OUTPUT_MARKER_FILE), marker, { mode: 0o600 });
}

/**
 * The hidden folders and the lock beside an output folder: `.NAME.cdk8s-staging-PID-RANDOM` (being
 * written), `.NAME.cdk8s-previous-PID-RANDOM` (the replaced output, during the swap) and
 * `.NAME.cdk8s-lock`. The repository's .gitignore covers the patterns.
 */
class OutputSiblings {
  private readonly parent: string;
  private readonly name: string;

  constructor(private readonly target: string) {
    this.parent = path.dirname(target);
    this.name = path.basename(target);
  }

  underLock(critical: () => void): void {
    withFileLock(path.join(this.parent, `.${this.name}.cdk8s-lock`), { purpose: `the output folder ${this.target}` }, critical);
  }

  /** A fresh 0700 staging folder; its own .gitignore keeps it out of any repository while it exists. */
  createStaging(): string {
    const staging = this.sibling('staging');
    fs.mkdirSync(staging, { mode: 0o700 });
    fs.writeFileSync(path.join(staging, '.gitignore'), '# A synth in progress (or killed): private keys, never commit.\n*\n', { mode: 0o600 });
    return staging;
  }

  /** Two renames under the lock; between them a crash leaves the previous output, which the next synth restores. */
  swapIn(staging: string): void {
    const previous = this.sibling('previous');
    const hadPrevious = fs.existsSync(this.target);
    if (hadPrevious) fs.renameSync(this.target, previous);
    fs.renameSync(staging, this.target);
    if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
  }

  /**
   * Under the lock: a previous output exists only if its synth died mid-swap (restored when the
   * output is missing, else removed); a staging folder is abandoned once its process is gone.
   */
  cleanUpAfterCrashes(): void {
    const pattern = new RegExp(`^\\.${escapeRegExp(this.name)}\\.cdk8s-(staging|previous)-(\\d+)-[0-9a-f]+$`);
    for (const entry of fs.readdirSync(this.parent)) {
      const match = pattern.exec(entry);
      if (!match) continue;
      const [, kind, pid] = match;
      const folder = path.join(this.parent, entry);
      if (kind === 'previous' && !fs.existsSync(this.target)) fs.renameSync(folder, this.target);
      else if (kind === 'previous' || (Number(pid) !== process.pid && !processIsAlive(Number(pid)))) fs.rmSync(folder, { recursive: true, force: true });
    }
  }

  private sibling(kind: 'staging' | 'previous'): string {
    return path.join(this.parent, `.${this.name}.cdk8s-${kind}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }
}

/** The path with symbolic links resolved as far as it exists. */
function realPathOfExisting(absolute: string): string {
  const missing: string[] = [];
  let existing = absolute;
  while (!fs.existsSync(existing)) {
    missing.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  return path.join(fs.realpathSync(existing), ...missing);
}

function isSameOrInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a synth wrote: manifest files (final state and steps) and the objects they hold. */
export interface WrittenManifests {
  readonly files: number;
  readonly objects: number;
}

/**
 * The line a synth that generated more than a few certificates ends with: objects, files,
 * certificates generated and reused, seconds since the process started. Undefined otherwise (warm).
 */
export function coldSynthSummary(written: WrittenManifests, certificates: { generated: number; reused: number }, elapsedMs: number): string | undefined {
  if (certificates.generated <= QUIET_CERTIFICATE_COUNT) return undefined;
  return `${written.objects} objects in ${written.files} files; certificates: ${certificates.generated} generated, ${certificates.reused} reused; ${(elapsedMs / 1000).toFixed(1)} s`;
}
