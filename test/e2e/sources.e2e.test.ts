/**
 * Every certificate source through the live TLS test: nginx serves what the synthesized Secret
 * holds, and every probe Job, in the server's namespace and in another one, runs its own command
 * against it with only the CA files its own namespace gives it. See tls.e2e.test.ts for the sandbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import {
  CertificateAuthority, CertificateSource, CertManagerAuthority, CurlProbe, CurlProbeMode, ICertificateSource, KeyAlgorithm, SecureNginxApp,
} from '../../lib';
import { loadManifests } from '../../validator/src';
import { selfSignedCertificate } from './certificates';
import { withCertManagerOutputs } from './cert-manager';
import { EmulatedCluster } from './emulated-cluster';
import { Manifest, readTlsServingApp, TlsServingApp, withSecretData } from './manifests';
import { missingPrerequisites } from './prerequisites';

/** curl's exit code for a peer certificate that fails verification. */
const CURLE_PEER_FAILED_VERIFICATION = 60;
/** Few retries, so a probe that must fail gives up by itself (after about 3 s of backoff) instead of at a deadline. */
const PROBE_RETRIES = 2;
const SHOP_NAMES = ['web', 'web.shop', 'web.shop.svc', 'web.shop.svc.cluster.local'];

/** How each source is built, and what the cluster holds that the manifests do not. */
interface SourceCase {
  name: string;
  source: (chart: Chart, store: string) => ICertificateSource;
  inCluster?: (manifests: Manifest[]) => Promise<Manifest[]>;
}

const CASES: SourceCase[] = [
  { name: 'self-signed ECDSA P-384', source: (_chart, store) => CertificateSource.selfSigned({ keyAlgorithm: KeyAlgorithm.ECDSA_P384, storeDir: store }) },
  {
    name: 'signed by a generated CA',
    source: (_chart, store) => CertificateSource.signedBy(CertificateAuthority.generated({ name: 'shop-ca', storeDir: store }), { storeDir: store, keyAlgorithm: KeyAlgorithm.RSA_2048 }),
  },
  { name: 'PEM made by openssl', source: () => CertificateSource.fromPem(ownCertificate) },
  {
    name: 'an existing Secret',
    source: () => CertificateSource.fromExistingSecret({ certificatePem: ownCertificate.certificatePem }),
    // The Secret the cluster already has.
    inCluster: async (manifests) => [...manifests, {
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'web-tls', namespace: 'shop' },
      data: { 'tls.crt': b64(ownCertificate.certificatePem), 'tls.key': b64(ownCertificate.privateKeyPem) },
    }],
  },
  {
    name: 'cert-manager with trust-manager',
    source: (chart) => CertificateSource.certManager(new CertManagerAuthority(chart, 'Ca')),
    inCluster: withCertManagerOutputs,
  },
];

let ownCertificate: { certificatePem: string; privateKeyPem: string };

const describeIfRunnable = missingPrerequisites().length === 0 ? describe : describe.skip; // tls.e2e.test.ts reports what is missing

describeIfRunnable.each(CASES)('a certificate source through live TLS: $name', (sourceCase) => {
  let app: TlsServingApp;
  let impostorApp: TlsServingApp;
  let cluster: EmulatedCluster | undefined;
  let impostorCluster: EmulatedCluster | undefined;

  beforeAll(async () => {
    ownCertificate ??= await selfSignedCertificate({ commonName: 'web', organization: 'web' }, SHOP_NAMES);
    const manifests = await (sourceCase.inCluster ?? (async (m: Manifest[]) => m))(synthesizeShop(sourceCase));
    app = readTlsServingApp(manifests);
    // The Service's names, served with a certificate no probe's CA vouches for.
    const impostor = await selfSignedCertificate({ commonName: 'web', organization: 'impostor' }, SHOP_NAMES);
    impostorApp = readTlsServingApp(withSecretData(manifests, app.tlsSecret.name, { 'tls.crt': impostor.certificatePem, 'tls.key': impostor.privateKeyPem }));
    cluster = await EmulatedCluster.start(app, 'cdk8s-src');
    impostorCluster = await EmulatedCluster.start(impostorApp, 'cdk8s-src-imp');
  });

  afterAll(async () => {
    await Promise.allSettled([cluster?.stop(), impostorCluster?.stop()]);
  });

  test('a probe in the server\'s namespace and one in namespace qa, each as synthesized, verify the server and exit 0', async () => {
    expect(app.probes.map((probe) => probe.namespace).sort()).toEqual(['qa', 'shop']);
    for (const probe of app.probes) {
      const result = await cluster!.run(probe);
      expect({ probe: probe.id, namespace: probe.namespace, exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: 0, stderr: '' });
    }
  });

  test('the probes mount CA certificates only, never a private key', () => {
    for (const probe of app.probes) {
      for (const file of probe.mounts.flatMap((mount) => mount.files)) expect(file.content.toString()).not.toMatch(/PRIVATE KEY/);
    }
  });

  test('no probe accepts a server whose certificate its CA did not issue', async () => {
    // A probe that trusts the served Secret's own tls.crt (a self-signed certificate at home, as in
    // the docs) trusts whatever that Secret holds; every other probe has a CA of its own.
    const withOwnCa = impostorApp.probes.filter((probe) => !probe.mounts.some((mount) => mount.source === `Secret/${app.tlsSecret.name}`));
    expect(withOwnCa.length).toBeGreaterThan(0);
    for (const probe of withOwnCa) {
      const result = await impostorCluster!.run(probe);
      expect({ probe: probe.id, namespace: probe.namespace, exitCode: result.exitCode, stderr: result.stderr })
        .toEqual({ probe: probe.id, namespace: probe.namespace, exitCode: CURLE_PEER_FAILED_VERIFICATION, stderr: expect.stringMatching(/SSL certificate problem/) });
    }
  });
});

/** The shop app with the case's certificate, and probe Jobs in its namespace and in qa, as YAML files would hold them. */
function synthesizeShop(sourceCase: SourceCase): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-e2e-sources-'));
  try {
    const app = new App({ outdir: join(dir, 'dist'), yamlOutputType: YamlOutputType.FILE_PER_CHART });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new SecureNginxApp(chart, 'Web', { name: 'web', certificate: sourceCase.source(chart, join(dir, 'store')) });
    for (const namespace of ['shop', 'qa']) {
      new CurlProbe(chart, `Probe-${namespace}`, { target: web, mode: CurlProbeMode.JOB, namespace, name: `probe-${namespace}`, retries: PROBE_RETRIES });
    }
    app.synth();
    return loadManifests([join(dir, 'dist')]).map((doc) => doc.object as Manifest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}
