import * as fs from 'fs';
import * as path from 'path';
import { createCertificate, isIssuedBy, readCertificateFacts } from '../lib/certificate';
import { CertificateStoreOptions, defaultCertificateStoreDir, obtainCertificate, rotationRequested } from '../lib/certificate-store';
import { KeyAlgorithm } from '../lib/key-algorithm';
import { tempDir } from './support';

const REQUEST = { commonName: 'web', organization: 'web', dnsNames: ['web', 'web.ns'], validityDays: 90, keyAlgorithm: KeyAlgorithm.ECDSA_P256 };
const DAY = 24 * 3600 * 1000;

/** A store in a fresh directory whose announcements are collected instead of printed. */
function testStore(entryName = 'e') {
  const messages: string[] = [];
  const directory = tempDir('store');
  const options = (extra: Partial<CertificateStoreOptions> = {}): CertificateStoreOptions =>
    ({ directory, entryName, label: 'Secret ns/web-tls', announce: (m) => messages.push(m), ...extra });
  return { directory, messages, options };
}

describe('obtainCertificate', () => {
  test('creates a 0600 entry in a 0700 directory, then returns it unchanged', () => {
    const directory = path.join(tempDir('store'), 'certs');
    const options = { directory, entryName: 'ns.web-tls', announce: () => undefined };
    const first = obtainCertificate(REQUEST, options);
    const file = path.join(directory, 'ns.web-tls.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(directory).mode & 0o777).toBe(0o700);
    expect(obtainCertificate(REQUEST, options)).toEqual(first);
  });

  test('replaces the stored certificate when the SANs, subject, key or lifetime change, saying why', () => {
    const { messages, options } = testStore();
    const first = obtainCertificate(REQUEST, options());
    // Each change on top of the one before.
    const changes: Array<[object, RegExp]> = [
      [{ dnsNames: ['web', 'web.example.com'] }, /its DNS names changed \(added web\.example\.com; removed web\.ns\)/],
      [{ commonName: 'api' }, /its subject CN=web, O=web is not CN=api, O=web/],
      [{ keyAlgorithm: KeyAlgorithm.RSA_2048 }, /its key is ECDSA P-256, not RSA-2048/],
      [{ validityDays: 30 }, /its lifetime is 90 days, not 30/],
    ];
    let previous = first;
    let request = REQUEST;
    for (const [change, reason] of changes) {
      request = { ...request, ...change };
      const next = obtainCertificate(request, options());
      expect(next.certificatePem).not.toBe(previous.certificatePem);
      expect(obtainCertificate(request, options())).toEqual(next);
      expect(messages[messages.length - 1]).toMatch(reason);
      previous = next;
    }
    expect(messages[0]).toMatch(/^Generated the certificate of Secret ns\/web-tls \(none was stored yet\); valid until \d{4}-/);
    expect(messages).toHaveLength(1 + changes.length);
    for (const message of messages) expect(message).not.toContain('PRIVATE KEY');
  });

  test('SAN order does not force a new certificate', () => {
    const { options } = testStore();
    const first = obtainCertificate(REQUEST, options());
    expect(obtainCertificate({ ...REQUEST, dnsNames: [...REQUEST.dnsNames].reverse() }, options())).toEqual(first);
  });

  test('with a fake clock: kept until a third of the lifetime is left, then renewed and announced with the new expiry', () => {
    const { messages, options } = testStore();
    const issued = new Date('2026-03-01T00:00:00Z');
    const first = obtainCertificate(REQUEST, options({ now: issued }));
    const notAfter = readCertificateFacts(first.certificatePem).notAfter.getTime();
    expect(obtainCertificate(REQUEST, options({ now: new Date(notAfter - 31 * DAY) }))).toEqual(first);
    expect(messages).toHaveLength(1);
    const renewedAt = new Date(notAfter - 29 * DAY);
    const renewed = obtainCertificate(REQUEST, options({ now: renewedAt }));
    expect(renewed.certificatePem).not.toBe(first.certificatePem);
    const newExpiry = readCertificateFacts(renewed.certificatePem).notAfter;
    expect(newExpiry.getTime()).toBeGreaterThan(renewedAt.getTime() + 89 * DAY);
    expect(messages[1]).toBe(`Renewed the certificate of Secret ns/web-tls (it expires ${new Date(notAfter).toISOString()}, `
      + `within the last third of its lifetime); valid until ${newExpiry.toISOString()}`);
  });

  test('rotate forces a new certificate, which is then kept', () => {
    const { messages, options } = testStore();
    const first = obtainCertificate(REQUEST, options());
    const rotated = obtainCertificate(REQUEST, options({ rotate: true }));
    expect(rotated.certificatePem).not.toBe(first.certificatePem);
    expect(obtainCertificate(REQUEST, options())).toEqual(rotated);
    expect(messages[1]).toMatch(/^Renewed the certificate of Secret ns\/web-tls \(rotation was asked for\)/);
  });

  test('a leaf signed by a CA is re-issued when the CA changes, and only then', () => {
    const { messages, options } = testStore();
    const caRequest = { ...REQUEST, dnsNames: [], validityDays: 3650, isCertificateAuthority: true };
    const ca = createCertificate(caRequest);
    const leaf = obtainCertificate({ ...REQUEST, issuer: ca }, options());
    expect(isIssuedBy(leaf.certificatePem, ca.certificatePem)).toBe(true);
    expect(obtainCertificate({ ...REQUEST, issuer: ca }, options())).toEqual(leaf);
    const newCa = createCertificate(caRequest);
    const reissued = obtainCertificate({ ...REQUEST, issuer: newCa }, options());
    expect(isIssuedBy(reissued.certificatePem, newCa.certificatePem)).toBe(true);
    expect(messages[1]).toMatch(/\(its CA changed\)/);
    expect(obtainCertificate(REQUEST, options()).certificatePem).not.toBe(reissued.certificatePem);
    expect(messages[2]).toMatch(/\(it is no longer to be signed by a CA\)/);
  });

  test('a damaged or mismatched entry is replaced, not trusted', () => {
    const { directory, options } = testStore();
    const first = obtainCertificate(REQUEST, options());
    const other = obtainCertificate(REQUEST, options({ entryName: 'other' }));
    const file = path.join(directory, 'e.json');
    fs.writeFileSync(file, JSON.stringify({ certificatePem: first.certificatePem, privateKeyPem: other.privateKeyPem }));
    expect(obtainCertificate(REQUEST, options()).privateKeyPem).not.toBe(other.privateKeyPem);
    fs.writeFileSync(file, '{ not json');
    expect(obtainCertificate(REQUEST, options()).certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});

describe('environment switches', () => {
  test('CDK8S_ROTATE_CERTS: everything, or the listed Secrets and construct paths; CDK8S_CERT_STORE', () => {
    expect(rotationRequested([], { CDK8S_ROTATE_CERTS: '1' })).toBe(true);
    expect(rotationRequested(['default/web-tls'], {})).toBe(false);
    expect(rotationRequested(['default/web-tls', 'app/Web'], { CDK8S_ROTATE_CERTS: 'other/x, app/Web' })).toBe(true);
    expect(rotationRequested(['default/web-tls', 'app/Web'], { CDK8S_ROTATE_CERTS: 'app/We' })).toBe(false);
    expect(defaultCertificateStoreDir({ CDK8S_CERT_STORE: '/x' })).toBe('/x');
    expect(defaultCertificateStoreDir({})).toBe('.cdk8s-certs');
  });
});
