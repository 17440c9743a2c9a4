import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { decodeBase64, tempDir, treeDigests } from './support';

// Real synth processes, as users and CI run them: several at once, killed mid-way, and apps with
// cross-object mistakes. Each scenario works in a git repository of its own holding our .gitignore.
const ROOT = path.resolve(__dirname, '..');

function scratchRepository(): string {
  const repo = tempDir('synth-repo');
  fs.copyFileSync(path.join(ROOT, '.gitignore'), path.join(repo, '.gitignore'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.gitignore');
  git('commit', '-qm', 'init');
  return repo;
}

function startSynth(outdir: string, store: string): ChildProcess {
  return spawn(process.execPath, ['scripts/synth.js'], {
    cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir, CDK8S_CERT_STORE: store, CDK8S_ROTATE_CERTS: '' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

/** The certificate in the Secret of the final state, and the one in the (only) store entry. */
function certificates(dist: string, store: string): { emitted: string; stored: string } {
  const manifest = fs.readFileSync(path.join(dist, 'tutorial.k8s.yaml'), 'utf8');
  const emitted = decodeBase64(/tls\.crt: (\S+)/.exec(manifest)![1]);
  const entries = fs.readdirSync(store);
  expect(entries).toHaveLength(1); // one entry; no lock or temporary file left
  return { emitted, stored: JSON.parse(fs.readFileSync(path.join(store, entries[0]), 'utf8')).certificatePem };
}

/** Nothing beside dist/ and the store, and git sees nothing to commit. */
function expectCleanRepository(repo: string): void {
  expect(fs.readdirSync(repo).sort()).toEqual(['.cdk8s-certs', '.git', '.gitignore', 'dist']);
  expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo, encoding: 'utf8' })).toBe('');
}

describe('synths at the same time on an empty store', () => {
  test('agree on one certificate; dist/ stays byte-identical afterwards; nothing is left beside it', async () => {
    const repo = scratchRepository();
    const store = path.join(repo, '.cdk8s-certs');
    const dist = path.join(repo, 'dist');
    const ownOutdirs = [1, 2, 3].map((i) => path.join(tempDir('synth-own'), `out${i}`));
    const runs = await Promise.all([dist, dist, dist, ...ownOutdirs].map((outdir) => finished(startSynth(outdir, store))));
    expect(runs.map((r) => [r.code, r.code === 0 ? '' : r.stderr])).toEqual(runs.map(() => [0, '']));
    const tree = treeDigests(dist);
    for (const outdir of ownOutdirs) expect(treeDigests(outdir)).toEqual(tree);
    const { emitted, stored } = certificates(dist, store);
    expect(emitted).toBe(stored);
    expect((await finished(startSynth(dist, store))).code).toBe(0);
    expect(treeDigests(dist)).toEqual(tree);
    expectCleanRepository(repo);
  });
});

describe('synths killed with SIGKILL at arbitrary moments', () => {
  test('leave no staging, no key outside ignored paths, and the next synth consistent output', async () => {
    const repo = scratchRepository();
    const store = path.join(repo, '.cdk8s-certs');
    const dist = path.join(repo, 'dist');
    // Fixed delays spread over a synth's life (the bundle is warm from other tests or the first run).
    for (const delayMs of [0, 40, 80, 120, 160, 200, 250, 300]) {
      const child = startSynth(dist, store);
      const done = finished(child);
      setTimeout(() => child.kill('SIGKILL'), delayMs);
      await done;
      expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo, encoding: 'utf8' })).toBe('');
    }
    const last = await finished(startSynth(dist, store));
    expect([last.code, last.stderr]).toEqual([0, expect.stringContaining('Synthesized')]);
    const { emitted, stored } = certificates(dist, store);
    expect(emitted).toBe(stored);
    expect(Object.keys(treeDigests(dist)).sort()).toEqual(expect.arrayContaining(['.cdk8s-synth-output', 'ACCESS.md', 'tutorial.k8s.yaml']));
    expectCleanRepository(repo);
  });
});

describe('cross-object mistakes fail the synth before anything is written', () => {
  const store = tempDir('clash-store');
  const fixture = `node --require tsx/cjs ${path.join('test', 'fixtures', 'clashing-app.ts')}`;
  const expectBothNamed = (output: string) => {
    expect(output).toContain("Deployment default/web is emitted by both 'shop/Web/Pods/Deployment/Resource' and 'shop/Web2/Pods/Deployment/Resource'");
    expect(output).toMatch(/nodePort 30080 is fixed by both Service default\/web \('shop\/Web\/Endpoint\/Service'\) and Service default\/web \('shop\/Web2\/Endpoint\/Service'\)/);
  };

  test('like npm run synth: exits non-zero, the previous output stays as it was', () => {
    const outdir = path.join(tempDir('clash'), 'dist');
    execFileSync(process.execPath, ['scripts/synth.js'], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir, CDK8S_CERT_STORE: store }, stdio: 'pipe' });
    const before = treeDigests(outdir);
    const result = spawnSync('sh', ['-c', fixture], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir, CDK8S_CERT_STORE: store }, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expectBothNamed(result.stderr);
    expect(treeDigests(outdir)).toEqual(before);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['dist']);
  });

  test('through cdk8s synth: fails before its validation plugin ever sees the manifests', () => {
    const outdir = path.join(tempDir('clash-cli'), 'dist');
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--app', fixture, '--output', outdir], {
      cwd: ROOT, env: { ...process.env, CDK8S_CERT_STORE: store, CDK8S_CHECK_UPGRADE: 'false' }, encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expectBothNamed(result.stderr);
    // cdk8s-cli itself empties the output folder before it runs the app; the app wrote nothing into it.
    expect(fs.existsSync(outdir) ? fs.readdirSync(outdir) : []).toEqual([]);
  });
});
