import { createPrivateKey, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createCertificate, isIssuedBy, keyMatchesCertificate, positiveSerialNumberHex, readCertificateFacts } from '../lib/certificate';
import { generateKeyPair, KeyAlgorithm } from '../lib/key-algorithm';

/** Keys of no certificate here, one per algorithm family and size that is quick to generate. */
const OTHER_KEYS = [KeyAlgorithm.RSA_2048, KeyAlgorithm.ECDSA_P256, KeyAlgorithm.ECDSA_P384]
  .map((algorithm) => generateKeyPair(algorithm).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
import { openssl, tempDir } from './support';

const NAMES = ['my-nginx', 'my-nginx.default', 'my-nginx.default.svc', 'my-nginx.default.svc.cluster.local'];
const REQUEST = { commonName: 'my-nginx', organization: 'my-nginx', dnsNames: NAMES, validityDays: 365, keyAlgorithm: KeyAlgorithm.RSA_2048 };
const dir = tempDir('cert');

function writePem(name: string, pem: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, pem);
  return file;
}

/** `openssl x509 -text` of a PEM: an independent reading of every extension. */
function opensslText(file: string): string {
  return openssl(['x509', '-noout', '-text', '-in', file]);
}

describe.each([
  [KeyAlgorithm.RSA_2048, 'sha256WithRSAEncryption', 'Public-Key: (2048 bit)', 'Digital Signature, Key Encipherment'],
  [KeyAlgorithm.ECDSA_P256, 'ecdsa-with-SHA256', 'NIST CURVE: P-256', 'Digital Signature'],
  [KeyAlgorithm.ECDSA_P384, 'ecdsa-with-SHA384', 'NIST CURVE: P-384', 'Digital Signature'],
])('a self-signed %s leaf', (keyAlgorithm, signature, keyLine, keyUsage) => {
  const now = new Date('2026-01-01T00:00:00Z');
  const pair = createCertificate({ ...REQUEST, keyAlgorithm }, now);
  const certFile = writePem(`${keyAlgorithm}.crt`, pair.certificatePem);
  const text = opensslText(certFile);

  test('subject, SANs, key and validity are what was asked for', () => {
    const facts = readCertificateFacts(pair.certificatePem);
    expect(facts).toMatchObject({ commonName: 'my-nginx', organization: 'my-nginx', dnsNames: NAMES, keyAlgorithm, isCertificateAuthority: false, selfSigned: true });
    expect(facts.notAfter.getTime() - facts.notBefore.getTime()).toBe(365 * 24 * 3600 * 1000);
    expect(facts.notBefore.getTime()).toBeLessThan(now.getTime());
  });

  test(`openssl reads ${signature}, a positive serial, serverAuth and a leaf with ${keyUsage}`, () => {
    expect(text).toContain(`Signature Algorithm: ${signature}`);
    expect(text).toContain(keyLine);
    expect(text).toContain('TLS Web Server Authentication');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(new RegExp(`Key Usage: critical\\s+${keyUsage}\\n`));
    expect(text).toContain('Subject: CN = my-nginx, O = my-nginx');
    expect(text).toContain('Issuer: CN = my-nginx, O = my-nginx');
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).toMatch(/Version: 3 \(0x2\)/);
    const serial = openssl(['x509', '-noout', '-serial', '-in', certFile]).trim().replace('serial=', '');
    expect(parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
    expect(serial).toHaveLength(32);
    for (const name of NAMES) expect(text).toContain(`DNS:${name}`);
  });

  test('openssl verifies it strictly, as its own CA, for every service name and for no other', () => {
    for (const name of NAMES) {
      expect(openssl(['verify', '-x509_strict', '-CAfile', certFile, '-verify_hostname', name, certFile]).trim()).toBe(`${certFile}: OK`);
    }
    expect(() => openssl(['verify', '-CAfile', certFile, '-verify_hostname', 'other.example', certFile])).toThrow(/hostname mismatch/);
  });

  test('PEM uses LF line ends and the key is PKCS#8 matching the certificate', () => {
    expect(pair.certificatePem).not.toContain('\r');
    expect(pair.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(keyMatchesCertificate(pair)).toBe(true);
    const other = createCertificate({ ...REQUEST, keyAlgorithm }, now);
    expect(keyMatchesCertificate({ certificatePem: pair.certificatePem, privateKeyPem: other.privateKeyPem })).toBe(false);
  });

  test('facts read again are equal, and a caller changing its copy changes no one else\'s', () => {
    const first = readCertificateFacts(pair.certificatePem);
    const expected = JSON.stringify(first);
    first.dnsNames.push('evil.example');
    first.notAfter.setTime(0);
    expect(JSON.stringify(readCertificateFacts(pair.certificatePem))).toBe(expected);
  });

  test('the key match read from the DER agrees with OpenSSL: other algorithms, other keys, PKCS#1 and SEC1 keys', () => {
    const x509 = new X509Certificate(pair.certificatePem);
    const keys = [pair.privateKeyPem, ...OTHER_KEYS];
    const traditional = createPrivateKey(pair.privateKeyPem).export({ type: keyAlgorithm.startsWith('RSA') ? 'pkcs1' : 'sec1', format: 'pem' }) as string;
    for (const privateKeyPem of [...keys, traditional]) {
      expect(keyMatchesCertificate({ certificatePem: pair.certificatePem, privateKeyPem })).toBe(x509.checkPrivateKey(createPrivateKey(privateKeyPem)));
    }
    expect(keyMatchesCertificate({ certificatePem: pair.certificatePem, privateKeyPem: traditional })).toBe(true);
  });
});

describe('a CA and a leaf it signs', () => {
  const ca = createCertificate({ commonName: 'shop-ca', organization: 'shop-ca', dnsNames: [], validityDays: 3650, keyAlgorithm: KeyAlgorithm.ECDSA_P384, isCertificateAuthority: true });
  const leaf = createCertificate({ ...REQUEST, issuerCertificatePem: ca.certificatePem }, undefined, ca.privateKeyPem);
  const caFile = writePem('ca.crt', ca.certificatePem);
  const leafFile = writePem('leaf.crt', leaf.certificatePem);

  test('the CA says CA:TRUE with keyCertSign and cRLSign, has no SANs and no serverAuth', () => {
    const text = opensslText(caFile);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE\n/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign\n/);
    expect(text).not.toContain('Subject Alternative Name');
    expect(text).not.toContain('TLS Web Server Authentication');
    expect(readCertificateFacts(ca.certificatePem)).toMatchObject({ isCertificateAuthority: true, selfSigned: true });
  });

  test('the leaf is issued by the CA: its issuer and authority key id are the CA\'s, its signature the CA key\'s', () => {
    const text = opensslText(leafFile);
    expect(text).toContain('Issuer: CN = shop-ca, O = shop-ca');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA384');
    expect(text).toContain('Public-Key: (2048 bit)');
    const caKeyId = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(opensslText(caFile))![1];
    expect(/Authority Key Identifier:\s+(?:keyid:)?([0-9A-F:]+)/.exec(text)![1]).toBe(caKeyId);
    expect(readCertificateFacts(leaf.certificatePem)).toMatchObject({ selfSigned: false, isCertificateAuthority: false, issuer: 'CN=shop-ca, O=shop-ca' });
    expect(isIssuedBy(leaf.certificatePem, ca.certificatePem)).toBe(true);
  });

  test('openssl verifies the chain strictly against the CA alone, for every name', () => {
    for (const name of NAMES) {
      expect(openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', caFile, '-verify_hostname', name, leafFile]).trim()).toBe(`${leafFile}: OK`);
    }
    expect(() => openssl(['verify', '-CAfile', leafFile, leafFile])).toThrow();
  });

  test('a validity past 2049 is written as GeneralizedTime and read back exactly', () => {
    const late = createCertificate({ ...REQUEST, dnsNames: [], isCertificateAuthority: true, validityDays: 40 * 365 }, new Date('2026-01-01T00:00:00Z'));
    const facts = readCertificateFacts(late.certificatePem);
    expect(facts.notAfter.getUTCFullYear()).toBe(2065);
    expect(facts.notAfter.getTime() - facts.notBefore.getTime()).toBe(40 * 365 * 24 * 3600 * 1000);
    expect(openssl(['asn1parse', '-in', writePem('late.crt', late.certificatePem)])).toMatch(/GENERALIZEDTIME\s+:2065/);
  });
});

describe('positiveSerialNumberHex', () => {
  test('is 16 bytes whose leading byte is 0x01-0x7f, so DER reads a positive, minimal integer', () => {
    for (let i = 0; i < 2000; i++) {
      const hex = positiveSerialNumberHex();
      expect(hex).toHaveLength(32);
      const first = parseInt(hex.slice(0, 2), 16);
      expect(first).toBeGreaterThanOrEqual(0x01);
      expect(first).toBeLessThanOrEqual(0x7f);
    }
  });
});
