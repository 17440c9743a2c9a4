// A consumer app whose cdk8s or constructs is another copy than the library's gets an error that
// says so and how to fix it, not cdk8s's serializer crash. Each case is a real app in a temp dir,
// run by node, with the library linked in as `npm install /path/to/clone` does.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadManifests } from '../validator/src';
import { builtPackageRoot, REPO_ROOT, tempDir } from './support';

/** The consumer's main.js: builds `construct` (argv[2]) in a group of its chart, then synthesizes. */
const CONSUMER_MAIN = `
const { App, Chart } = require('cdk8s');
const { Construct } = require('constructs');
const { CurlProbe, CurlProbeMode, ExposedEndpoint, SecureNginxApp } = require('cdk8s-secure-nginx');

const app = new App({ outdir: 'dist' });
const group = new Construct(new Chart(app, 'shop', { namespace: 'shop' }), 'Group');
const builders = {
  SecureNginxApp: () => new SecureNginxApp(group, 'Web', { certificateStoreDir: 'certs' }),
  ExposedEndpoint: () => new ExposedEndpoint(group, 'Api', {
    name: 'api', backend: { podLabels: { app: 'api' }, containerPorts: [{ name: 'http', number: 8080 }] },
  }),
  CurlProbe: () => new CurlProbe(group, 'Check', {
    mode: CurlProbeMode.JOB,
    target: { namespace: 'shop', serviceDnsNames: ['web', 'web.shop', 'web.shop.svc'], httpsPort: 443, secret: { name: 'web-tls' } },
  }),
};
builders[process.argv[2]]();
app.synth();
`;

interface Consumer {
  dir: string;
  run(construct: string): { status: number | null; stderr: string };
}

/**
 * A consumer folder: node_modules/cdk8s-secure-nginx links to this repository (whose own
 * node_modules holds the library's cdk8s and constructs), plus copies of `ownPackages` from it.
 * Everything else (cdk8s's own dependencies) resolves from this repository's node_modules.
 */
function consumerWith(ownPackages: string[]): Consumer {
  const dir = tempDir('peer-copies');
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  fs.symlinkSync(builtPackageRoot(), path.join(modules, 'cdk8s-secure-nginx'), 'dir');
  for (const pkg of ownPackages) fs.cpSync(path.join(REPO_ROOT, 'node_modules', pkg), path.join(modules, pkg), { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.js'), CONSUMER_MAIN);
  return {
    dir,
    run: (construct) => {
      const result = spawnSync(process.execPath, ['main.js', construct], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
      });
      return { status: result.status, stderr: result.stderr };
    },
  };
}

const CONSTRUCTS = ['SecureNginxApp', 'ExposedEndpoint', 'CurlProbe'];
const FIX = /npm install --install-links[\s\S]*npm dedupe/;

describe('one copy of cdk8s and constructs, as peers', () => {
  test('the same consumer synthesizes when it shares the library\'s copies (the setup is sound)', () => {
    const consumer = consumerWith([]);
    expect(consumer.run('SecureNginxApp')).toEqual({ status: 0, stderr: '' });
    const objects = loadManifests([path.join(consumer.dir, 'dist')]).map((doc) => doc.object as { kind: string; metadata: { name: string; namespace: string } });
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort())
      .toEqual(['ConfigMap/shop/my-nginx-nginx-conf', 'Deployment/shop/my-nginx', 'PodDisruptionBudget/shop/my-nginx', 'Secret/shop/my-nginx-tls', 'Service/shop/my-nginx']);
  });

  describe('a linked clone: the app has its own cdk8s and constructs', () => {
    const consumer = consumerWith(['cdk8s', 'constructs']);

    test.each(CONSTRUCTS)('%s names itself, both packages, where each copy is, and the fix', (construct) => {
      const { status, stderr } = consumer.run(construct);
      expect(status).not.toBe(0);
      expect(stderr).not.toMatch(/non-simple object/);
      expect(stderr).toMatch(new RegExp(`${construct} at 'shop/Group/\\w+' is added to a tree built with another copy of constructs and cdk8s`));
      for (const pkg of ['constructs', 'cdk8s']) {
        expect(stderr).toContain(`- ${pkg}: ${path.join(REPO_ROOT, 'node_modules', pkg)}, ${path.join(consumer.dir, 'node_modules', pkg)}\n`);
      }
      expect(stderr).toMatch(FIX);
      expect(fs.existsSync(path.join(consumer.dir, 'dist'))).toBe(false);
    });
  });

  test('an app with only its own constructs gets the error for constructs alone', () => {
    const consumer = consumerWith(['constructs']);
    const { status, stderr } = consumer.run('SecureNginxApp');
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/SecureNginxApp at 'shop\/Group\/Web' is added to a tree built with another copy of constructs than/);
    expect(stderr).toContain(`- constructs: ${path.join(REPO_ROOT, 'node_modules', 'constructs')}, ${path.join(consumer.dir, 'node_modules', 'constructs')}\n`);
    expect(stderr).not.toMatch(/- cdk8s:/);
    expect(stderr).toMatch(FIX);
  });
});
