/**
 * Every certificate source, seen from the synthesized objects: certificate facts are read from the
 * bytes of the emitted Secrets and ConfigMaps with openssl and Node's X509Certificate, never from
 * the helpers that made them.
 */
import { execFileSync } from 'child_process';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { createCertificate } from '../lib/certificate';
import {
  CertificateAuthority, CertificateSource, CertManagerAuthority, CurlProbe, CurlProbeMode, KeyAlgorithm, SecureNginxApp, SecureNginxAppProps,
} from '../lib';
import { validateManifests } from '../validator/src';
import { decodeBase64, openssl, tempDir } from './support';

const files = tempDir('sources-pem');
const SHOP_NAMES = ['web', 'web.shop', 'web.shop.svc', 'web.shop.svc.cluster.local'];

/** Synthesizes the charts `build` makes in one app; returns every object. */
function synth(build: (app: ReturnType<typeof Testing.app>) => void): any[] {
  const app = Testing.app();
  build(app);
  return app.charts.flatMap((chart) => Testing.synth(chart));
}

/** The web app of namespace `shop` with `certificate`, plus CurlProbe Jobs in `probeNamespaces`. */
function shop(certificate: SecureNginxAppProps['certificate'], probeNamespaces: string[] = []): any[] {
  return synth((app) => {
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new SecureNginxApp(chart, 'Web', { name: 'web', certificate });
    probeNamespaces.forEach((namespace) => new CurlProbe(chart, `Probe-${namespace}`, { target: web, mode: CurlProbeMode.JOB, namespace, name: `probe-${namespace}` }));
  });
}

function find(objects: any[], kind: string, namespace: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? 'default') === namespace);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace}/${name}, found ${found.length}`);
  return found[0];
}

function write(name: string, text: string): string {
  const file = path.join(files, name);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** openssl's reading of a PEM certificate. */
function opensslText(pem: string): string {
  return openssl(['x509', '-noout', '-text'], pem);
}

/** `openssl verify -x509_strict -purpose sslserver` of `leaf` for `name`, trusting only `caFile`. */
function verifies(caPem: string, leafPem: string, name: string): boolean {
  const caFile = write(`ca-${Date.now()}-${Math.random()}.crt`, caPem);
  try {
    openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', caFile, '-verify_hostname', name], leafPem);
    return true;
  } catch {
    return false;
  }
}

/** The volume and `--cacert` a probe Job in `namespace` uses. */
function probeCa(objects: any[], namespace: string): { volume: any; caFile: string; url: string } {
  const spec = find(objects, 'Job', namespace, `probe-${namespace}`).spec.template.spec;
  const command: string[] = spec.containers[0].command;
  return { volume: spec.volumes[0], caFile: command[command.indexOf('--cacert') + 1], url: command[command.length - 1] };
}

/** openssl's -addext for a certificate that is no CA (openssl's own default says CA:TRUE). */
const NOT_A_CA = ['-addext', 'basicConstraints=critical,CA:FALSE'];

/** A self-signed certificate and key made by openssl (as the tutorial makes it), covering `names`. */
function opensslSelfSigned(names: string[], extra: string[] = []): { certificatePem: string; privateKeyPem: string } {
  const keyFile = path.join(files, `k-${Math.random()}.pem`);
  const certificatePem = execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30', '-subj', '/CN=web',
    '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`, ...extra, '-keyout', keyFile,
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { certificatePem, privateKeyPem: fs.readFileSync(keyFile, 'utf8') };
}

describe('self-signed with an ECDSA key', () => {
  const store = tempDir('sources-store');
  const objects = shop(CertificateSource.selfSigned({ keyAlgorithm: KeyAlgorithm.ECDSA_P256, storeDir: store }), ['shop', 'qa']);
  const secret = find(objects, 'Secret', 'shop', 'web-tls');
  const certificatePem = decodeBase64(secret.data['tls.crt']);

  test('the Secret holds a P-256 leaf signed with ECDSA-SHA256: SANs, positive serial, CA:FALSE, digitalSignature, serverAuth', () => {
    const text = opensslText(certificatePem);
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(text).toContain('NIST CURVE: P-256');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/);
    expect(text).toContain('TLS Web Server Authentication');
    const cert = new X509Certificate(certificatePem);
    expect(cert.subjectAltName).toBe(SHOP_NAMES.map((n) => `DNS:${n}`).join(', '));
    expect(parseInt(cert.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(365 * 24 * 3600 * 1000);
    expect(cert.checkPrivateKey(require('crypto').createPrivateKey(decodeBase64(secret.data['tls.key'])))).toBe(true);
    for (const name of SHOP_NAMES) expect(verifies(certificatePem, certificatePem, name)).toBe(true);
  });

  test('a probe at home trusts the Secret\'s tls.crt; one in namespace qa gets the certificate in a ConfigMap there', () => {
    expect(probeCa(objects, 'shop')).toEqual({
      volume: { name: 'secret-volume', secret: { secretName: 'web-tls', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
      caFile: '/etc/nginx/ssl/tls.crt',
      url: 'https://web/',
    });
    expect(probeCa(objects, 'qa')).toEqual({
      volume: { name: 'ca-volume', configMap: { name: 'web-tls-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      caFile: '/etc/nginx/ssl/ca.crt',
      url: 'https://web.shop.svc/',
    });
    expect(find(objects, 'ConfigMap', 'qa', 'web-tls-ca.crt').data).toEqual({ 'ca.crt': certificatePem });
  });
});

describe('CA mode: a generated CA shared by apps, charts and output folders', () => {
  const store = tempDir('sources-store');
  const ca = () => CertificateAuthority.generated({ name: 'shop-ca', storeDir: store });
  const objects = synth((app) => {
    const authority = ca();
    const shopChart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new SecureNginxApp(shopChart, 'Web', { name: 'web', certificate: CertificateSource.signedBy(authority, { storeDir: store }) });
    const api = new SecureNginxApp(shopChart, 'Api', { name: 'api', certificate: CertificateSource.signedBy(authority, { storeDir: store, keyAlgorithm: KeyAlgorithm.RSA_3072 }) });
    const qa = new Chart(app, 'qa', { namespace: 'qa' });
    new CurlProbe(shopChart, 'Home', { target: web, mode: CurlProbeMode.JOB, name: 'probe-shop' });
    new CurlProbe(qa, 'Away', { target: web, mode: CurlProbeMode.JOB, name: 'probe-qa', namespace: 'qa' });
    new CurlProbe(qa, 'AwayApi', { target: api, mode: CurlProbeMode.JOB, name: 'probe-api', namespace: 'qa' });
  });
  const caPem = find(objects, 'ConfigMap', 'qa', 'shop-ca.crt').data['ca.crt'];
  const webSecret = find(objects, 'Secret', 'shop', 'web-tls');

  test('the CA certificate says CA:TRUE with keyCertSign, and clients get it alone: no key in any ConfigMap', () => {
    const text = opensslText(caPem);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(text).toContain('Subject: CN = shop-ca, O = shop-ca');
    for (const configMap of objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shop-ca.crt')) {
      expect(Object.keys(configMap.data)).toEqual(['ca.crt']);
      expect(configMap.data['ca.crt']).not.toMatch(/PRIVATE KEY/);
    }
  });

  test('each leaf is issued by the CA and verifies strictly against ca.crt alone, for every Service name', () => {
    const webPem = decodeBase64(webSecret.data['tls.crt']);
    const apiPem = decodeBase64(find(objects, 'Secret', 'shop', 'api-tls').data['tls.crt']);
    expect(opensslText(webPem)).toContain('Issuer: CN = shop-ca, O = shop-ca');
    expect(opensslText(apiPem)).toMatch(/Public-Key: \(3072 bit\)[\s\S]*Key Usage: critical\s+Digital Signature, Key Encipherment/);
    for (const name of SHOP_NAMES) expect(verifies(caPem, webPem, name)).toBe(true);
    expect(verifies(caPem, apiPem, 'api.shop.svc')).toBe(true);
    expect(verifies(webPem, webPem, 'web')).toBe(false); // a CA-signed leaf is no trust anchor
    expect(decodeBase64(webSecret.data['ca.crt'])).toBe(caPem);
  });

  test('probes mount only ca.crt of the ConfigMap in their own namespace; one ConfigMap per namespace for both apps', () => {
    const jobCa = (namespace: string, name: string) => {
      const spec = find(objects, 'Job', namespace, name).spec.template.spec;
      return { volumes: spec.volumes, cacert: spec.containers[0].command[spec.containers[0].command.indexOf('--cacert') + 1] };
    };
    const expected = { volumes: [{ name: 'ca-volume', configMap: { name: 'shop-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }], cacert: '/etc/nginx/ssl/ca.crt' };
    expect(jobCa('shop', 'probe-shop')).toEqual(expected);
    expect(jobCa('qa', 'probe-qa')).toEqual(expected);
    expect(jobCa('qa', 'probe-api')).toEqual(expected);
    expect(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shop-ca.crt').map((o) => o.metadata.namespace).sort()).toEqual(['qa', 'shop']);
  });

  test('another app (another output folder) naming the same CA gets the same CA', () => {
    const again = shop(CertificateSource.signedBy(ca(), { storeDir: store }), ['elsewhere']);
    expect(find(again, 'ConfigMap', 'elsewhere', 'shop-ca.crt').data['ca.crt']).toBe(caPem);
    expect(find(again, 'Secret', 'shop', 'web-tls').data['ca.crt']).toBe(webSecret.data['ca.crt']);
  });

  test('every object is valid for the API server and the cluster rules', () => {
    expect(validateManifests(objects.map((object, index) => ({ file: 'ca-mode.yaml', index, object })))).toEqual([]);
  });
});

describe('bring your own CA', () => {
  const store = tempDir('sources-store');
  const ca = createCertificate({ commonName: 'corp-ca', organization: 'corp', dnsNames: [], validityDays: 100, keyAlgorithm: KeyAlgorithm.ECDSA_P384, isCertificateAuthority: true });

  test('signs leaves at synth time with the key given, which never reaches the output', () => {
    const objects = shop(CertificateSource.signedBy(CertificateAuthority.fromPemFiles({
      name: 'corp-ca', certificateFile: write('corp-ca.crt', ca.certificatePem), privateKeyFile: write('corp-ca.key', ca.privateKeyPem),
    }), { storeDir: store, validityDays: 30 }), ['qa']);
    const leaf = decodeBase64(find(objects, 'Secret', 'shop', 'web-tls').data['tls.crt']);
    expect(opensslText(leaf)).toContain('Signature Algorithm: ecdsa-with-SHA384');
    expect(verifies(find(objects, 'ConfigMap', 'qa', 'corp-ca.crt').data['ca.crt'], leaf, 'web.shop.svc')).toBe(true);
    expect(JSON.stringify(objects)).not.toContain(Buffer.from(ca.privateKeyPem).toString('base64').slice(30, 90));
  });

  test.each<[string, () => CertificateAuthority, RegExp]>([
    ['a CA without CA:TRUE', () => {
      const leaf = opensslSelfSigned(['corp'], NOT_A_CA);
      return CertificateAuthority.fromPem({ name: 'corp-ca', certificatePem: leaf.certificatePem, privateKeyPem: leaf.privateKeyPem });
    }, /source.authority \(corp-ca\).caCertificatePem: is not a CA: its basicConstraints lack CA:TRUE/],
    ['a CA whose key is another', () => CertificateAuthority.fromPem({ name: 'corp-ca', certificatePem: ca.certificatePem, privateKeyPem: opensslSelfSigned(['x']).privateKeyPem }),
      /source.authority \(corp-ca\).privateKeyPem: does not belong to the CA certificate/],
    ['a CA file that is not there', () => CertificateAuthority.fromPemFiles({ name: 'corp-ca', certificateFile: '/nonexistent/ca.crt', privateKeyFile: '/nonexistent/ca.key' }),
      /source.authority \(corp-ca\).caCertificatePem: cannot read \/nonexistent\/ca.crt: ENOENT/],
    ['a leaf that would outlive the CA', () => CertificateAuthority.fromPem({ name: 'corp-ca', ...ca }), /source.validityDays: a 365-day leaf would outlive its CA corp-ca/],
  ])('refuses %s, naming the construct path and field', (_label, authority, message) => {
    expect(() => shop(CertificateSource.signedBy(authority(), { storeDir: store })))
      .toThrow(new RegExp(`ServingCertificate at 'shop/Web/Certificate' has invalid props:[\\s\\S]*${message.source}`));
  });
});

describe('bring your own certificate', () => {
  const own = opensslSelfSigned(SHOP_NAMES);

  test('PEM strings go into the Secret byte for byte; clients elsewhere get the certificate in a ConfigMap', () => {
    const objects = shop(CertificateSource.fromPem(own), ['qa']);
    const secret = find(objects, 'Secret', 'shop', 'web-tls');
    expect(decodeBase64(secret.data['tls.crt'])).toBe(own.certificatePem);
    expect(decodeBase64(secret.data['tls.key'])).toBe(own.privateKeyPem);
    expect(Object.keys(secret.data).sort()).toEqual(['tls.crt', 'tls.key']);
    expect(find(objects, 'ConfigMap', 'qa', 'web-tls-ca.crt').data['ca.crt']).toBe(own.certificatePem);
  });

  test('PEM files, with the CA that issued the leaf', () => {
    const corpCa = createCertificate({ commonName: 'corp', organization: 'corp', dnsNames: [], validityDays: 60, keyAlgorithm: KeyAlgorithm.ECDSA_P256, isCertificateAuthority: true });
    const leaf = createCertificate({ commonName: 'web', organization: 'web', dnsNames: SHOP_NAMES, validityDays: 30, keyAlgorithm: KeyAlgorithm.RSA_2048, issuerCertificatePem: corpCa.certificatePem }, undefined, corpCa.privateKeyPem);
    const objects = shop(CertificateSource.fromPemFiles({
      certificateFile: write('leaf.crt', leaf.certificatePem), privateKeyFile: write('leaf.key', leaf.privateKeyPem), caCertificateFile: write('corp.crt', corpCa.certificatePem),
    }), ['shop']);
    expect(decodeBase64(find(objects, 'Secret', 'shop', 'web-tls').data['ca.crt'])).toBe(corpCa.certificatePem);
    expect(probeCa(objects, 'shop').volume).toEqual({ name: 'ca-volume', configMap: { name: 'web-tls-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(verifies(find(objects, 'ConfigMap', 'shop', 'web-tls-ca.crt').data['ca.crt'], leaf.certificatePem, 'web')).toBe(true);
  });

  const expired = createCertificate({ commonName: 'web', organization: 'web', dnsNames: SHOP_NAMES, validityDays: 1, keyAlgorithm: KeyAlgorithm.ECDSA_P256 }, new Date('2020-01-01T00:00:00Z'));
  const corpCa = createCertificate({ commonName: 'corp', organization: 'corp', dnsNames: [], validityDays: 60, keyAlgorithm: KeyAlgorithm.ECDSA_P256, isCertificateAuthority: true });
  const signedLeaf = createCertificate({ commonName: 'web', organization: 'web', dnsNames: SHOP_NAMES, validityDays: 30, keyAlgorithm: KeyAlgorithm.ECDSA_P256, issuerCertificatePem: corpCa.certificatePem }, undefined, corpCa.privateKeyPem);
  test.each<[string, () => ReturnType<typeof CertificateSource.fromPem>, RegExp]>([
    ['a key of another certificate', () => CertificateSource.fromPem({ ...own, privateKeyPem: opensslSelfSigned(SHOP_NAMES).privateKeyPem }),
      /source.privateKeyPem: does not belong to the certificate \(CN=web\)/],
    ['an expired certificate', () => CertificateSource.fromPem(expired), /source.certificatePem: expired on 2020-01-01T23:55:00.000Z: renew it/],
    ['SANs missing a Service name', () => CertificateSource.fromPem(opensslSelfSigned(['web', 'web.shop'])),
      /source.certificatePem: does not cover web.shop.svc, web.shop.svc.cluster.local \(it covers web, web.shop\)/],
    ['a CA-signed leaf without its CA', () => CertificateSource.fromPem(signedLeaf), /source.caCertificatePem: is required: the certificate is signed by CN=corp, O=corp/],
    ['a CA that did not issue it', () => CertificateSource.fromPem({ ...signedLeaf, caCertificatePem: own.certificatePem }),
      /source.caCertificatePem: did not issue the certificate \(its issuer is CN=corp, O=corp, the CA is CN=web\)/],
    ['a CA that is no CA', () => CertificateSource.fromPem({ ...signedLeaf, caCertificatePem: opensslSelfSigned(['corp'], NOT_A_CA).certificatePem }),
      /source.caCertificatePem: is not a CA: its basicConstraints lack CA:TRUE/],
    ['something that is not PEM', () => CertificateSource.fromPem({ certificatePem: 'hello', privateKeyPem: 'world' }), /source.certificatePem: is not a PEM certificate/],
    ['an encrypted key', () => CertificateSource.fromPem({ ...own, privateKeyPem: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----\n' }),
      /source.privateKeyPem: is encrypted/],
    ['a file that is not there', () => CertificateSource.fromPemFiles({ certificateFile: '/nonexistent/tls.crt', privateKeyFile: write('k.pem', own.privateKeyPem) }),
      /source.certificateFile: cannot read \/nonexistent\/tls.crt: ENOENT/],
  ])('refuses %s, naming the construct path and field', (_label, source, message) => {
    expect(() => shop(source())).toThrow(new RegExp(`ServingCertificate at 'shop/Web/Certificate' has invalid props:[\\s\\S]*${message.source}`));
  });
});

describe('an existing Secret', () => {
  test('nothing is generated or written; the server and a probe at home mount the Secret by name', () => {
    const objects = shop(CertificateSource.fromExistingSecret(), ['shop']);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/BEGIN/);
    const pod = find(objects, 'Deployment', 'shop', 'web').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.secret).secret.secretName).toBe('web-tls');
    expect(probeCa(objects, 'shop').volume.secret).toEqual({ secretName: 'web-tls', items: [{ key: 'tls.crt', path: 'tls.crt' }] });
  });

  test('a probe elsewhere needs the CA: refused without it, a ConfigMap with it', () => {
    expect(() => shop(CertificateSource.fromExistingSecret(), ['qa']))
      .toThrow(/CurlProbe at 'shop\/Probe-qa' has invalid props:\n {2}- namespace: the CA of Secret shop\/web-tls is known only in namespace shop, not in qa: pass caCertificatePem/);
    const own = opensslSelfSigned(SHOP_NAMES);
    const objects = shop(CertificateSource.fromExistingSecret({ certificatePem: own.certificatePem }), ['qa']);
    expect(find(objects, 'ConfigMap', 'qa', 'web-tls-ca.crt').data['ca.crt']).toBe(own.certificatePem);
  });

  test('a certificate given for checking must cover the names', () => {
    expect(() => shop(CertificateSource.fromExistingSecret({ certificatePem: opensslSelfSigned(['web']).certificatePem })))
      .toThrow(/source.certificatePem: does not cover web.shop, web.shop.svc, web.shop.svc.cluster.local/);
  });
});

describe('cert-manager', () => {
  const build = (props: ConstructorParameters<typeof CertManagerAuthority>[2] = {}, probes = ['shop', 'qa']) => {
    return synth((app) => {
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      const authority = new CertManagerAuthority(chart, 'Ca', props);
      const web = new SecureNginxApp(chart, 'Web', { name: 'web', certificate: CertificateSource.certManager(authority) });
      probes.forEach((namespace) => new CurlProbe(chart, `Probe-${namespace}`, { target: web, mode: CurlProbeMode.JOB, namespace, name: `probe-${namespace}` }));
    });
  };
  const objects = build();
  const custom = (kind: string, name: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('the bootstrap chain: self-signed ClusterIssuer -> CA Certificate -> CA ClusterIssuer, and a Bundle of its ca.crt', () => {
    expect(custom('ClusterIssuer', 'cdk8s-ca-selfsigned')).toEqual({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'cdk8s-ca-selfsigned' }, spec: { selfSigned: {} } });
    expect(custom('Certificate', 'cdk8s-ca')).toMatchObject({
      metadata: { name: 'cdk8s-ca', namespace: 'cert-manager' },
      spec: {
        isCA: true, secretName: 'cdk8s-ca', commonName: 'cdk8s-ca', duration: '87600h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Never' },
        issuerRef: { name: 'cdk8s-ca-selfsigned', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
    });
    expect(custom('ClusterIssuer', 'cdk8s-ca')).toEqual({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'cdk8s-ca' }, spec: { ca: { secretName: 'cdk8s-ca' } } });
    expect(custom('Bundle', 'cdk8s-ca')).toEqual({
      apiVersion: 'trust.cert-manager.io/v1alpha1', kind: 'Bundle', metadata: { name: 'cdk8s-ca' },
      spec: { sources: [{ secret: { name: 'cdk8s-ca', key: 'ca.crt' } }], target: { configMap: { key: 'ca.crt' } } },
    });
  });

  test('the leaf: dnsNames from the Service, issued by the CA issuer, secretTemplate labels, the Secret the pods mount', () => {
    const leaf = custom('Certificate', 'web-tls');
    expect(leaf.metadata.namespace).toBe('shop');
    expect(leaf.spec).toEqual({
      secretName: 'web-tls',
      secretTemplate: { labels: { run: 'web' } },
      commonName: 'web',
      subject: { organizations: ['web'] },
      dnsNames: SHOP_NAMES,
      duration: '2160h',
      usages: ['server auth', 'digital signature'],
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef: { name: 'cdk8s-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    const pod = find(objects, 'Deployment', 'shop', 'web').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.secret).secret.secretName).toBe('web-tls');
  });

  test('no key material and no Secret in the output; probes in any namespace mount the Bundle\'s ConfigMap', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/BEGIN|PRIVATE/);
    for (const namespace of ['shop', 'qa']) {
      expect(probeCa(objects, namespace)).toMatchObject({
        volume: { name: 'ca-volume', configMap: { name: 'cdk8s-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, caFile: '/etc/nginx/ssl/ca.crt',
      });
    }
  });

  test('every object is strictly valid against the cert-manager and trust-manager CRDs and the cluster rules', () => {
    const docs = objects.map((object, index) => ({ file: 'cert-manager.yaml', index, object }));
    expect(validateManifests(docs)).toEqual([]);
    const typo = structuredClone(docs);
    typo.find((d) => d.object.kind === 'Certificate' && d.object.metadata.name === 'web-tls')!.object.spec.dnsName = ['web'];
    expect(validateManifests(typo).map((v) => v.message)).toEqual([expect.stringMatching(/spec.dnsName: unknown field "dnsName".*cert-manager.io\/v1 Certificate CRD.*did you mean spec.dnsNames/)]);
  });

  test('a probe mounting a key cert-manager does not write is a violation', () => {
    const docs = objects.map((object, index) => ({ file: 'cert-manager.yaml', index, object }));
    docs.find((d) => d.object.kind === 'Job' && d.object.metadata.name === 'probe-qa')!.object.spec.template.spec.volumes[0].configMap.items[0].key = 'tls.key';
    expect(validateManifests(docs).map((v) => v.rule)).toContain('volume-source-exists');
  });

  test('without trust-manager, a probe at home uses ca.crt of the Secret; one elsewhere is refused', () => {
    const home = build({ trustBundle: false }, ['shop']);
    expect(home.filter((o) => o.kind === 'Bundle')).toEqual([]);
    expect(probeCa(home, 'shop').volume).toEqual({ name: 'secret-volume', secret: { secretName: 'web-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(validateManifests(home.map((object, index) => ({ file: 'home.yaml', index, object })))).toEqual([]);
    expect(() => build({ trustBundle: false }, ['qa'])).toThrow(/CurlProbe at 'shop\/Probe-qa' has invalid props:\n {2}- namespace: .*set trustBundle on CertManagerAuthority shop\/Ca/);
  });

  test('refuses an unknown algorithm and a leaf outliving its CA, naming the field', () => {
    expect(() => synth((app) => {
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      const authority = new CertManagerAuthority(chart, 'Ca', { validityDays: 30 });
      new SecureNginxApp(chart, 'Web', { certificate: CertificateSource.certManager(authority, { keyAlgorithm: 'DSA-1024' as KeyAlgorithm }) });
    })).toThrow(/source.keyAlgorithm: DSA-1024 is not supported: use one of RSA-2048, [\s\S]*source.validityDays: 90 days is not shorter than the 30-day CA cdk8s-ca/);
  });
});

describe('SecureNginxApp certificate props', () => {
  const store = tempDir('sources-store');
  test('the default certificate\'s props conflict with a source', () => {
    expect(() => new SecureNginxApp(Testing.chart(), 'Nginx', { certificate: CertificateSource.fromExistingSecret(), keySize: 4096, rotateCertificate: true }))
      .toThrow(/keySize: only shapes the default self-signed certificate[\s\S]*rotateCertificate: only shapes the default/);
  });

  test('an unknown key algorithm is refused by name', () => {
    expect(() => new SecureNginxApp(Testing.chart(), 'Nginx', { certificate: CertificateSource.selfSigned({ keyAlgorithm: 'EC-1' as KeyAlgorithm, storeDir: store }) }))
      .toThrow(/ServingCertificate at '.*Nginx\/Certificate' has invalid props:\n {2}- source.keyAlgorithm: EC-1 is not supported/);
  });
});
