/** `npm run certs` and `npm run rotate`, run as users run them, on a synth of the tutorial in temp dirs. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { certificatesInManifests, certificatesInStore, expiringWithin, renderInventory } from '../app/certificate-inventory';
import { loadManifests } from '../validator/src';
import { decodeBase64, synthesizeInto, tempDir } from './support';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function run(script: string, args: string[], env: Record<string, string>) {
  return spawnSync(TSX, [path.join(ROOT, 'app', script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
}

function nginxSecretCertificate(outdir: string): string {
  const secret = loadManifests([outdir]).map((doc) => doc.object).find((o) => o.kind === 'Secret' && o.metadata.name === 'nginxsecret');
  return decodeBase64(secret.data['tls.crt']);
}

describe('npm run certs', () => {
  const store = tempDir('certs-store');
  const outdir = path.join(tempDir('certs-out'), 'dist');
  synthesizeInto(outdir, store);
  const env = { CDK8S_CERT_STORE: store, CDK8S_OUTDIR: outdir };

  test('lists each certificate of the store and of every output folder with its facts, and no key', () => {
    const result = run('certs.ts', [], env);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(/PRIVATE|BEGIN/);
    const fromStore = certificatesInStore(store);
    const fromOutput = certificatesInManifests(loadManifests([outdir], { recursive: true }));
    // One Secret, default/nginxsecret, in the final state and the steps that serve nginx: one certificate.
    expect(fromStore).toHaveLength(1);
    expect(fromOutput.map((entry) => path.relative(outdir, entry.location))).toEqual(expect.arrayContaining([
      'steps/01-clusterip/01-clusterip.k8s.yaml: Secret default/nginxsecret tls.crt',
      'steps/03-ingress/03-ingress.k8s.yaml: Secret default/nginxsecret tls.crt',
      'tutorial.k8s.yaml: Secret default/nginxsecret tls.crt',
    ]));
    expect(new Set(fromOutput.map((entry) => entry.facts.fingerprintSha256))).toEqual(new Set([fromStore[0].facts.fingerprintSha256]));
    const text = result.stdout;
    for (const entry of [...fromStore, ...fromOutput]) {
      expect(text).toContain(`${entry.location}\n  subject  CN=my-nginx, O=my-nginx\n  SANs     my-nginx, my-nginx.default, my-nginx.default.svc, my-nginx.default.svc.cluster.local, my-nginx.example.com`);
      expect(text).toContain(`  sha256   ${entry.facts.fingerprintSha256}`);
    }
    expect(text).toMatch(/issuer {3}CN=my-nginx, O=my-nginx \(self-signed\)\n {2}key {6}RSA 2048\n {2}expires {2}\d{4}-\d\d-\d\dT[\d:.]+Z \(in 36[45] days\)/);
  });

  test('exits 1 naming each certificate that expires within --within days, 0 otherwise', () => {
    const soon = run('certs.ts', ['--within', '400', outdir], env);
    expect(soon.status).toBe(1);
    const outputSecrets = certificatesInManifests(loadManifests([outdir], { recursive: true })).length;
    expect(soon.stderr.match(/^EXPIRES WITHIN 400 DAYS: .*Secret default\/nginxsecret tls.crt \(CN=my-nginx, O=my-nginx, /gm)).toHaveLength(outputSecrets);
    expect(run('certs.ts', ['--within', '300', outdir], env).status).toBe(0);
    expect(run('certs.ts', ['--within', 'soon'], env).status).toBe(2);
  });

  test('expiringWithin and renderInventory on a fixed clock', () => {
    const [entry] = certificatesInStore(store);
    const justBefore = new Date(entry.facts.notAfter.getTime() - 24 * 3600 * 1000);
    expect(expiringWithin([entry], justBefore, 0)).toEqual([]);
    expect(expiringWithin([entry], justBefore, 1)).toEqual([entry]);
    expect(renderInventory([entry], new Date(entry.facts.notAfter.getTime() + 3 * 24 * 3600 * 1000))).toContain('(expired 3 days ago)');
  });
});

describe('npm run rotate', () => {
  test('replaces the named certificate (everywhere its Secret is emitted), says so on stderr, and fails on a name that matches nothing', () => {
    const store = tempDir('rotate-store');
    const outdir = path.join(tempDir('rotate-out'), 'dist');
    synthesizeInto(outdir, store);
    const before = nginxSecretCertificate(outdir);
    const entries = () => Object.fromEntries(fs.readdirSync(store).map((name) => [name, fs.readFileSync(path.join(store, name), 'utf8')]));
    const storeBefore = entries();
    const env = { CDK8S_CERT_STORE: store, CDK8S_OUTDIR: outdir };

    const rotated = run('rotate.ts', ['tutorial/SecureNginx'], env);
    expect(rotated.status).toBe(0);
    expect(rotated.stderr).toMatch(/^tutorial\/SecureNginx\/Certificate: replacing certificate store entry .*default\.nginxsecret\.[0-9a-f]{16}\.json \(default\/nginxsecret\): rotation was requested\. The new certificate is valid until \d{4}-/m);
    expect(rotated.stderr.match(/rotation was requested/g)).toHaveLength(1);
    expect(nginxSecretCertificate(outdir)).not.toBe(before);
    const storeAfter = entries();
    const changed = Object.keys(storeAfter).filter((name) => storeAfter[name] !== storeBefore[name]);
    expect(changed).toEqual([expect.stringMatching(/^default\.nginxsecret\.[0-9a-f]{16}\.json$/)]);
    // The steps emit the same Secret, so they got the new certificate too.
    const steps = certificatesInManifests(loadManifests([path.join(outdir, 'steps')], { recursive: true }));
    expect(new Set(steps.map((entry) => entry.facts.fingerprintSha256))).toEqual(new Set(certificatesInStore(store).map((entry) => entry.facts.fingerprintSha256)));

    const unmatched = run('rotate.ts', ['default/no-such-secret'], env);
    expect(unmatched.status).toBe(1);
    expect(unmatched.stderr).toContain('nothing matched default/no-such-secret');
  });
});
