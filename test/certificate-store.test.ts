import * as fs from 'fs';
import * as path from 'path';
import { createCertificate, isIssuedBy, readCertificateFacts } from '../lib/certificate';
import { KeyAlgorithm } from '../lib/key-algorithm';
import { CertificateStoreOptions, defaultCertificateStoreDir, entryFileName, obtainCertificate, rotationRequested } from '../lib/certificate-store';
import { deadPid, tempDir } from './support';

const REQUEST = { commonName: 'web', organization: 'web', dnsNames: ['web', 'web.ns'], validityDays: 90, keyAlgorithm: KeyAlgorithm.ECDSA_P256 };
const DAY = 24 * 3600 * 1000;
/** The module object itself (an `import *` binding cannot be spied on). */
const nodeFs: typeof fs = require('fs');

/** Store options for `directory`, collecting notices instead of printing them. */
function storeOptions(directory: string, extra: Partial<CertificateStoreOptions> = {}) {
  const notices: string[] = [];
  const options: CertificateStoreOptions = {
    directory, usedAs: ['ns', 'web-tls'], requestedBy: 'chart/Web', notify: (m) => notices.push(m), ...extra,
  };
  return { options, notices };
}

function onlyEntry(directory: string): string {
  const entries = fs.readdirSync(directory).filter((name) => name.endsWith('.json'));
  expect(entries).toHaveLength(1);
  return path.join(directory, entries[0]);
}


describe('obtainCertificate', () => {
  test('creates a 0600 entry in a 0700 directory, then returns it unchanged', () => {
    const directory = path.join(tempDir('store'), 'certs');
    const { options } = storeOptions(directory);
    const first = obtainCertificate(REQUEST, options);
    expect(fs.statSync(onlyEntry(directory)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(directory).mode & 0o777).toBe(0o700);
    expect(obtainCertificate(REQUEST, options)).toEqual(first);
    expect(fs.readdirSync(directory)).toHaveLength(1); // no lock or temporary file left
  });

  test('a warm lookup takes the facts recorded with the entry instead of parsing it again; an edited or missing record is checked in full', () => {
    const directory = tempDir('store');
    const { options, notices } = storeOptions(directory);
    const first = obtainCertificate(REQUEST, options);
    const file = onlyEntry(directory);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    const facts = readCertificateFacts(first.certificatePem);
    expect(entry.checked.facts).toEqual(JSON.parse(JSON.stringify(facts)));
    /** Looks the entry up in a fresh copy of the store (no facts remembered in memory); how many certificates it parsed. */
    const freshLookup = (): number => {
      const crypto = require('crypto');
      const { X509Certificate } = crypto;
      const parse = jest.spyOn(crypto, 'X509Certificate').mockImplementation((pem: any) => new X509Certificate(pem));
      try {
        let found;
        jest.isolateModules(() => { found = require('../lib/certificate-store').obtainCertificate(REQUEST, options); });
        expect(found).toEqual(first);
        return parse.mock.calls.length;
      } finally {
        parse.mockRestore();
      }
    };
    expect(freshLookup()).toBe(0);
    const rewrite = (changed: object) => fs.writeFileSync(file, JSON.stringify({ ...entry, ...changed }), { mode: 0o600 });
    rewrite({ checked: { ...entry.checked, facts: { ...entry.checked.facts, notAfter: '2000-01-01T00:00:00.000Z' } } });
    expect(freshLookup()).toBeGreaterThan(0);
    rewrite({ checked: undefined }); // as older versions wrote it
    expect(freshLookup()).toBeGreaterThan(0);
    expect(notices).toEqual([]);
  });

  test('a changed request (SANs, subject, key, lifetime, IPs) gets its own certificate, each stable, announced with what changed', () => {
    const { options, notices } = storeOptions(tempDir('store'));
    const start = new Date('2026-03-01T00:00:00Z').getTime();
    const first = obtainCertificate(REQUEST, { ...options, now: new Date(start) });
    expect(notices).toEqual([]); // a Secret's first certificate is no news
    // Each change on top of the one before, a minute later: the newest other entry differs in that change only.
    const changes: Array<[Partial<typeof REQUEST> & { ipAddresses?: string[] }, string]> = [
      [{ dnsNames: [...REQUEST.dnsNames, 'web.example.com'] }, 'DNS names web, web.ns instead of web, web.example.com, web.ns'],
      [{ commonName: 'api' }, 'subject CN web instead of api'],
      [{ keyAlgorithm: KeyAlgorithm.RSA_2048 }, 'key ECDSA-P256 instead of RSA-2048'],
      [{ validityDays: 30 }, 'lifetime in days 90 instead of 30'],
      [{ ipAddresses: ['10.0.0.7'] }, 'IP addresses (none) instead of 10.0.0.7'],
    ];
    let request: typeof REQUEST & { ipAddresses?: string[] } = REQUEST;
    let previous = first;
    changes.forEach(([change, why], i) => {
      request = { ...request, ...change };
      const at = { ...options, now: new Date(start + (i + 1) * 60_000) };
      const next = obtainCertificate(request, at);
      expect(next.certificatePem).not.toBe(previous.certificatePem);
      expect(obtainCertificate(request, at)).toEqual(next);
      expect(notices[notices.length - 1]).toMatch(new RegExp(`^chart/Web: new certificate for ns/web-tls, valid until \\d{4}-.*: the request changed since `
        + `ns\\.web-tls\\.[0-9a-f]{16}\\.json: ${why.replace(/[.()]/g, '\\$&')}\\. The Secret and the pods' checksum change\\.$`));
      previous = next;
    });
    expect(obtainCertificate(REQUEST, { ...options, now: new Date(start) })).toEqual(first);
    expect(notices).toHaveLength(changes.length);
    for (const notice of notices) expect(notice).not.toContain('PRIVATE KEY');
  });

  test('a leaf signed by a CA is re-issued when the CA is renewed, and its CA key is never stored with it', () => {
    const { options, notices } = storeOptions(tempDir('store'));
    const caRequest = { ...REQUEST, dnsNames: [], validityDays: 3650, isCertificateAuthority: true };
    const ca = createCertificate(caRequest);
    const signed = (authority: typeof ca) => obtainCertificate({ ...REQUEST, issuerCertificatePem: authority.certificatePem }, { ...options, issuerPrivateKeyPem: authority.privateKeyPem });
    const leaf = signed(ca);
    expect(isIssuedBy(leaf.certificatePem, ca.certificatePem)).toBe(true);
    expect(signed(ca)).toEqual(leaf);
    const renewedCa = createCertificate(caRequest);
    const reissued = signed(renewedCa);
    expect(isIssuedBy(reissued.certificatePem, renewedCa.certificatePem)).toBe(true);
    expect(notices[notices.length - 1]).toMatch(/the request changed since .*: its CA was renewed\. /);
    for (const name of fs.readdirSync(options.directory).filter((n) => n.endsWith('.json'))) {
      expect(fs.readFileSync(path.join(options.directory, name), 'utf8')).not.toContain(JSON.stringify(ca.privateKeyPem).slice(1, 80));
    }
  });

  test('SAN order does not force a new certificate', () => {
    const { options } = storeOptions(tempDir('store'));
    const first = obtainCertificate(REQUEST, options);
    expect(obtainCertificate({ ...REQUEST, dnsNames: [...REQUEST.dnsNames].reverse() }, options)).toEqual(first);
  });

  test('renews once less than a third of the lifetime remains, saying why', () => {
    const directory = tempDir('store');
    const issued = new Date('2026-03-01T00:00:00Z');
    const first = obtainCertificate(REQUEST, storeOptions(directory, { now: issued }).options);
    const notAfter = readCertificateFacts(first.certificatePem).notAfter.getTime();
    expect(obtainCertificate(REQUEST, storeOptions(directory, { now: new Date(notAfter - 31 * DAY) }).options)).toEqual(first);
    const { options, notices } = storeOptions(directory, { now: new Date(notAfter - 29 * DAY) });
    expect(obtainCertificate(REQUEST, options).certificatePem).not.toBe(first.certificatePem);
    expect(notices.join()).toMatch(/chart\/Web: replacing certificate store entry .*ns\.web-tls\..*\.json \(ns\/web-tls\): it expires/);
  });

  test('rotation replaces a certificate created before the given moment, once: later requests in the same synth share the new one', () => {
    const directory = tempDir('store');
    const created = new Date('2026-03-01T00:00:00Z');
    const first = obtainCertificate(REQUEST, storeOptions(directory, { now: created }).options);
    const synth = storeOptions(directory, { now: new Date(created.getTime() + 2 * DAY), replaceOlderThan: new Date(created.getTime() + DAY) });
    const rotated = obtainCertificate(REQUEST, synth.options);
    expect(rotated.certificatePem).not.toBe(first.certificatePem);
    expect(synth.notices.join()).toContain('rotation was requested');
    expect(obtainCertificate(REQUEST, synth.options)).toEqual(rotated);
    expect(obtainCertificate(REQUEST, storeOptions(directory, { now: synth.options.now }).options)).toEqual(rotated);
  });
});

describe('store entry names', () => {
  test('construct ids or Secret names that differ only in punctuation or case never share an entry', () => {
    const names = [['ns', 'web_a'], ['ns', 'web a'], ['ns', 'web.a'], ['ns.web', 'a'], ['ns', 'Web_a'], ['ns', 'web-a']]
      .map((usedAs) => entryFileName(usedAs, REQUEST));
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9.%-]+\.[0-9a-f]{16}\.json$/);
  });

  test('are the same for the same Secret and request, whatever the SAN order', () => {
    expect(entryFileName(['default', 'nginxsecret'], REQUEST)).toBe(entryFileName(['default', 'nginxsecret'], { ...REQUEST, dnsNames: ['web.ns', 'web'] }));
    expect(entryFileName(['default', 'nginxsecret'], REQUEST)).toMatch(/^default\.nginxsecret\.[0-9a-f]{16}\.json$/);
  });
});

describe('a damaged, foreign or exposed entry is replaced with a notice naming the entry, the construct and why', () => {
  const cases: Array<[string, (file: string, valid: string) => void, RegExp]> = [
    ['garbage JSON', (file) => fs.writeFileSync(file, '{ not json', { mode: 0o600 }), /not valid JSON/],
    ['a truncated PEM', (file, valid) => {
      const entry = JSON.parse(valid);
      fs.writeFileSync(file, JSON.stringify({ ...entry, certificatePem: entry.certificatePem.slice(0, 300) }), { mode: 0o600 });
    }, /its certificate or key cannot be read/],
    ['a key of another certificate', (file, valid) => {
      const entry = JSON.parse(valid);
      const otherKey = obtainCertificate(REQUEST, storeOptions(tempDir('other')).options).privateKeyPem;
      fs.writeFileSync(file, JSON.stringify({ ...entry, privateKeyPem: otherKey }), { mode: 0o600 });
    }, /private key does not belong to its certificate/],
    ['a certificate for other names', (file, valid) => {
      const other = obtainCertificate({ ...REQUEST, dnsNames: ['evil.example.com'] }, storeOptions(tempDir('other')).options);
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(valid), ...other }), { mode: 0o600 });
    }, /does not match the request: DNS names evil\.example\.com instead of web, web\.ns/],
    ['a mode other users can read', (file) => fs.chmodSync(file, 0o644), /mode 0644 let other users read the private key/],
    ['a symbolic link (planted)', (file) => {
      const victim = path.join(tempDir('victim'), 'victim.json');
      fs.writeFileSync(victim, fs.readFileSync(file));
      fs.rmSync(file);
      fs.symlinkSync(victim, file);
    }, /it is a symbolic link/],
  ];

  test.each(cases)('%s', (_label, damage, why) => {
    const directory = tempDir('store');
    const { options, notices } = storeOptions(directory);
    const first = obtainCertificate(REQUEST, options);
    const file = onlyEntry(directory);
    damage(file, fs.readFileSync(file, 'utf8'));
    const replaced = obtainCertificate(REQUEST, options);
    expect(replaced.certificatePem).not.toBe(first.certificatePem);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`chart/Web: replacing certificate store entry ${file} (ns/web-tls): `);
    expect(notices[0]).toMatch(why);
    expect(notices[0]).toMatch(/The new certificate is valid until \d{4}-/);
    expect(notices[0]).not.toContain('PRIVATE KEY');
    expect(fs.lstatSync(file).isFile()).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(obtainCertificate(REQUEST, options)).toEqual(replaced);
  });
});

describe('the store directory', () => {
  test.each([0o755, 0o777 | 0o1000])('mode %o is tightened to 0700, with a notice', (mode) => {
    const directory = tempDir('store');
    fs.chmodSync(directory, mode);
    const { options, notices } = storeOptions(directory);
    obtainCertificate(REQUEST, options);
    expect(fs.statSync(directory).mode & 0o7777).toBe(0o700);
    expect(notices[0]).toMatch(/had mode (0755|1777), open to other users: it is now 0700/);
  });

  const root = process.getuid?.() === 0;
  (root ? test : test.skip)('owned by someone else is refused, naming the fix (needs root to chown)', () => {
    const directory = tempDir('store');
    fs.chownSync(directory, 12345, 12345);
    expect(() => obtainCertificate(REQUEST, storeOptions(directory).options))
      .toThrow(new RegExp(`certificate store ${directory} belongs to uid 12345, not to you .*certificateStoreDir, or CDK8S_CERT_STORE`));
    expect(fs.readdirSync(directory)).toEqual([]);
  });

  test('a file in its place is refused', () => {
    const file = path.join(tempDir('store'), 'store');
    fs.writeFileSync(file, '');
    expect(() => obtainCertificate(REQUEST, storeOptions(file).options)).toThrow(/EEXIST|is not a directory/);
  });
});

describe('writing an entry', () => {
  test('temporary files are created exclusively (O_EXCL, no symlink followed, 0600) under unpredictable names', () => {
    const directory = tempDir('store');
    const openSync = jest.spyOn(nodeFs, 'openSync');
    try {
      obtainCertificate(REQUEST, storeOptions(directory).options);
      const temporary = openSync.mock.calls.find(([file]) => String(file).endsWith('.tmp'))!;
      const flags = Number(temporary[1]);
      expect(path.basename(String(temporary[0]))).toMatch(new RegExp(`^\\..*\\.${process.pid}\\.[0-9a-f]{16}\\.tmp$`));
      expect(flags & fs.constants.O_EXCL).toBe(fs.constants.O_EXCL);
      expect(flags & fs.constants.O_NOFOLLOW).toBe(fs.constants.O_NOFOLLOW);
      expect(temporary[2]).toBe(0o600);
    } finally {
      openSync.mockRestore();
    }
  });

  test('when the entry path is a folder (EISDIR), the error names entry and construct, and no key is left behind', () => {
    const directory = tempDir('store');
    const { options } = storeOptions(directory);
    const entry = path.join(directory, entryFileName(options.usedAs, REQUEST));
    fs.mkdirSync(path.join(entry, 'inside'), { recursive: true });
    expect(() => obtainCertificate(REQUEST, options)).toThrow(new RegExp(`chart/Web: cannot write certificate store entry ${entry} \\((EISDIR|ENOTEMPTY)\\)`));
    expect(fs.readdirSync(directory)).toEqual([path.basename(entry)]);
  });

  test('when the disk is full (ENOSPC), the temporary file with the key is removed', () => {
    const directory = tempDir('store');
    // The disk fills up while the key is written out (reported at fsync at the latest).
    const fsyncSync = jest.spyOn(nodeFs, 'fsyncSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, fsync'), { code: 'ENOSPC' });
    });
    try {
      expect(() => obtainCertificate(REQUEST, storeOptions(directory).options)).toThrow(/cannot write certificate store entry .* \(ENOSPC\): free disk space/);
    } finally {
      fsyncSync.mockRestore();
    }
    expect(fs.readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  test('temporary files and the lock left by a killed writer are cleaned up by the next one', () => {
    const directory = tempDir('store');
    const pid = deadPid();
    const abandoned = path.join(directory, `.x.json.${pid}.0123456789abcdef.tmp`);
    fs.writeFileSync(abandoned, 'key material', { mode: 0o600 });
    fs.writeFileSync(path.join(directory, '.lock'), `${pid} ${require('os').hostname()} 0 feedface\n`, { mode: 0o600 });
    obtainCertificate(REQUEST, storeOptions(directory).options);
    expect(fs.readdirSync(directory).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});

describe('environment switches', () => {
  test('CDK8S_ROTATE_CERTS: everything, or the listed Secrets, construct paths and CAs; CDK8S_CERT_STORE', () => {
    expect(rotationRequested([], { CDK8S_ROTATE_CERTS: '1' })).toBe(true);
    expect(rotationRequested(['default/web-tls'], {})).toBe(false);
    expect(rotationRequested(['default/web-tls', 'app/Web'], { CDK8S_ROTATE_CERTS: 'other/x, app/Web' })).toBe(true);
    expect(rotationRequested(['default/web-tls', 'app/Web'], { CDK8S_ROTATE_CERTS: 'app/We' })).toBe(false);
    expect(defaultCertificateStoreDir({ CDK8S_CERT_STORE: '/x' })).toBe('/x');
    expect(defaultCertificateStoreDir({})).toBe('.cdk8s-certs');
  });
});
