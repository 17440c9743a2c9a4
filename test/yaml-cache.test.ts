import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { synthesizeTutorial } from '../app/tutorial-app';
import { YamlDocumentCache } from '../app/yaml-cache';
import { ValidatorCache } from '../validator/src/validator-cache';
import { tempDir, treeDigests } from './support';

/** Objects whose YAML takes quoting, block scalars, empty values and YAML 1.1 words. */
const OBJECTS: unknown[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'default.conf': 'server {\n  listen 8443 ssl;\n}\n', yes: 'on', empty: '', num: '0123' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { run: 'my-nginx' } }, spec: { replicas: 2, selector: {}, list: [] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 443, targetPort: 'https', name: 'https' }], x: null, t: true } },
];
const SECRET = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.key': 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t' } };

function cacheIn(dir: string): YamlDocumentCache {
  return new YamlDocumentCache(new ValidatorCache(dir));
}

/** The files of a cache folder, as text. */
function cacheFiles(dir: string): string {
  return fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name), 'utf8')).join('\n');
}

describe('YamlDocumentCache', () => {
  test('gives the bytes Yaml.stringify gives, rendered or from a cache a previous process saved', () => {
    const dir = tempDir('yaml-cache');
    const first = cacheIn(dir);
    const expected = [...OBJECTS, SECRET].map((object) => Yaml.stringify(object));
    expect([...OBJECTS, SECRET].map((object) => first.yamlOf(object))).toEqual(expected);
    first.save();

    const render = jest.spyOn(Yaml, 'stringify');
    try {
      const second = cacheIn(dir);
      expect([...OBJECTS, SECRET].map((object) => second.yamlOf(object))).toEqual(expected);
      // Only the Secret is rendered again: the others come from the cache.
      expect(render.mock.calls).toEqual([[SECRET]]);
    } finally {
      render.mockRestore();
    }
  });

  test('never keeps a Secret; keeps the last synth\'s documents first, then older ones up to a size', () => {
    const dir = tempDir('yaml-cache');
    const first = cacheIn(dir);
    [...OBJECTS, SECRET].forEach((object) => first.yamlOf(object));
    first.save();
    expect(cacheFiles(dir)).toContain('my-nginx');
    expect(cacheFiles(dir)).not.toContain('LS0tLS1CRUdJTi');

    // Synths of other outputs in turn (as with two certificate stores) both keep theirs.
    const big = (name: string) => ({ kind: 'ConfigMap', metadata: { name }, data: { blob: name.repeat(75_000 / name.length) } });
    const synthOf = (objects: unknown[]) => {
      const cache = cacheIn(dir);
      objects.forEach((object) => cache.yamlOf(object));
      cache.save();
    };
    synthOf([big('alpha')]);
    expect(cacheFiles(dir)).toContain('my-nginx');
    synthOf([big('bravo')]);
    synthOf([big('charlie')]);
    // Past 256 KiB the oldest go.
    synthOf([big('delta')]);
    expect(cacheFiles(dir)).not.toContain('my-nginx');
    expect(cacheFiles(dir)).not.toContain('alphaalpha');
    expect(cacheFiles(dir)).toContain('deltadelta');
    expect(cacheFiles(dir)).toContain('charliecharlie');
  });

  test('renders what JSON cannot say (undefined, NaN, -0) every time, as cdk8s does', () => {
    const dir = tempDir('yaml-cache');
    const odd = [{ kind: 'ConfigMap', a: undefined, b: 1 }, { kind: 'ConfigMap', n: Number.NaN }, { kind: 'ConfigMap', z: -0 }];
    const cache = cacheIn(dir);
    expect(odd.map((object) => cache.yamlOf(object))).toEqual(odd.map((object) => Yaml.stringify(object)));
    cache.save();
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  test('a synth of the tutorial writes the same bytes with an empty cache, a full one, and none', () => {
    const store = tempDir('yaml-cache-store');
    const dir = tempDir('yaml-cache');
    // Each cache is opened when its synth starts, as in a process of its own.
    const outputs = [() => cacheIn(dir), () => cacheIn(dir), () => undefined].map((openCache) => {
      const outdir = path.join(tempDir('yaml-cache-out'), 'dist');
      synthesizeTutorial({ outdir, certificateStoreDir: store, yamlCache: openCache() });
      return treeDigests(outdir);
    });
    expect(Object.keys(outputs[0]).length).toBeGreaterThan(9);
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });
});
