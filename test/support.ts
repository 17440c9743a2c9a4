import { execFileSync } from 'child_process';
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
 * The repository as an installed package resolves it (`main` is build/lib/index.js), after checking
 * that `npm run build` (run first by `npm test`) compiled the current lib/ sources.
 */
export function builtPackageRoot(): string {
  const entry = path.join(REPO_ROOT, 'build', 'lib', 'index.js');
  const builtAt = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : -1;
  const libDir = path.join(REPO_ROOT, 'lib');
  const stale = fs.readdirSync(libDir).filter((file) => fs.statSync(path.join(libDir, file)).mtimeMs > builtAt);
  if (stale.length > 0) throw new Error(`build/lib is missing or older than lib/${stale[0]}: run \`npm run build\` (npm test does) first`);
  return REPO_ROOT;
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
