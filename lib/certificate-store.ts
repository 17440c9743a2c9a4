import * as fs from 'fs';
import * as path from 'path';
import {
  CertificateKeyPair,
  CertificateRequest,
  createCertificate,
  DAY_MS,
  isIssuedBy,
  keyMatchesCertificate,
  readCertificateFacts,
} from './certificate';

/** Where generated key material lives between synths unless told otherwise (git-ignored). */
export const DEFAULT_CERTIFICATE_STORE_DIR = '.cdk8s-certs';
/**
 * Set to `1` to replace every stored certificate on the next synth, or to a comma-separated list of
 * Secrets (`namespace/name`), construct paths or CA names to replace only those.
 */
export const ROTATE_CERTIFICATES_ENV = 'CDK8S_ROTATE_CERTS';
/** Overrides the store directory for every construct that does not set one. */
export const CERTIFICATE_STORE_DIR_ENV = 'CDK8S_CERT_STORE';

/** How a certificate is looked up and kept. */
export interface CertificateStoreOptions {
  /** Directory holding one file per certificate, mode 0600. */
  readonly directory: string;
  /** File name stem, unique per certificate (e.g. `default.nginxsecret`). */
  readonly entryName: string;
  /** Generate a new certificate even if the stored one still fits. */
  readonly rotate?: boolean;
  readonly now?: Date;
  /** What the certificate is for, in messages (e.g. `Secret default/nginxsecret`). */
  readonly label?: string;
  /** Where new certificates are announced (never with key material). */
  readonly announce?: (message: string) => void;
}

/** The store directory a construct uses when its props name none. */
export function defaultCertificateStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[CERTIFICATE_STORE_DIR_ENV] || DEFAULT_CERTIFICATE_STORE_DIR;
}

/**
 * True when the environment asks to rotate every certificate, or one known by any of `names`
 * (its Secret as `namespace/name`, its construct path, a CA's name).
 */
export function rotationRequested(names: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[ROTATE_CERTIFICATES_ENV]?.trim();
  if (!value) return false;
  if (value === '1' || value === 'true') return true;
  const asked = value.split(',').map((name) => name.trim());
  return names.some((name) => asked.includes(name));
}

/**
 * Returns the stored certificate for `request` when it still fits, else creates, stores and returns
 * a new one. Reuse is what makes re-synths byte-identical and keeps `kubectl apply` quiet.
 */
export function obtainCertificate(request: CertificateRequest, options: CertificateStoreOptions): CertificateKeyPair {
  const file = path.join(options.directory, `${options.entryName}.json`);
  const now = options.now ?? new Date();
  const stored = readStoredPair(file);
  const reason = options.rotate ? 'rotation was asked for' : stored ? renewalReason(stored, request, now) : 'none was stored yet';
  if (stored && !reason) return stored;
  const created = createCertificate(request, now);
  writeStoredPair(file, created);
  const notAfter = readCertificateFacts(created.certificatePem).notAfter.toISOString();
  const announce = options.announce ?? ((message: string) => process.stderr.write(`${message}\n`));
  announce(`${stored ? 'Renewed' : 'Generated'} the certificate of ${options.label ?? options.entryName} (${reason}); valid until ${notAfter}`);
  return created;
}

/** True while the stored pair can be served for `request` (see {@link renewalReason}). */
export function storedPairFits(pair: CertificateKeyPair, request: CertificateRequest, now: Date): boolean {
  return renewalReason(pair, request, now) === undefined;
}

/**
 * Why a stored pair must be replaced, or undefined while subject, SANs, key, issuer and lifetime
 * match the request and more than a third of its lifetime remains (cert-manager's default renewal point).
 */
export function renewalReason(pair: CertificateKeyPair, request: CertificateRequest, now: Date): string | undefined {
  const facts = readCertificateFacts(pair.certificatePem);
  const lifetimeMs = facts.notAfter.getTime() - facts.notBefore.getTime();
  const dnsNames = request.isCertificateAuthority ? [] : request.dnsNames;
  if (facts.commonName !== request.commonName || facts.organization !== request.organization) {
    return `its subject ${facts.subject} is not CN=${request.commonName}, O=${request.organization}`;
  }
  if (!sameMembers(facts.dnsNames, dnsNames)) return `its DNS names changed (${describeChange(facts.dnsNames, dnsNames)})`;
  if (facts.keyAlgorithm !== request.keyAlgorithm) return `its key is ${facts.keyDescription}, not ${request.keyAlgorithm}`;
  if (facts.isCertificateAuthority !== (request.isCertificateAuthority ?? false)) return 'its CA flag changed';
  if (request.issuer ? !isIssuedBy(pair.certificatePem, request.issuer.certificatePem) : !facts.selfSigned) {
    return request.issuer ? 'its CA changed' : 'it is no longer to be signed by a CA';
  }
  if (lifetimeMs !== request.validityDays * DAY_MS) return `its lifetime is ${lifetimeMs / DAY_MS} days, not ${request.validityDays}`;
  if (facts.notAfter.getTime() - now.getTime() <= lifetimeMs / 3) {
    return `it expires ${facts.notAfter.toISOString()}, within the last third of its lifetime`;
  }
  if (!keyMatchesCertificate(pair)) return 'the stored key does not belong to the certificate';
  return undefined;
}

function readStoredPair(file: string): CertificateKeyPair | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed.certificatePem === 'string' && typeof parsed.privateKeyPem === 'string') {
      return { certificatePem: parsed.certificatePem, privateKeyPem: parsed.privateKeyPem };
    }
  } catch {
    // A damaged entry is replaced, like an expired one.
  }
  return undefined;
}

function writeStoredPair(file: string, pair: CertificateKeyPair): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Write then rename, so a concurrent synth never reads half a key.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(pair, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(temporary, file);
}

function describeChange(before: readonly string[], after: readonly string[]): string {
  const added = after.filter((name) => !before.includes(name));
  const removed = before.filter((name) => !after.includes(name));
  return [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((value, i) => value === right[i]);
}
