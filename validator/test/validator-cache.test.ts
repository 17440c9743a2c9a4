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
function entriesOf(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).map(name => [name, fs.readFileSync(path.join(dir, name), 'utf8')]));
}

/** The key an entry was stored under (its first line names it). */
function keyOf(entry: string): string {
  const header = entry.slice(0, entry.indexOf('\n'));
  return JSON.parse(header.slice('// '.length, header.lastIndexOf(' sha256:')));
}

describe('ValidatorCache', () => {
  const store = (value: string) => () => ({ value, body: value });
  const decode = (body: string) => body;

  test('keeps what was built for the next run, in a folder only its owner can read', () => {
    const dir = path.join(tempDir(), 'cache');
    const build = jest.fn(store('built'));

    expect(new ValidatorCache(dir).through('key', decode, build)).toBe('built');
    expect(new ValidatorCache(dir).through('key', decode, build)).toBe('built');

    expect(build).toHaveBeenCalledTimes(1);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = fs.readdirSync(dir);
    expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
  });

  test('a corrupt entry, or one stored under another key, is ignored and rewritten', () => {
    const dir = tempDir();
    new ValidatorCache(dir).through('a', decode, store('value of a'));
    new ValidatorCache(dir).through('b', decode, store('value of b'));
    const good = entriesOf(dir);
    const [fileOfA, fileOfB] = Object.keys(good).sort((x, y) => keyOf(good[x]).localeCompare(keyOf(good[y])));
    fs.writeFileSync(path.join(dir, fileOfA), good[fileOfA].replace('value of a', 'value of A'));
    fs.writeFileSync(path.join(dir, fileOfB), good[fileOfA]);

    const build = jest.fn((value: string) => store(value)());
    expect(new ValidatorCache(dir).through('a', decode, () => build('value of a'))).toBe('value of a');
    expect(new ValidatorCache(dir).through('b', decode, () => build('value of b'))).toBe('value of b');

    expect(build).toHaveBeenCalledTimes(2);
    expect(entriesOf(dir)).toEqual(good);
  });

  test('an entry its decoder rejects is built again', () => {
    const dir = tempDir();
    new ValidatorCache(dir).through('key', decode, store('old'));

    expect(new ValidatorCache(dir).through('key', () => undefined, store('new'))).toBe('new');
    expect(new ValidatorCache(dir).through('key', decode, store('unused'))).toBe('new');
  });

  test('without a folder it can write, every value is built and nothing fails', () => {
    const cache = new ValidatorCache(impossibleDir());
    const build = jest.fn(store('built'));

    expect(cache.through('key', decode, build)).toBe('built');
    expect(cache.through('key', decode, build)).toBe('built');
    expect(build).toHaveBeenCalledTimes(2);
  });

  test('a folder others may write to is not trusted: its entries are code', () => {
    const dir = tempDir();
    new ValidatorCache(dir).through('key', decode, store('planted'));
    fs.chmodSync(dir, 0o777);

    expect(new ValidatorCache(dir).through('key', decode, store('built'))).toBe('built');
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

  test('a run served from the cache reports exactly what a compiling run reports', () => {
    const cacheDir = tempDir();
    const compiled = validateWithCache(cacheDir);
    const entries = entriesOf(cacheDir);

    expect(compiled.map(violation => violation.rule)).toEqual(expect.arrayContaining(['schema', 'known-kind']));
    expect(validateWithCache(cacheDir)).toEqual(compiled);
    expect(entriesOf(cacheDir)).toEqual(entries);
    expect(validateWithCache(impossibleDir())).toEqual(compiled);
  });

  test('the cached validator is the one that runs', () => {
    const cacheDir = tempDir();
    validateWithCache(cacheDir);
    const [deploymentKey] = Object.values(entriesOf(cacheDir)).map(keyOf).filter(key => key.endsWith(' io.k8s.api.apps.v1.Deployment'));
    const planted = 'module.exports = function validate() { validate.errors = [{ instancePath: "/spec", schemaPath: "#/required", keyword: "required", params: { missingProperty: "plantedInTheCache" } }]; return false; };';
    new ValidatorCache(cacheDir).through(deploymentKey, () => undefined, () => ({ value: undefined, body: planted }));

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
      for (const entry of entries) {
        const newline = entry.indexOf('\n');
        expect(entry.slice(0, newline)).toMatch(new RegExp(`sha256:${sha256(entry.slice(newline + 1))}$`));
      }
      expect(runCli(cacheDir)).toMatchObject({ status: 1, stderr: first.stderr });
    });

    test('an unwritable cache folder still validates', () => {
      expect(runCli(impossibleDir())).toMatchObject(expected);
    });
  });
});
