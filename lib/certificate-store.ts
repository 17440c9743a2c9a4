import * as fs from 'fs';
import * as path from 'path';
import {
  CertificateKeyPair,
  CertificateRequest,
  createSelfSignedCertificate,
  keyMatchesCertificate,
  readCertificateFacts,
} from './certificate';

/** Where generated key material lives between synths unless told otherwise (git-ignored). */
export const DEFAULT_CERTIFICATE_STORE_DIR = '.cdk8s-certs';
/** Set to `1` to replace every stored certificate on the next synth. */
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
}

/** The store directory a construct uses when its props name none. */
export function defaultCertificateStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[CERTIFICATE_STORE_DIR_ENV] || DEFAULT_CERTIFICATE_STORE_DIR;
}

/** True when the environment asks for every certificate to be rotated. */
export function rotationRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ROTATE_CERTIFICATES_ENV] === '1' || env[ROTATE_CERTIFICATES_ENV] === 'true';
}

/**
 * Returns the stored certificate for `request` when it still fits, else creates, stores and returns
 * a new one. Reuse is what makes re-synths byte-identical and keeps `kubectl apply` quiet.
 */
export function obtainCertificate(request: CertificateRequest, options: CertificateStoreOptions): CertificateKeyPair {
  const file = path.join(options.directory, `${options.entryName}.json`);
  const now = options.now ?? new Date();
  if (!options.rotate) {
    const stored = readStoredPair(file);
    if (stored && storedPairFits(stored, request, now)) {
      return stored;
    }
  }
  const created = createSelfSignedCertificate(request, now);
  writeStoredPair(file, created);
  return created;
}

/**
 * A stored pair fits while subject, SANs, key size and lifetime match the request and more than a
 * third of its lifetime remains (cert-manager's default renewal point).
 */
export function storedPairFits(pair: CertificateKeyPair, request: CertificateRequest, now: Date): boolean {
  const facts = readCertificateFacts(pair.certificatePem);
  const lifetimeMs = facts.notAfter.getTime() - facts.notBefore.getTime();
  const requestedLifetimeMs = request.validityDays * 24 * 60 * 60 * 1000;
  return facts.commonName === request.commonName
    && facts.organization === request.organization
    && sameMembers(facts.dnsNames, request.dnsNames)
    && facts.keySize === request.keySize
    && lifetimeMs === requestedLifetimeMs
    && facts.notAfter.getTime() - now.getTime() > lifetimeMs / 3
    && keyMatchesCertificate(pair);
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

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((value, i) => value === right[i]);
}
