import * as fs from 'fs';
import * as path from 'path';
import { readCertificateFacts } from '../lib/certificate';
import { obtainCertificate, rotationRequested, defaultCertificateStoreDir } from '../lib/certificate-store';
import { tempDir } from './support';

const REQUEST = { commonName: 'web', organization: 'web', dnsNames: ['web', 'web.ns'], validityDays: 90, keySize: 2048 };
const DAY = 24 * 3600 * 1000;

describe('obtainCertificate', () => {
  test('creates a 0600 entry in a 0700 directory, then returns it unchanged', () => {
    const directory = path.join(tempDir('store'), 'certs');
    const first = obtainCertificate(REQUEST, { directory, entryName: 'ns.web-tls' });
    const file = path.join(directory, 'ns.web-tls.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(directory).mode & 0o777).toBe(0o700);
    expect(obtainCertificate(REQUEST, { directory, entryName: 'ns.web-tls' })).toEqual(first);
  });

  test('replaces the stored certificate when the SANs, subject, key size or lifetime change', () => {
    const directory = tempDir('store');
    const options = { directory, entryName: 'e' };
    const first = obtainCertificate(REQUEST, options);
    const changes = [
      { ...REQUEST, dnsNames: [...REQUEST.dnsNames, 'web.example.com'] },
      { ...REQUEST, commonName: 'api' },
      { ...REQUEST, keySize: 3072 },
      { ...REQUEST, validityDays: 30 },
    ];
    for (const changed of changes) {
      const next = obtainCertificate(changed, options);
      expect(next.certificatePem).not.toBe(first.certificatePem);
      expect(obtainCertificate(changed, options)).toEqual(next);
    }
  });

  test('SAN order does not force a new certificate', () => {
    const directory = tempDir('store');
    const first = obtainCertificate(REQUEST, { directory, entryName: 'e' });
    const reordered = obtainCertificate({ ...REQUEST, dnsNames: [...REQUEST.dnsNames].reverse() }, { directory, entryName: 'e' });
    expect(reordered).toEqual(first);
  });

  test('renews once less than a third of the lifetime remains', () => {
    const directory = tempDir('store');
    const issued = new Date('2026-03-01T00:00:00Z');
    const first = obtainCertificate(REQUEST, { directory, entryName: 'e', now: issued });
    const notAfter = readCertificateFacts(first.certificatePem).notAfter.getTime();
    const stillGood = new Date(notAfter - 31 * DAY);
    expect(obtainCertificate(REQUEST, { directory, entryName: 'e', now: stillGood })).toEqual(first);
    const nearExpiry = new Date(notAfter - 29 * DAY);
    expect(obtainCertificate(REQUEST, { directory, entryName: 'e', now: nearExpiry }).certificatePem).not.toBe(first.certificatePem);
  });

  test('rotate forces a new certificate, which is then kept', () => {
    const directory = tempDir('store');
    const first = obtainCertificate(REQUEST, { directory, entryName: 'e' });
    const rotated = obtainCertificate(REQUEST, { directory, entryName: 'e', rotate: true });
    expect(rotated.certificatePem).not.toBe(first.certificatePem);
    expect(obtainCertificate(REQUEST, { directory, entryName: 'e' })).toEqual(rotated);
  });

  test('a damaged or mismatched entry is replaced, not trusted', () => {
    const directory = tempDir('store');
    const first = obtainCertificate(REQUEST, { directory, entryName: 'e' });
    const other = obtainCertificate(REQUEST, { directory, entryName: 'other' });
    const file = path.join(directory, 'e.json');
    fs.writeFileSync(file, JSON.stringify({ certificatePem: first.certificatePem, privateKeyPem: other.privateKeyPem }));
    expect(obtainCertificate(REQUEST, { directory, entryName: 'e' }).privateKeyPem).not.toBe(other.privateKeyPem);
    fs.writeFileSync(file, '{ not json');
    expect(obtainCertificate(REQUEST, { directory, entryName: 'e' }).certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});

describe('environment switches', () => {
  test('CDK8S_ROTATE_CERTS and CDK8S_CERT_STORE', () => {
    expect(rotationRequested({ CDK8S_ROTATE_CERTS: '1' })).toBe(true);
    expect(rotationRequested({})).toBe(false);
    expect(defaultCertificateStoreDir({ CDK8S_CERT_STORE: '/x' })).toBe('/x');
    expect(defaultCertificateStoreDir({})).toBe('.cdk8s-certs');
  });
});
