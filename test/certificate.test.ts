import * as fs from 'fs';
import * as path from 'path';
import {
  createSelfSignedCertificate,
  keyMatchesCertificate,
  positiveSerialNumberHex,
  readCertificateFacts,
} from '../lib/certificate';
import { openssl, tempDir } from './support';

const NAMES = ['my-nginx', 'my-nginx.default', 'my-nginx.default.svc', 'my-nginx.default.svc.cluster.local'];
const REQUEST = { commonName: 'my-nginx', organization: 'my-nginx', dnsNames: NAMES, validityDays: 365, keySize: 2048 };

describe('createSelfSignedCertificate', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const pair = createSelfSignedCertificate(REQUEST, now);
  const dir = tempDir('cert');
  const certFile = path.join(dir, 'tls.crt');
  fs.writeFileSync(certFile, pair.certificatePem);

  test('subject, SANs, key size and validity are what was asked for', () => {
    const facts = readCertificateFacts(pair.certificatePem);
    expect(facts.commonName).toBe('my-nginx');
    expect(facts.organization).toBe('my-nginx');
    expect(facts.dnsNames).toEqual(NAMES);
    expect(facts.keySize).toBe(2048);
    expect(facts.notAfter.getTime() - facts.notBefore.getTime()).toBe(365 * 24 * 3600 * 1000);
    expect(facts.notBefore.getTime()).toBeLessThan(now.getTime());
    expect(parseInt(facts.serialNumberHex.slice(0, 2), 16)).toBeLessThan(0x80);
  });

  test('openssl reads SHA-256, serverAuth, a leaf with the key usages TLS servers need', () => {
    const text = openssl(['x509', '-noout', '-text', '-in', certFile]);
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text).toContain('TLS Web Server Authentication');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toContain('Subject: CN = my-nginx, O = my-nginx');
    for (const name of NAMES) expect(text).toContain(`DNS:${name}`);
  });

  test('openssl verifies it, as its own CA, for every service name and for no other', () => {
    for (const name of NAMES) {
      expect(openssl(['verify', '-CAfile', certFile, '-verify_hostname', name, certFile]).trim()).toBe(`${certFile}: OK`);
    }
    expect(() => openssl(['verify', '-CAfile', certFile, '-verify_hostname', 'other.example', certFile])).toThrow(/hostname mismatch/);
  });

  test('PEM uses LF line ends and the key is PKCS#8 matching the certificate', () => {
    expect(pair.certificatePem).not.toContain('\r');
    expect(pair.privateKeyPem).not.toContain('\r');
    expect(pair.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(keyMatchesCertificate(pair)).toBe(true);
    const other = createSelfSignedCertificate(REQUEST, now);
    expect(keyMatchesCertificate({ certificatePem: pair.certificatePem, privateKeyPem: other.privateKeyPem })).toBe(false);
  });

  test('honours a larger key size', () => {
    const big = createSelfSignedCertificate({ ...REQUEST, keySize: 3072, validityDays: 30 });
    const facts = readCertificateFacts(big.certificatePem);
    expect(facts.keySize).toBe(3072);
    expect(facts.notAfter.getTime() - facts.notBefore.getTime()).toBe(30 * 24 * 3600 * 1000);
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
