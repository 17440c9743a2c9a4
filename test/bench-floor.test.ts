import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { OUTPUT_MARKER_FILE } from '../app/synth-output';
import { synthesizeTutorial } from '../app/tutorial-app';
import { REPO_ROOT, tempDir } from './support';

// The benchmark's ratios are to bench/floor-app.ts: it must write what the app writes (files, objects,
// about the bytes), only without our library's work. These fail when the app gains or loses an object
// or file and the floor does not follow.
const SIZE_TOLERANCE = 0.15;

/** Runs a bench app from its TypeScript source, as the benchmark runs its bundle. */
function runBenchApp(entry: string, env: Record<string, string>): void {
  execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join('bench', entry)], {
    cwd: REPO_ROOT, env: { ...process.env, CDK8S_ROTATE_CERTS: '', ...env }, stdio: 'pipe',
  });
}

/** Every file below `dir` (relative path -> bytes), but the marker a synth of the app leaves to replace its output safely. */
function outputFiles(dir: string): Map<string, Buffer> {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => path.basename(file) !== OUTPUT_MARKER_FILE && fs.statSync(path.join(dir, file)).isFile())
    .sort();
  return new Map(files.map((file) => [file, fs.readFileSync(path.join(dir, file))]));
}

/** Per manifest file, its objects as `apiVersion kind name`, in file order. */
function objectsPerFile(files: Map<string, Buffer>): Record<string, string[]> {
  return Object.fromEntries([...files].filter(([file]) => file.endsWith('.yaml')).map(([file, bytes]) => [
    file, parseAllDocuments(bytes.toString('utf8')).map((doc) => doc.toJS()).map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`),
  ]));
}

/** The files whose size in the floor differs from the app's by more than the tolerance, with both sizes. */
function sizeMismatches(app: Map<string, Buffer>, floor: Map<string, Buffer>): string[] {
  return [...app].flatMap(([file, bytes]) => {
    const floorBytes = floor.get(file)?.length ?? 0;
    const change = floorBytes / bytes.length - 1;
    return Math.abs(change) <= SIZE_TOLERANCE ? [] : [`${file}: app ${bytes.length} B, floor ${floorBytes} B (${(change * 100).toFixed(0)}%)`];
  });
}

function expectSameOutput(appDir: string, floorDir: string): void {
  const app = outputFiles(appDir);
  const floor = outputFiles(floorDir);
  expect([...floor.keys()]).toEqual([...app.keys()]);
  expect(objectsPerFile(floor)).toEqual(objectsPerFile(app));
  expect(sizeMismatches(app, floor)).toEqual([]);
}

describe('the benchmark floor writes what the app writes', () => {
  test('the tutorial: the same files, objects per file in order, and sizes within 15%', () => {
    const appDir = path.join(tempDir('floor-app-out'), 'dist');
    synthesizeTutorial({ outdir: appDir, certificateStoreDir: tempDir('floor-app-store') });
    const floorDir = tempDir('floor-out');
    runBenchApp('floor-app.ts', { CDK8S_OUTDIR: floorDir });
    expect(outputFiles(appDir).size).toBeGreaterThan(10);
    expectSameOutput(appDir, floorDir);
  });

  // RSA, as the tutorial: the floor's placeholder key and certificate are that long (ECDSA ones are a third).
  test('BENCH_APPS=3: the same objects and size as bench/scale-app.ts', () => {
    const scaleDir = tempDir('floor-scale-out');
    runBenchApp('scale-app.ts', { BENCH_APPS: '3', BENCH_KEY_ALGORITHM: 'rsa', CDK8S_CERT_STORE: tempDir('floor-scale-store'), CDK8S_OUTDIR: scaleDir });
    const floorDir = tempDir('floor-apps-out');
    runBenchApp('floor-app.ts', { BENCH_APPS: '3', CDK8S_OUTDIR: floorDir });
    expect(objectsPerFile(outputFiles(scaleDir))['apps.k8s.yaml']).toHaveLength(15);
    expectSameOutput(scaleDir, floorDir);
  });
});
