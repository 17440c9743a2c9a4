import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as validatorApi from '../src';
import { sha256, ValidatorCache } from '../src/validator-cache';
import { objectOf, TUTORIAL_YAML, tutorialDocs } from './fixtures';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
// One version keeps the cold (compiling) runs short; what is cached does not depend on the version.
const VERSION = 'v1.30.0';

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validator-cache-'));
  tempDirs.push(dir);
  return dir;
}

/** A folder that can never be created: its parent is a regular file (root ignores permissions, not this). */
function impossibleDir(): string {
  const file = path.join(tempDir(), 'a-file');
  fs.writeFileSync(file, '');
  return path.join(file, 'cache');
}

/** Every entry file of a cache folder, by name. */
function entriesOf(dir: string): Record<string, Buffer> {
  return Object.fromEntries(fs.readdirSync(dir).map(name => [name, fs.readFileSync(path.join(dir, name))]));
}

/** The key an entry was stored under (its first line names it). */
function keyOf(entry: Buffer): string {
  const header = entry.subarray(0, entry.indexOf(0x0a)).toString('utf8');
  return JSON.parse(header.slice('// '.length, header.lastIndexOf(' sha256:')));
}

/** Whether an entry's checksum matches its body. */
function isSound(entry: Buffer): boolean {
  const newline = entry.indexOf(0x0a);
  return entry.subarray(0, newline).toString('utf8').endsWith(` sha256:${sha256(entry.subarray(newline + 1))}`);
}

/** A checksum of every entry, by name (comparing megabytes byte by byte is slow). */
function digestsOf(entries: Record<string, Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, sha256(entry)]));
}

/** The entries of compiled code and kind indexes: V8's compiled form of the code differs from run to run. */
function codeEntriesOf(dir: string): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(entriesOf(dir)).filter(([, entry]) => !keyOf(entry).startsWith('v8 ')));
}

/** Lets the writes a validation schedules for when it is done happen. */
const writesScheduled = () => new Promise(resolve => setImmediate(resolve));

describe('ValidatorCache', () => {
  test('keeps what was written for the next run, in a folder only its owner can read', () => {
    const dir = path.join(tempDir(), 'cache');
    new ValidatorCache(dir).write('key', 'value');

    expect(new ValidatorCache(dir).read('key')?.toString()).toBe('value');
    expect(new ValidatorCache(dir).read('other key')).toBeUndefined();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = fs.readdirSync(dir);
    expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
  });

  test('a corrupt entry, or one stored under another key, reads as missing', () => {
    const dir = tempDir();
    new ValidatorCache(dir).write('a', 'value of a');
    new ValidatorCache(dir).write('b', 'value of b');
    const entries = entriesOf(dir);
    const fileOf = (key: string) => Object.keys(entries).find(name => keyOf(entries[name]) === key)!;
    fs.writeFileSync(path.join(dir, fileOf('a')), entries[fileOf('a')].toString().replace('value of a', 'value of A'));
    fs.writeFileSync(path.join(dir, fileOf('b')), entries[fileOf('a')]);

    expect(new ValidatorCache(dir).read('a')).toBeUndefined();
    expect(new ValidatorCache(dir).read('b')).toBeUndefined();
  });

  test('without a folder it can write, nothing is kept and nothing fails', () => {
    const cache = new ValidatorCache(impossibleDir());
    cache.write('key', 'value');

    expect(cache.read('key')).toBeUndefined();
  });

  test('a folder others may write to is not trusted: its entries are code', () => {
    const dir = tempDir();
    new ValidatorCache(dir).write('key', 'planted');
    fs.chmodSync(dir, 0o777);

    expect(new ValidatorCache(dir).read('key')).toBeUndefined();
  });
});

describe('compiled validators kept between runs', () => {
  /** validateManifests of a fresh module instance (nothing memoized in-process), with the given cache folder. */
  function validateWithCache(cacheDir: string, docs = brokenDocs()) {
    const previous = process.env.CDK8S_VALIDATOR_CACHE_DIR;
    process.env.CDK8S_VALIDATOR_CACHE_DIR = cacheDir;
    try {
      let api!: typeof validatorApi;
      jest.isolateModules(() => { api = require('../src'); });
      return api.validateManifests(docs, { versions: [VERSION] });
    } finally {
      if (previous === undefined) delete process.env.CDK8S_VALIDATOR_CACHE_DIR;
      else process.env.CDK8S_VALIDATOR_CACHE_DIR = previous;
    }
  }

  /** Schema errors of several kinds, and an apiVersion no version serves. */
  function brokenDocs() {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.replica = 2;
    objectOf(docs, 'Service', 'my-nginx').spec.ports[1].targetPort = true;
    objectOf(docs, 'Secret', 'nginxsecret').data['tls.key'] = 'not base64!';
    docs.push({ file: 'old.yaml', index: 0, object: { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'web' } } });
    return docs;
  }

  test('runs served from the cache report exactly what a compiling run reports', async () => {
    const cacheDir = tempDir();
    const compiled = validateWithCache(cacheDir);
    await writesScheduled();
    const entries = digestsOf(entriesOf(cacheDir));

    expect(compiled.map(violation => violation.rule)).toEqual(expect.arrayContaining(['schema', 'known-kind']));
    expect(Object.values(entriesOf(cacheDir)).filter(entry => keyOf(entry).startsWith('v8 '))).not.toHaveLength(0);
    expect(validateWithCache(cacheDir)).toEqual(compiled);
    await writesScheduled();
    expect(digestsOf(entriesOf(cacheDir))).toEqual(entries);
    expect(validateWithCache(impossibleDir())).toEqual(compiled);
  });

  test('corrupt and misplaced entries are ignored and rewritten', async () => {
    const cacheDir = tempDir();
    const compiled = validateWithCache(cacheDir);
    await writesScheduled();
    const good = digestsOf(codeEntriesOf(cacheDir));
    const files = fs.readdirSync(cacheDir);
    files.forEach((file, i) => {
      const entry = fs.readFileSync(path.join(cacheDir, file));
      // Every other entry gets a flipped byte at its end; the rest the whole content of their neighbour.
      if (i % 2) fs.writeFileSync(path.join(cacheDir, file), fs.readFileSync(path.join(cacheDir, files[(i + 1) % files.length])));
      else fs.writeFileSync(path.join(cacheDir, file), Buffer.concat([entry.subarray(0, -1), Buffer.from([entry[entry.length - 1] ^ 1])]));
    });

    expect(validateWithCache(cacheDir)).toEqual(compiled);
    await writesScheduled();
    expect(digestsOf(codeEntriesOf(cacheDir))).toEqual(good);
    expect(Object.values(entriesOf(cacheDir)).filter(entry => !isSound(entry))).toHaveLength(0);
  });

  test('the cached validator is the one that runs', () => {
    const cacheDir = tempDir();
    validateWithCache(cacheDir);
    const deploymentKey = Object.values(codeEntriesOf(cacheDir)).map(keyOf).find(key => key.endsWith(' io.k8s.api.apps.v1.Deployment'))!;
    const planted = 'module.exports = function validate() { validate.errors = [{ instancePath: "/spec", schemaPath: "#/required", keyword: "required", params: { missingProperty: "plantedInTheCache" } }]; return false; };';
    new ValidatorCache(cacheDir).write(deploymentKey, planted);

    const violations = validateWithCache(cacheDir);

    expect(violations.find(violation => violation.path === 'spec.plantedInTheCache')?.problem).toContain('required field "plantedInTheCache" is missing');
  });

  describe('the CLI', () => {
    const manifests = path.join(tempDir(), 'app.k8s.yaml');
    fs.writeFileSync(manifests, TUTORIAL_YAML.replace('replicas: 1', 'replica: 1'));
    const args = ['validator/build/cli.js', '--versions', VERSION, manifests];
    const env = (cacheDir: string) => ({ ...process.env, CDK8S_VALIDATOR_CACHE_DIR: cacheDir });
    const runCli = (cacheDir: string) => spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', env: env(cacheDir) });
    const expected = { status: 1, stdout: '', stderr: expect.stringContaining('unknown field "replica"') };

    test('two runs filling one empty cache at once both validate and leave only whole entries', async () => {
      const cacheDir = tempDir();
      const runAsync = () => new Promise<{ status: number | null; stdout: string; stderr: string }>(resolve => {
        const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: env(cacheDir) });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', chunk => { stdout += chunk; });
        child.stderr.on('data', chunk => { stderr += chunk; });
        child.on('close', status => resolve({ status, stdout, stderr }));
      });

      const [first, second] = await Promise.all([runAsync(), runAsync()]);

      expect(first).toEqual(expected);
      expect(second).toEqual(first);
      const entries = Object.values(entriesOf(cacheDir));
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.filter(entry => !isSound(entry))).toHaveLength(0);
      expect(runCli(cacheDir)).toMatchObject({ status: 1, stderr: first.stderr });
    });

    test('an unwritable cache folder still validates', () => {
      expect(runCli(impossibleDir())).toMatchObject(expected);
    });
  });
});
