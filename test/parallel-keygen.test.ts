import { createPrivateKey } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { SecureNginxApp } from '../lib';
import { keyMatchesCertificate } from '../lib/certificate';
import { certificateTally, obtainCertificate } from '../lib/certificate-store';
import { KeyAlgorithm } from '../lib/key-algorithm';
import { KEYGEN_THREADS_ENV, keysUsedByThread } from '../lib/key-pool';
import { coldSynthSummary } from '../app/synth-output';
import { synthesizeTutorial } from '../app/tutorial-app';
import { decodeBase64, tempDir } from './support';

const RSA_APPS = 6;

/** A chart of `count` SecureNginxApps with RSA-2048 keys kept in `storeDir`. */
function rsaApps(storeDir: string, count: number): Chart {
  const chart = Testing.chart();
  for (let i = 0; i < count; i++) new SecureNginxApp(chart, `App${i}`, { name: `app-${i}`, keySize: 2048, certificateStoreDir: storeDir });
  return chart;
}

/** The stderr lines written while `run` runs. */
function stderrOf(run: () => void): string[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => { written.push(String(chunk)); return true; });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return written.join('').split('\n').filter(Boolean);
}

describe('a cold synth of many apps with RSA keys', () => {
  const storeDir = tempDir('parallel-keygen');
  let objects: any[] = [];
  let progress: string[] = [];

  beforeAll(() => {
    // Two threads even on a one-core machine: what is tested is that both are used.
    process.env[KEYGEN_THREADS_ENV] = '2';
    try {
      progress = stderrOf(() => { objects = Testing.synth(rsaApps(storeDir, RSA_APPS)); });
    } finally {
      delete process.env[KEYGEN_THREADS_ENV];
    }
  });

  test('uses keys generated on more than one thread, one per app, each a valid RSA-2048 key of its certificate', () => {
    const byThread = keysUsedByThread();
    expect([...byThread.values()].reduce((sum, keys) => sum + keys, 0)).toBe(RSA_APPS);
    expect(byThread.size).toBeGreaterThan(1);
    const secrets = objects.filter((object) => object.kind === 'Secret');
    expect(secrets).toHaveLength(RSA_APPS);
    const keys = new Set<string>();
    for (const secret of secrets) {
      const pair = { certificatePem: decodeBase64(secret.data['tls.crt']), privateKeyPem: decodeBase64(secret.data['tls.key']) };
      expect(keyMatchesCertificate(pair)).toBe(true);
      expect(createPrivateKey(pair.privateKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
      keys.add(pair.privateKeyPem);
    }
    expect(keys.size).toBe(RSA_APPS);
  });

  test('emits the bytes a serial synth (one thread) emits from the same store, and stores the keys it emitted', () => {
    process.env[KEYGEN_THREADS_ENV] = '1';
    try {
      expect(JSON.stringify(Testing.synth(rsaApps(storeDir, RSA_APPS)))).toBe(JSON.stringify(objects));
    } finally {
      delete process.env[KEYGEN_THREADS_ENV];
    }
    const stored = fs.readdirSync(storeDir).filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(fs.readFileSync(path.join(storeDir, name), 'utf8')).privateKeyPem);
    const emitted = objects.filter((object) => object.kind === 'Secret').map((secret) => decodeBase64(secret.data['tls.key']));
    expect(stored.sort()).toEqual(emitted.sort());
  });

  test('says on stderr how many certificates it generated, from the 5th on, and nothing more when warm', () => {
    expect(progress).toEqual(['generating certificates 5 (0 reused)']);
    expect(stderrOf(() => Testing.synth(rsaApps(storeDir, RSA_APPS)))).toEqual([]);
  });
});

describe('progress and summary', () => {
  const request = (i: number) => ({ commonName: `web-${i}`, organization: 'web', dnsNames: [`web-${i}`], validityDays: 90, keyAlgorithm: KeyAlgorithm.ECDSA_P256 });

  test('progress every 10th certificate; reused ones counted, not announced', () => {
    const directory = tempDir('progress');
    const obtain = (i: number) => obtainCertificate(request(i), { directory, usedAs: ['ns', `web-${i}`], requestedBy: `chart/Web${i}`, notify: () => undefined });
    const before = certificateTally();
    const lines = stderrOf(() => { for (let i = 0; i < 25; i++) obtain(i); });
    const generatedBefore = before.generated;
    // Only the lines this test's certificates crossed: the 5th (if this is the process's first few) and each 10th.
    const expected = [5, 10, 20, 30].filter((n) => n > generatedBefore && n <= generatedBefore + 25)
      .map((n) => `generating certificates ${n} (${before.reused} reused)`);
    expect(lines).toEqual(expected);
    expect(stderrOf(() => { for (let i = 0; i < 25; i++) obtain(i); })).toEqual([]);
    expect(certificateTally()).toEqual({ generated: generatedBefore + 25, reused: before.reused + 25 });
  });

  test('the tutorial synth ends with the summary only when it generated more than a few certificates', () => {
    const outdir = path.join(tempDir('summary'), 'dist');
    const written = synthesizeTutorial({ outdir, certificateStoreDir: tempDir('summary-store') });
    expect(coldSynthSummary(written, { generated: 4, reused: 0 }, 1000)).toBeUndefined();
    const summary = coldSynthSummary(written, { generated: 12, reused: 3 }, 2345);
    expect(summary).toMatch(/^(\d+) objects in (\d+) files; certificates: 12 generated, 3 reused; 2\.3 s$/);
    const [, objects, files] = /^(\d+) objects in (\d+) files/.exec(summary!)!.map(Number);
    const yamlFiles = fs.readdirSync(outdir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.yaml'));
    expect(files).toBe(yamlFiles.length);
    const kinds = yamlFiles.flatMap((name) => fs.readFileSync(path.join(outdir, name), 'utf8').match(/^kind: /gm) ?? []);
    expect(objects).toBe(kinds.length);
  });
});
