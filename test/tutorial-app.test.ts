import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readCertificateFacts } from '../lib/certificate';
import { formatViolations, loadManifests, validateManifests } from '../validator/src';
import { decodeBase64, openssl, synthesizeInto, tempDir, treeDigests } from './support';

const ROOT = path.resolve(__dirname, '..');

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath ?? (entry as any).path, entry.name);
      files[path.relative(dir, file)] = fs.readFileSync(file, 'utf8');
    }
  }
  return files;
}

/** The objects of one output folder, read as `kubectl apply -f DIR` would (not recursive). */
const OUTPUT_STEP_FOLDERS = ['steps/01-clusterip', 'steps/02-loadbalancer', 'steps/03-ingress', 'steps/04-externalname',
  'steps/05-api-server-proxy', 'steps/06-gateway-api', 'steps/07-istio', 'steps/08-kong'];

function objectsIn(dir: string): any[] {
  return loadManifests([dir]).map((doc) => doc.object);
}

/** Key material differs per machine; the snapshot pins everything else. */
function redactSecrets(objects: any[]): any[] {
  return objects.map((o) => (o.kind !== 'Secret' ? o : {
    ...o, data: Object.fromEntries(Object.keys(o.data).map((key) => [key, '<redacted>'])),
  })).map((o) => JSON.parse(JSON.stringify(o).replace(/"checksum\/tls-and-config":"[0-9a-f]{64}"/g, '"checksum/tls-and-config":"<sha256>"')));
}

describe('the synthesized tutorial', () => {
  const store = tempDir('tutorial-store');
  const first = tempDir('tutorial-out');
  const second = tempDir('tutorial-out');
  synthesizeInto(first, store);
  synthesizeInto(second, store);
  const files = readTree(first);
  const topLevelObjects = objectsIn(first);

  test('re-synthesizing gives byte-identical output', () => {
    expect(treeDigests(second)).toEqual(treeDigests(first));
  });

  test('`cdk8s synth` (with its validation plugin) writes the same files as `npm run synth`', () => {
    const viaCli = path.join(tempDir('tutorial-cli'), 'dist');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', viaCli], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_CERT_STORE: store, CDK8S_CHECK_UPGRADE: 'false' },
      stdio: 'pipe',
    });
    expect(treeDigests(viaCli)).toEqual(treeDigests(first));
  });

  test.each(['.', ...OUTPUT_STEP_FOLDERS])(
    'every object in %s is valid for Kubernetes v1.28, v1.30 and v1.36, and would run',
    (folder) => {
      const docs = loadManifests([path.join(first, folder)]);
      expect(docs.length).toBeGreaterThan(0);
      expect(formatViolations(validateManifests(docs, { versions: ['v1.28.0', 'v1.30.0', 'v1.36.0'], noAutomountedTokens: true }))).toBe('no violations');
    });

  test('kubectl apply -f dist/ (not recursive) finds the final state, no object twice', () => {
    const ids = topLevelObjects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(files).filter((f) => !f.includes(path.sep)).sort()).toEqual(['.cdk8s-synth-output', 'ACCESS.md', 'tutorial.k8s.yaml']);
  });

  test('the other steps sit each in its own folder under steps/, with its own access map', () => {
    expect(Object.keys(files).filter((f) => f.startsWith(`steps${path.sep}`)).sort()).toEqual([
      'steps/01-clusterip/01-clusterip.k8s.yaml', 'steps/01-clusterip/ACCESS.md',
      'steps/02-loadbalancer/02-loadbalancer.k8s.yaml', 'steps/02-loadbalancer/ACCESS.md',
      'steps/03-ingress/03-ingress.k8s.yaml', 'steps/03-ingress/ACCESS.md',
      'steps/04-externalname/04-externalname.k8s.yaml', 'steps/04-externalname/ACCESS.md',
      'steps/05-api-server-proxy/05-api-server-proxy.k8s.yaml', 'steps/05-api-server-proxy/ACCESS.md',
      'steps/06-gateway-api/06-gateway-api.k8s.yaml', 'steps/06-gateway-api/ACCESS.md',
      'steps/07-istio/07-istio.k8s.yaml', 'steps/07-istio/ACCESS.md',
      'steps/08-kong/08-kong.k8s.yaml', 'steps/08-kong/ACCESS.md',
    ]);
    const kindsOf = (step: string) => objectsIn(path.join(first, step)).map((o) => `${o.kind}/${o.metadata.name}:${o.spec?.type ?? ''}`);
    expect(kindsOf('steps/01-clusterip/01-clusterip.k8s.yaml')).toContain('Service/my-nginx:ClusterIP');
    expect(kindsOf('steps/02-loadbalancer/02-loadbalancer.k8s.yaml')).toContain('Service/my-nginx:LoadBalancer');
    expect(kindsOf('steps/03-ingress/03-ingress.k8s.yaml')).toContain('Ingress/my-nginx:');
    expect(kindsOf('steps/04-externalname/04-externalname.k8s.yaml')).toEqual(['Service/my-service:ExternalName']);
  });

  test('the access map documents the final state', () => {
    const access = files['ACCESS.md'];
    expect(access).toContain('`curl https://my-nginx/ --cacert /etc/nginx/ssl/tls.crt`');
    expect(access).toContain('MY_NGINX_SERVICE_HOST=<cluster-ip>');
    expect(access).toContain('/api/v1/namespaces/default/services/https:my-nginx:https/proxy/');
  });

  test('holds the tutorial final state: secure nginx, its Service, the curl client and check', () => {
    const kinds = topLevelObjects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.sort()).toEqual([
      'ConfigMap/nginxconfigmap', 'Deployment/curl-deployment', 'Deployment/my-nginx', 'Job/curl-check',
      'NetworkPolicy/my-nginx-allow-curl', 'PodDisruptionBudget/my-nginx', 'Secret/nginxsecret', 'Service/my-nginx',
    ]);
  });

  test('the two nginx replicas are spread across nodes and kept up by a PodDisruptionBudget', () => {
    const nginx = topLevelObjects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'my-nginx');
    const budget = topLevelObjects.find((o) => o.kind === 'PodDisruptionBudget');
    expect(nginx.spec.replicas).toBe(2);
    expect(nginx.spec.template.spec.topologySpreadConstraints).toEqual([expect.objectContaining({
      topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: nginx.spec.selector.matchLabels },
    })]);
    expect(budget.spec).toMatchObject({ maxUnavailable: 1, selector: nginx.spec.selector });
  });

  test('the access map marks what the NetworkPolicy refuses: the API server proxy and node ports', () => {
    const access = files['ACCESS.md'];
    expect(access).toContain('`curl https://my-nginx/ --cacert /etc/nginx/ssl/tls.crt` — allowed only from pods app=curlpod in this namespace; pods app=curl-check in this namespace');
    expect(access).toMatch(/- API server proxy: `\/api\/v1\/namespaces\/default\/services\/https:my-nginx:https\/proxy\/` — \*\*refused by NetworkPolicy `my-nginx-allow-curl`/);
    expect(access).toMatch(/- from outside, on any node: `https:\/\/<node-ip>:[^`]+` — \*\*refused by NetworkPolicy `my-nginx-allow-curl`/);
  });

  test("each of the README's kubectl waits gives its Job as long as the Job may run", () => {
    const jobs = ['.', ...OUTPUT_STEP_FOLDERS].flatMap((folder) => objectsIn(path.join(first, folder))).filter((o) => o.kind === 'Job');
    const waits = [...fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/kubectl wait --for=condition=complete job\/([a-z0-9-]+)(?: --timeout=(\d+)s)?/g)];
    expect(waits.map(([, name]) => name)).toEqual(expect.arrayContaining(['curl-check', 'curl-via-api-server']));
    for (const [, name, timeout] of waits) {
      const job = jobs.find((o) => o.metadata.name === name);
      expect(Number(timeout)).toBeGreaterThanOrEqual(job.spec.activeDeadlineSeconds);
    }
  });

  test('the certificate in the Secret covers every DNS name of the Service', () => {
    const secret = topLevelObjects.find((o) => o.kind === 'Secret' && o.metadata.name === 'nginxsecret');
    const facts = readCertificateFacts(decodeBase64(secret.data['tls.crt']));
    expect(facts.dnsNames).toEqual(['my-nginx', 'my-nginx.default', 'my-nginx.default.svc', 'my-nginx.default.svc.cluster.local', 'my-nginx.example.com']);
  });

  test('the final state and every step emit one certificate for Secret default/nginxsecret: applying a step never swaps it', () => {
    const certificateIn = (folder: string) => objectsIn(path.join(first, folder))
      .filter((o) => o.kind === 'Secret' && o.metadata.name === 'nginxsecret').map((o) => o.data['tls.crt']);
    const certificates = ['.', 'steps/01-clusterip', 'steps/02-loadbalancer', 'steps/03-ingress'].flatMap(certificateIn);
    expect(certificates).toHaveLength(4);
    expect(new Set(certificates).size).toBe(1);
    expect(fs.readdirSync(store).filter((name) => name.endsWith('.json'))).toEqual([expect.stringMatching(/^default\.nginxsecret\.[0-9a-f]{16}\.json$/)]);
  });

  test('output files are 0600 in 0700 folders: they hold the private key', () => {
    for (const entry of fs.readdirSync(first, { recursive: true, withFileTypes: true })) {
      const file = path.join(entry.parentPath ?? (entry as any).path, entry.name);
      expect([file, fs.statSync(file).mode & 0o777]).toEqual([file, entry.isDirectory() ? 0o700 : 0o600]);
    }
    expect(fs.statSync(first).mode & 0o777).toBe(0o700);
  });

  test('matches the snapshot (key material redacted)', () => {
    expect(redactSecrets(topLevelObjects)).toMatchSnapshot();
  });
});

describe('CDK8S_SEPARATE_SECRETS=1', () => {
  const store = tempDir('separate-store');
  const together = tempDir('together-out');
  const apart = path.join(tempDir('separate-out'), 'dist');
  synthesizeInto(together, store);
  execFileSync(process.execPath, ['scripts/synth.js'], {
    cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: apart, CDK8S_CERT_STORE: store, CDK8S_SEPARATE_SECRETS: '1' }, stdio: 'pipe',
  });
  const kindsIn = (dir: string) => objectsIn(dir).map((o) => `${o.kind}/${o.metadata.name}`).sort();

  test.each(['.', 'steps/01-clusterip', 'steps/03-ingress'])('%s: the Secrets move to secrets/ (0600 in 0700), everything else stays', (folder) => {
    const secrets = path.join(apart, folder, 'secrets');
    expect(kindsIn(secrets)).toEqual(['Secret/nginxsecret']);
    expect(fs.statSync(secrets).mode & 0o777).toBe(0o700);
    for (const file of fs.readdirSync(secrets)) expect(fs.statSync(path.join(secrets, file)).mode & 0o777).toBe(0o600);
    expect(kindsIn(path.join(apart, folder))).toEqual(kindsIn(path.join(together, folder)).filter((k) => !k.startsWith('Secret/')));
    expect(JSON.stringify(objectsIn(path.join(apart, folder)))).not.toMatch(/PRIVATE KEY|LS0tLS1CRUdJTi/);
    // Together, the two folders are exactly what one folder holds otherwise, and valid as one set.
    const both = loadManifests([path.join(apart, folder), secrets]);
    expect(both.map((doc) => doc.object).sort(byName)).toEqual(objectsIn(path.join(together, folder)).sort(byName));
    expect(validateManifests(both)).toEqual([]);
  });
});

describe('CDK8S_KEY_ALGORITHM', () => {
  const synth = (value: string, outdir: string) => spawnSync(process.execPath, ['scripts/synth.js'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir, CDK8S_CERT_STORE: tempDir('key-algorithm-store'), CDK8S_KEY_ALGORITHM: value },
  });

  test('ECDSA-P256: every output\'s certificate has an ECDSA P-256 key, signed with SHA-256', () => {
    const outdir = path.join(tempDir('ecdsa-out'), 'dist');
    expect(synth('ECDSA-P256', outdir).status).toBe(0);
    for (const folder of ['.', 'steps/01-clusterip', 'steps/06-gateway-api']) {
      const secret = objectsIn(path.join(outdir, folder)).find((o) => o.kind === 'Secret');
      const text = openssl(['x509', '-noout', '-text'], decodeBase64(secret.data['tls.crt']));
      expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
      expect(text).toContain('ASN1 OID: prime256v1');
    }
  });

  test('an unknown value fails naming the choices, and writes nothing', () => {
    const outdir = path.join(tempDir('bad-algorithm-out'), 'dist');
    const result = synth('DSA-1024', outdir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CDK8S_KEY_ALGORITHM=DSA-1024 is not a key algorithm: use one of RSA-2048, RSA-3072, RSA-4096, ECDSA-P256, ECDSA-P384');
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

function byName(a: any, b: any): number {
  return `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);
}
