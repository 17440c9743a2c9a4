import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';

const createdTempDirs: string[] = [];
// Registered once per test file that imports this module: temp dirs may hold private keys.
afterAll(() => createdTempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A fresh temporary directory, removed when the test file is done. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  createdTempDirs.push(dir);
  return dir;
}

/** Builds constructs in a fresh chart and returns the synthesized objects. */
export function synthObjects(build: (chart: Chart) => void): any[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart);
}

/** The one object of `kind` named `name`; fails the test if there is not exactly one. */
export function findObject(objects: any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

export const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * The repository as an installed package resolves it (`main` is build/lib/index.js), once
 * `npm run build` (which `npm test` runs first) has compiled the current lib/.
 */
export function builtPackageRoot(): string {
  assertBuiltFrom(path.join(REPO_ROOT, 'build', 'lib', 'index.js'), path.join(REPO_ROOT, 'lib'));
  return REPO_ROOT;
}

/** The validator package's folder, once `npm run build` has bundled the current validator/src. */
export function builtValidatorRoot(): string {
  const root = path.join(REPO_ROOT, 'validator');
  assertBuiltFrom(path.join(root, 'build', 'index.js'), path.join(root, 'src'));
  return root;
}

function assertBuiltFrom(builtFile: string, sourceDir: string): void {
  const builtAt = fs.existsSync(builtFile) ? fs.statSync(builtFile).mtimeMs : -1;
  const newer = fs.readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .find((file) => fs.statSync(path.join(sourceDir, file)).mtimeMs > builtAt);
  if (newer !== undefined) {
    throw new Error(`${path.relative(REPO_ROOT, builtFile)} is missing or older than ${path.relative(REPO_ROOT, path.join(sourceDir, newer))}: run \`npm run build\` (npm test does) first`);
  }
}

/** Runs the app exactly as `npm run synth` and `cdk8s synth` do, into `outdir`, with its own certificate store. */
export function synthesizeInto(outdir: string, certificateStore: string): void {
  execFileSync(process.execPath, ['scripts/synth.js'], {
    cwd: REPO_ROOT,
    env: { ...process.env, CDK8S_OUTDIR: outdir, CDK8S_CERT_STORE: certificateStore },
    stdio: 'pipe',
  });
}

/** Runs openssl with the arguments; returns stdout, or throws with its stderr. */
export function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export function decodeBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * Every file below `dir` (relative path) with the sha256 of its bytes: compares output trees byte
 * for byte without a failing test printing the private keys they hold.
 */
export function treeDigests(dir: string): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath ?? (entry as any).path, entry.name);
    if (entry.isFile()) digests[path.relative(dir, file)] = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return digests;
}

/** A pid that is certainly not running: that of a process that has exited (as after kill -9). */
export function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}
