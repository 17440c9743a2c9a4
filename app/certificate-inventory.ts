/**
 * Every certificate in a certificate store and in synthesized manifests, with the facts people check
 * (subject, SANs, issuer, key, expiry, fingerprint) and never a key. Pure apart from reading files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CertificateFacts, readCertificateFacts } from '../lib';
import type { ManifestDocument } from '../validator/src';

/** One certificate and where it was found. */
export interface InventoryEntry {
  /** e.g. `.cdk8s-certs/ca.shop-ca.json` or `dist/tutorial.k8s.yaml: Secret default/nginxsecret tls.crt`. */
  readonly location: string;
  readonly facts: CertificateFacts;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The certificates of a store directory: one `*.json` entry each; its key is not read into the result. */
export function certificatesInStore(directory: string): InventoryEntry[] {
  return fs.readdirSync(directory).filter((name) => name.endsWith('.json')).sort().flatMap((name) => {
    const file = path.join(directory, name);
    let certificatePem: unknown;
    try {
      certificatePem = JSON.parse(fs.readFileSync(file, 'utf8')).certificatePem;
    } catch {
      return [];
    }
    return typeof certificatePem === 'string' ? pemCertificates(certificatePem, file) : [];
  });
}

/** The certificates in Secrets (any key ending in `.crt`) and ConfigMaps (CA bundles) of the manifests. */
export function certificatesInManifests(docs: readonly ManifestDocument[]): InventoryEntry[] {
  return docs.flatMap((doc) => {
    const { kind, metadata } = doc.object ?? {};
    if (kind !== 'Secret' && kind !== 'ConfigMap') return [];
    const values: Record<string, string> = kind === 'Secret'
      ? Object.fromEntries(Object.entries<string>(doc.object.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]))
      : { ...doc.object.data };
    Object.assign(values, doc.object.stringData ?? {});
    return Object.entries(values)
      .filter(([key, value]) => key.endsWith('.crt') && typeof value === 'string')
      .flatMap(([key, value]) => pemCertificates(value, `${doc.file}: ${kind} ${metadata?.namespace ?? 'default'}/${metadata?.name} ${key}`));
  });
}

/** The entries that expire within `days` of `now` (or have expired). */
export function expiringWithin(entries: readonly InventoryEntry[], now: Date, days: number): InventoryEntry[] {
  return entries.filter((entry) => entry.facts.notAfter.getTime() - now.getTime() <= days * DAY_MS);
}

/** The listing `npm run certs` prints. */
export function renderInventory(entries: readonly InventoryEntry[], now: Date): string {
  return entries.map(({ location, facts }) => {
    const daysLeft = Math.floor((facts.notAfter.getTime() - now.getTime()) / DAY_MS);
    const rows: Array<[string, string]> = [
      ['subject', facts.subject],
      ['SANs', facts.dnsNames.join(', ') || '-'],
      ['issuer', facts.selfSigned ? `${facts.issuer} (self-signed)` : facts.issuer],
      ['key', `${facts.keyDescription}${facts.isCertificateAuthority ? ', CA' : ''}`],
      ['expires', `${facts.notAfter.toISOString()} (${daysLeft < 0 ? `expired ${-daysLeft} days ago` : `in ${daysLeft} days`})`],
      ['sha256', facts.fingerprintSha256],
    ];
    return [location, ...rows.map(([name, value]) => `  ${name.padEnd(9)}${value}`)].join('\n');
  }).join('\n\n');
}

function pemCertificates(text: string, location: string): InventoryEntry[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  return blocks.flatMap((pem, i) => {
    try {
      return [{ location: blocks.length > 1 ? `${location} [${i + 1}]` : location, facts: readCertificateFacts(pem) }];
    } catch {
      return [];
    }
  });
}
