// examples/consumer as a user's own repo: packs this library and the validator, installs both
// tarballs into a copy of the example (the one npm install of this test run), synthesizes it with
// ts-node (the cdk8s init default) and compiled with tsc, validates it through its own
// `validations:` entry, and runs the live TLS test on its output.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadManifests } from '../validator/src';
import { readManifestFolder } from './e2e/synthesize';
import { describeTlsE2e } from './e2e/tls-suite';
import { builtPackageRoot, builtValidatorRoot, REPO_ROOT, tempDir } from './support';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'consumer');
/** Installing and synthesizing a fresh app: npm, ts-node's type-check, cdk8s-cli, twice. */
const SETUP_TIMEOUT_MS = 10 * 60_000;
const VIOLATION_OUTDIR = 'dist-violation';

/** What running the example in place leaves there (installs, synth output, keys, compiled .js), not what it is made of. */
function isGenerated(file: string): boolean {
  return /^(node_modules|dist.*|\.cdk8s-certs|package-lock\.json)$/.test(path.basename(file)) || /\.(js|d\.ts)$/.test(file);
}

interface Run {
  status: number | null;
  output: string;
}

/** npm settings that reach the registry; the others `npm test` exports (prefix, package, lifecycle) stay out. */
const REGISTRY_SETTINGS = /^npm_config_(registry|cache|cafile|proxy|https_proxy|noproxy|strict_ssl)$/i;

/** The environment of a user's shell, without the npm_* variables `npm test` set for its own run. */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env)
    .filter(([key]) => (!/^npm_/i.test(key) || REGISTRY_SETTINGS.test(key)) && key !== 'INIT_CWD'));
  // cdk8s-cli asks the npm registry for its own upgrades on every run; tests make no network calls.
  return { ...env, CDK8S_CHECK_UPGRADE: 'false' };
}

function run(cwd: string, command: string, args: string[]): Run {
  const result = spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error ? String(result.error) : ''}` };
}

function runOrThrow(cwd: string, command: string, args: string[]): string {
  const result = run(cwd, command, args);
  if (result.status !== 0) throw new Error(`\`${[command, ...args].join(' ')}\` in ${cwd} exited ${result.status}:\n${result.output}`);
  return result.output;
}

/** `npm pack` of a package folder into `destination`; returns the tarball's file name. */
function pack(packageDir: string, destination: string): string {
  // The packages were built by `npm test`'s `npm run build` (checked by builtPackageRoot and
  // builtValidatorRoot); running it again here would rewrite build/ under tests running beside this one.
  const report = JSON.parse(runOrThrow(packageDir, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination]));
  return report[0].filename;
}

/** Every file below `dir`, relative, sorted, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => fs.statSync(path.join(dir, file)).isFile());
  return new Map(files.sort().map((file) => [file, fs.readFileSync(path.join(dir, file))]));
}

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: any;
}

function objectsIn(dir: string): K8sObject[] {
  return loadManifests([dir]).map((doc) => doc.object as K8sObject);
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/**
 * The consumer's app plus one object the validator must reject: a Service selecting no pods, with
 * a misspelt field. JavaScript on the tsc-compiled chart, so no second type-check.
 */
const VIOLATING_MAIN = `
const { ApiObject, App } = require('cdk8s');
const { ShopChart } = require('./shop-chart');

const app = new App({ recordConstructMetadata: false });
const shop = new ShopChart(app, 'shop');
new ApiObject(shop, 'Orphan', {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'orphan' },
  spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }], clusterIp: 'None' },
});
app.synth();
`;

let consumer: string;
let tsNodeSynth: string;
let tscSynth: string;
let violationSynth: Run;

beforeAll(() => {
  const work = tempDir('consumer');
  const tarballs = [pack(builtPackageRoot(), work), pack(builtValidatorRoot(), work)];
  // The example sits where it does in this repo, so its `file:../../<tarball>` references resolve.
  consumer = path.join(work, 'examples', 'consumer');
  fs.cpSync(EXAMPLE, consumer, { recursive: true, filter: (source) => !isGenerated(source) });
  const manifest = JSON.parse(fs.readFileSync(path.join(consumer, 'package.json'), 'utf8'));
  const referenced = Object.values<string>({ ...manifest.dependencies, ...manifest.devDependencies }).filter((spec) => spec.startsWith('file:'));
  expect(referenced.map((spec) => path.basename(spec)).sort()).toEqual([...tarballs].sort());

  runOrThrow(consumer, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
  tsNodeSynth = runOrThrow(consumer, 'npx', ['cdk8s', 'synth']);
  runOrThrow(consumer, 'npx', ['tsc']);
  tscSynth = runOrThrow(consumer, 'npx', ['cdk8s', 'synth', '--app', 'node main.js', '--output', 'dist-tsc']);
  fs.writeFileSync(path.join(consumer, 'violating-main.js'), VIOLATING_MAIN);
  violationSynth = run(consumer, 'npx', ['cdk8s', 'synth', '--app', 'node violating-main.js', '--output', VIOLATION_OUTDIR]);
}, SETUP_TIMEOUT_MS);

describe('examples/consumer, installed from the packed tarballs', () => {
  test('ts-node and tsc-compiled synths write the same files', () => {
    const fromTsNode = tree(path.join(consumer, 'dist'));
    expect([...fromTsNode.keys()]).toEqual(['shop.k8s.yaml']);
    expect(tree(path.join(consumer, 'dist-tsc'))).toEqual(fromTsNode);
  });

  test('its own SecureNginxApp: name, namespace, replicas and the extra nginx location', () => {
    const objects = objectsIn(path.join(consumer, 'dist'));
    expect(new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace))).toEqual(new Set(['shop']));
    expect(find(objects, 'Namespace', 'shop')).toBeDefined();
    expect(find(objects, 'Deployment', 'storefront').spec.replicas).toBe(3);
    expect(find(objects, 'Service', 'storefront').spec).toMatchObject({ type: 'ClusterIP', selector: { run: 'storefront' } });
    expect(find(objects, 'ConfigMap', 'storefront-nginx-conf').data['default.conf'])
      .toMatch(/\n {4}location = \/status \{\n {8}default_type text\/plain;\n {8}return 200 "ok\\n";\n {4}\}\n\}\n$/);
  });

  test('an Ingress for shop.example.com terminating TLS with the app\'s Secret, and a probe Job', () => {
    const objects = objectsIn(path.join(consumer, 'dist'));
    const ingress = find(objects, 'Ingress', 'storefront');
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'storefront-tls' }]);
    expect(ingress.spec.rules[0].host).toBe('shop.example.com');
    const probe = find(objects, 'Job', 'storefront-check').spec.template.spec.containers[0];
    expect(probe.command).toContain('https://storefront/status');
  });

  test('cdk8s synth ran the validator from its validations: entry, both ways, and it passed', () => {
    for (const output of [tsNodeSynth, tscSynth]) {
      expect(output).toMatch(/Validation Report \(.*node_modules\/cdk8s-manifest-validator@0\.1\.0\)/);
      expect(output).toMatch(/Status\s+│ success/);
      expect(output).toMatch(/Kubernetes versions\s+│ v1\.28\.0, v1\.30\.0, v1\.36\.0/);
    }
  });

  test('a deliberate violation fails the consumer\'s cdk8s synth, with the object, the rule and the field', () => {
    expect(violationSynth.status).not.toBe(0);
    expect(violationSynth.output).toMatch(/Status\s+│ failure/);
    expect(violationSynth.output).toMatch(/service-selector-matches-workload[\s\S]*Resource Name: orphan[\s\S]*> spec\.selector/);
    expect(violationSynth.output).toMatch(/schema \(1 occurrences\)[\s\S]*Resource Name: orphan[\s\S]*> spec\.clusterIp[\s\S]*did you mean spec\.clusterIP\?/);
    // The same objects without the violation pass: it is the Service, nothing else, that fails.
    expect(objectsIn(path.join(consumer, VIOLATION_OUTDIR)).filter((o) => o.metadata.name !== 'orphan'))
      .toEqual(objectsIn(path.join(consumer, 'dist')));
  });

  test('the validator\'s CLI from the tarball accepts the output', () => {
    expect(runOrThrow(consumer, 'npx', ['validate-manifests', 'dist'])).toMatch(/validated 9 documents in 1 files against v1\.28\.0, v1\.30\.0, v1\.36\.0: OK/);
  });
});

describeTlsE2e('the consumer example\'s dist/', {
  label: 'cdk8s-e2e-consumer',
  manifests: () => readManifestFolder(path.join(consumer, 'dist')),
  moreTests: (live) => {
    test('the extra location /status answers over HTTPS, verified against the Secret\'s tls.crt', async () => {
      const result = await live.cluster().runClient(live.curlHttps('/status'));
      expect({ exitCode: result.exitCode, stderr: result.stderr, body: result.stdout }).toEqual({ exitCode: 0, stderr: '', body: 'ok\n' });
    });
  },
});
