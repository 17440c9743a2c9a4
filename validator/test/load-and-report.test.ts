import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatViolations, loadManifests, validateManifests } from '../src';
import { KubernetesManifestValidation } from '../src/cdk8s-plugin';
import { TUTORIAL_YAML } from './fixtures';

// cdk8s-cli publishes its plugin API as 'cdk8s-cli/plugins' (package exports), which the
// compiler's node10 module resolution cannot see; the types come from the file itself.
const { ValidationContext }: typeof import('cdk8s-cli/lib/plugins/validation') = require('cdk8s-cli/plugins');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BROKEN_YAML = TUTORIAL_YAML.replace('targetPort: https', 'targetPort: htps');

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

/** A temporary directory holding the given files (relative path -> content). */
function tempDirWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifests-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('loadManifests', () => {
  const dir = tempDirWith({
    'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
    'b.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {enabled: yes}\n',
    'notes.txt': 'not a manifest',
    'manifest.txt': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\n',
    'nested/d.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n',
  });
  const names = (docs: ReturnType<typeof loadManifests>) => docs.map(doc => doc.object.metadata.name);

  test('reads the .yaml/.yml files of a directory, skipping empty documents and subdirectories', () => {
    const docs = loadManifests([dir]);

    expect(names(docs)).toEqual(['a', 'b', 'c']);
    expect(docs.map(doc => [path.basename(doc.file), doc.index])).toEqual([['a.yaml', 0], ['a.yaml', 1], ['b.yml', 0]]);
  });

  test('descends into subdirectories when recursive', () => {
    expect(names(loadManifests([dir], { recursive: true }))).toEqual(['a', 'b', 'c', 'd']);
  });

  test('reads a named file whatever its extension', () => {
    expect(names(loadManifests([path.join(dir, 'manifest.txt')]))).toEqual(['e']);
  });

  test('a named file without any YAML mapping is an error naming it', () => {
    const file = path.join(dir, 'notes.txt');
    expect(() => loadManifests([file])).toThrow(`${file}: not a manifest: it holds no YAML mapping`);
  });

  test('a missing path is an error naming it', () => {
    const missing = path.join(dir, 'no-such-dir');
    expect(() => loadManifests([missing])).toThrow(`${missing}: no such file or folder`);
  });

  test('a pipe named *.yaml in a folder is passed over, a named one is refused: reading it would block', () => {
    const fifoDir = tempDirWith({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
    const fifo = path.join(fifoDir, 'x.yaml');
    spawnSync('mkfifo', [fifo]);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);

    expect(names(loadManifests([fifoDir]))).toEqual(['a']);
    expect(() => loadManifests([fifo])).toThrow(`${fifo}: not a regular file or folder`);
  });

  test('parses YAML 1.1 like kubectl: an unquoted yes is a boolean (and then a schema violation)', () => {
    const docs = loadManifests([path.join(dir, 'b.yml')]);

    expect(docs[0].object.data.enabled).toBe(true);
    expect(validateManifests(docs).map(violation => violation.path)).toEqual(['data.enabled']);
  });

  test('invalid YAML names the file', () => {
    const broken = tempDirWith({ 'broken.yaml': 'kind: [unclosed\n' });
    expect(() => loadManifests([broken])).toThrow(/broken\.yaml: invalid YAML/);
  });
});

describe('formatViolations', () => {
  test('lists each violation with its rule and message', () => {
    const violations = validateManifests(loadManifests([tempDirWith({ 'app.yaml': BROKEN_YAML })]));

    const report = formatViolations(violations);

    expect(report.split('\n')).toEqual([
      '1 violation:',
      expect.stringMatching(/^ {2}\[service-target-port\] .*app\.yaml: Service\/default\/my-nginx spec\.ports\[1\]\.targetPort: .*Fix: /),
    ]);
  });
});

describe('cdk8s-cli plugin', () => {
  async function runPlugin(yaml: string) {
    const manifest = path.join(tempDirWith({ 'app.k8s.yaml': yaml }), 'app.k8s.yaml');
    const context = new ValidationContext([manifest], 'validation-plugin', '0.1.0');
    await new KubernetesManifestValidation({ versions: ['v1.30.0'] }).validate(context);
    return context.report;
  }

  test('passes the tutorial set', async () => {
    const report = await runPlugin(TUTORIAL_YAML);

    expect(report.success).toBe(true);
    expect(report.toJson().summary.metadata).toEqual({ 'Kubernetes versions': 'v1.30.0', 'Documents': '4' });
  });

  test('checks an output folder together with its secrets/ subfolder, where an app may keep its Secrets apart', async () => {
    const [secret, ...rest] = TUTORIAL_YAML.split(/^---$/m);
    const folder = tempDirWith({ 'app.k8s.yaml': rest.join('---') });
    fs.mkdirSync(path.join(folder, 'secrets'));
    fs.writeFileSync(path.join(folder, 'secrets', 'app.k8s.yaml'), secret);
    const context = new ValidationContext([path.join(folder, 'app.k8s.yaml'), path.join(folder, 'secrets', 'app.k8s.yaml')], 'validation-plugin', '0.1.0');
    await new KubernetesManifestValidation({ versions: ['v1.30.0'] }).validate(context);
    expect(context.report.toJson().violations).toEqual([]);
  });

  test('fails with one report violation per problem, pointing at the resource and field', async () => {
    const report = await runPlugin(BROKEN_YAML);

    expect(report.success).toBe(false);
    expect(report.toJson().violations).toEqual([expect.objectContaining({
      ruleName: 'service-target-port',
      recommendation: expect.stringContaining('Service/default/my-nginx: target port "htps"'),
      violatingConstructs: [expect.objectContaining({ resourceName: 'my-nginx', locations: ['spec.ports[1].targetPort'] })],
    })]);
  });
});

describe('validate-manifests CLI', () => {
  function runCli(...args: string[]) {
    return spawnSync(process.execPath, ['validator/build/cli.js', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  }

  test('prints a one-line summary and exits 0 for valid manifests', () => {
    const result = runCli(tempDirWith({ 'app.k8s.yaml': TUTORIAL_YAML }));

    expect(result.stdout.trim()).toBe('validated 4 documents in 1 files against v1.28.0, v1.30.0, v1.36.0: OK');
    expect(result.status).toBe(0);
  });

  test('prints the violations and exits 1 otherwise', () => {
    const result = runCli(tempDirWith({ 'app.k8s.yaml': BROKEN_YAML }));

    expect(result.stderr).toContain('[service-target-port]');
    expect(result.status).toBe(1);
  });

  test('a missing folder, an empty folder and a non-YAML file each exit 2 naming the path and why', () => {
    const empty = tempDirWith({});
    const notes = path.join(tempDirWith({ 'notes.txt': 'just words' }), 'notes.txt');
    const missing = path.join(empty, 'nope');

    expect(runCli(missing)).toMatchObject({ status: 2, stderr: `${missing}: no such file or folder\n` });
    expect(runCli(empty)).toMatchObject({ status: 2, stderr: expect.stringContaining(`${empty}: no Kubernetes documents found`) });
    expect(runCli(notes)).toMatchObject({ status: 2, stderr: expect.stringContaining(`${notes}: not a manifest`) });
  });

  test('--in-cluster declares objects that exist in the cluster already', () => {
    const dir = tempDirWith({ 'app.k8s.yaml': TUTORIAL_YAML.replace('secretName: nginxsecret', 'secretName: made-by-hand') });

    expect(runCli(dir)).toMatchObject({ status: 1, stderr: expect.stringContaining('--in-cluster Secret/default/made-by-hand') });
    expect(runCli('--in-cluster', 'Secret/default/made-by-hand', dir)).toMatchObject({ status: 0 });
  });

  test('--versions picks the schemas; an unknown version names the available ones', () => {
    const dir = tempDirWith({ 'app.k8s.yaml': TUTORIAL_YAML });

    expect(runCli('--versions', 'v1.30.0', dir).stdout).toContain('against v1.30.0: OK');
    expect(runCli('--versions', 'v1.99.0', dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('v1.28.0, v1.30.0, v1.36.0') });
  });
});
