import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  CertificateKeyPair,
  CertificateRequest,
  certificateMismatches,
  CertificateFacts,
  createCertificate,
  factsFromJson,
  factsToJson,
  isIssuedBy,
  keyMatchesCertificate,
  readCertificateFacts,
  rememberCertificateFacts,
} from './certificate';
import { processIsAlive, withFileLock } from './file-lock';

/** Where generated key material lives between synths unless told otherwise (git-ignored). */
export const DEFAULT_CERTIFICATE_STORE_DIR = '.cdk8s-certs';
/**
 * Set to `1` to replace every stored certificate on the next synth, or to a comma-separated list of
 * Secrets (`namespace/name`), construct paths or CAs (`ca/<name>`) to replace only those.
 */
export const ROTATE_CERTIFICATES_ENV = 'CDK8S_ROTATE_CERTS';
/** Overrides the store directory for every construct that does not set one. */
export const CERTIFICATE_STORE_DIR_ENV = 'CDK8S_CERT_STORE';

/** Held while an entry is looked up again and generated, so concurrent synths agree on one certificate. */
const LOCK_FILE = '.lock';
/** No entry is this large; a bigger file is not read into memory. */
const MAX_ENTRY_BYTES = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/** How a certificate is looked up and kept. */
export interface CertificateStoreOptions {
  /** Directory holding one 0600 file per certificate; created 0700, and refused unless it is yours. */
  readonly directory: string;
  /**
   * What the cluster knows the certificate as, e.g. `['default', 'nginxsecret']` (namespace, Secret
   * name). The entry is named after it and a digest of it and the request, so every output that
   * emits the same Secret with the same request gets the same certificate, and different ones never
   * share an entry.
   */
  readonly usedAs: readonly string[];
  /** Who asks (a construct path), for messages. */
  readonly requestedBy: string;
  /**
   * Replace a stored certificate created before this moment (rotation). Pass the same moment
   * (e.g. when the synth process started) for every request in one synth, so outputs that share an
   * entry share the new certificate too.
   * @default stored certificates are kept while they fit
   */
  readonly replaceOlderThan?: Date;
  /** @default the current time */
  readonly now?: Date;
  /** The private key of the CA named by `request.issuerCertificatePem`, to sign with. Never stored in the entry. */
  readonly issuerPrivateKeyPem?: string;
  /** Where notices about replaced entries go. @default console.error (stderr) */
  readonly notify?: (message: string) => void;
}

/** More generated certificates than this in one process are announced on stderr as they come. */
export const QUIET_CERTIFICATE_COUNT = 4;

/** Certificates this process took from the store, or generated; process-wide like the store itself. */
const tally = { generated: 0, reused: 0 };

/** How many certificates this process reused from the store and generated so far. */
export function certificateTally(): { readonly generated: number; readonly reused: number } {
  return { ...tally };
}

/** What a store entry file holds. */
interface StoredEntry extends CertificateKeyPair {
  readonly createdAt: string;
  readonly usedAs: readonly string[];
  readonly request: CertificateRequest;
  /**
   * The certificate's facts as read when the entry was written, with a digest binding them to the
   * certificate, the key (which matched it) and the signing CA: a warm synth takes them instead of
   * parsing the certificate and matching the key again (~0.5 ms an entry). Entries without it, or
   * whose digest does not match (damage, another version), are checked in full.
   */
  readonly checked?: { readonly digest: string; readonly facts: Record<string, unknown> };
}

/** Changes when what `checked` means changes, so older records are checked in full again. */
const CHECKED_FORMAT = 1;

/** A stored pair that can be used, or why it cannot (undefined: there is none). */
type Inspection = { pair: CertificateKeyPair; problem?: undefined } | { pair?: undefined; problem?: string };

/** The store directory a construct uses when its props name none. */
export function defaultCertificateStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[CERTIFICATE_STORE_DIR_ENV] || DEFAULT_CERTIFICATE_STORE_DIR;
}

/**
 * True when the environment asks to rotate every certificate, or one known by any of `names`
 * (its Secret as `namespace/name`, its construct path, `ca/<name>` for a CA).
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
 *
 * A fitting entry is read without locking (entries are replaced by rename, never rewritten in
 * place). Otherwise the store lock is taken and the entry looked at again: whoever comes first
 * generates, the others read what it wrote. Every certificate that replaces another is announced
 * through `notify`: for which Secret, why (a damaged, foreign, exposed, expiring or rotated entry, or
 * what changed in the request), and until when it is valid. A Secret's first certificate is not.
 */
export function obtainCertificate(request: CertificateRequest, options: CertificateStoreOptions): CertificateKeyPair {
  const notify = options.notify ?? console.error;
  const directory = openPrivateDirectory(options.directory, notify);
  const file = path.join(directory, entryFileName(options.usedAs, request));
  const now = options.now ?? new Date();
  const quick = inspectEntry(file, request, options, now);
  if (quick.pair) return reused(quick.pair);
  return withFileLock(path.join(directory, LOCK_FILE), { purpose: `the certificate store ${directory}`, notify }, () => {
    const current = inspectEntry(file, request, options, now);
    if (current.pair) return reused(current.pair);
    removeAbandonedTemporaries(directory);
    const created = createCertificate(request, now, options.issuerPrivateKeyPem);
    announceGenerated();
    const facts = readCertificateFacts(created.certificatePem);
    const factsJson = factsToJson(facts);
    const checked = { digest: checkedDigest(created, request, factsJson), facts: factsJson };
    writeEntry(file, { ...created, createdAt: now.toISOString(), usedAs: options.usedAs, request, checked }, options.requestedBy);
    const validUntil = facts.notAfter.toISOString();
    const changed = current.problem ? undefined : requestChange(directory, file, options.usedAs, request);
    if (current.problem) {
      notify(`${options.requestedBy}: replacing certificate store entry ${file} (${options.usedAs.join('/')}): ${current.problem}. `
        + `The new certificate is valid until ${validUntil}; the Secret and the pods' checksum change.`);
    } else if (changed) {
      notify(`${options.requestedBy}: new certificate for ${options.usedAs.join('/')}, valid until ${validUntil}, in ${file}: ${changed}. `
        + 'The Secret and the pods\' checksum change.');
    }
    return created;
  });
}

function reused(pair: CertificateKeyPair): CertificateKeyPair {
  tally.reused++;
  return pair;
}

/** Progress of a cold synth of many apps: `generating certificates 37 (12 reused)`, from the 5th and then every 10th. */
function announceGenerated(): void {
  tally.generated++;
  if (tally.generated === QUIET_CERTIFICATE_COUNT + 1 || (tally.generated > QUIET_CERTIFICATE_COUNT && tally.generated % 10 === 0)) {
    process.stderr.write(`generating certificates ${tally.generated} (${tally.reused} reused)\n`);
  }
}

/**
 * `<readable key>.<digest>.json`: the digest (of the key and the request) makes names collision-free;
 * the readable part, percent-encoded to `[a-z0-9-%]` and joined with dots, says whose it is, and
 * stays distinct on case-insensitive file systems.
 */
export function entryFileName(usedAs: readonly string[], request: CertificateRequest): string {
  const digest = createHash('sha256').update(canonicalJson({ usedAs, request })).digest('hex').slice(0, 16);
  const readable = usedAs.map((part) => [...Buffer.from(part, 'utf8')]
    .map((byte) => (/[a-z0-9-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`))
    .join('')).join('.');
  return `${readable.slice(0, 150)}.${digest}.json`;
}

/** JSON with object keys sorted and lists of strings sorted (they are sets, see CertificateRequest). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map(canonicalJson);
    return `[${value.every((item) => typeof item === 'string') ? items.sort().join(',') : items.join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, field]) => field !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Creates the store directory 0700, or checks an existing one: it must be yours (whoever owns it
 * can read and replace keys); too open a mode is tightened to 0700, with a notice.
 */
function openPrivateDirectory(directory: string, notify: (message: string) => void): string {
  // Every certificate looks the directory up: a stat is enough once it exists.
  let stats = fs.statSync(directory, { throwIfNoEntry: false });
  if (!stats) {
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    stats = fs.statSync(directory);
  }
  const fix = `use a directory of your own (certificateStoreDir, or ${CERTIFICATE_STORE_DIR_ENV}=/path)`;
  if (!stats.isDirectory()) throw new Error(`The certificate store ${directory} is not a directory: ${fix}`);
  const uid = process.getuid?.();
  if (uid === undefined) return directory; // Windows: no POSIX owners or modes
  if (stats.uid !== uid) {
    throw new Error(`The certificate store ${directory} belongs to uid ${stats.uid}, not to you (uid ${uid}): its owner could read or replace your private keys; ${fix}`);
  }
  if (stats.mode & 0o077) {
    fs.chmodSync(directory, 0o700);
    notify(`The certificate store ${directory} had mode ${octal(stats.mode)}, open to other users: it is now 0700. Entries others could have read or planted are replaced.`);
  }
  return directory;
}

function inspectEntry(file: string, request: CertificateRequest, options: CertificateStoreOptions, now: Date): Inspection {
  const read = readEntryFile(file);
  if (read.text === undefined) return { problem: read.problem };
  let entry: Partial<StoredEntry>;
  try {
    entry = JSON.parse(read.text);
  } catch {
    return { problem: 'it is not valid JSON (damaged or truncated)' };
  }
  if (typeof entry?.certificatePem !== 'string' || typeof entry.privateKeyPem !== 'string') {
    return { problem: 'it has no certificatePem and privateKeyPem' };
  }
  const pair = { certificatePem: entry.certificatePem, privateKeyPem: entry.privateKeyPem };
  let facts = factsCheckedAtWrite(entry, pair, request);
  if (facts) {
    rememberCertificateFacts(pair.certificatePem, facts);
  } else {
    try {
      facts = readCertificateFacts(pair.certificatePem);
      if (!keyMatchesCertificate(pair)) return { problem: 'its private key does not belong to its certificate' };
    } catch (error) {
      return { problem: `its certificate or key cannot be read (${(error as Error).message})` };
    }
    if (request.issuerCertificatePem && !isIssuedBy(pair.certificatePem, request.issuerCertificatePem)) {
      return { problem: 'its certificate is not signed by the requested CA' };
    }
  }
  const mismatches = certificateMismatches(facts, request);
  if (mismatches.length) return { problem: `its certificate does not match the request: ${mismatches.join('; ')}` };
  const createdAt = Date.parse(entry.createdAt ?? '');
  if (options.replaceOlderThan && !(createdAt >= options.replaceOlderThan.getTime())) return { problem: 'rotation was requested' };
  const lifetimeMs = facts.notAfter.getTime() - facts.notBefore.getTime();
  if (facts.notAfter.getTime() - now.getTime() <= lifetimeMs / 3) {
    return { problem: `it expires ${facts.notAfter.toISOString()}, within the last third of its ${Math.round(lifetimeMs / DAY_MS)}-day lifetime` };
  }
  return { pair };
}

/** The entry's recorded facts, if its digest shows they were read from this very certificate, key and CA. */
function factsCheckedAtWrite(entry: Partial<StoredEntry>, pair: CertificateKeyPair, request: CertificateRequest): CertificateFacts | undefined {
  const checked = entry.checked;
  if (typeof checked?.digest !== 'string' || typeof checked.facts !== 'object' || checked.facts === null) return undefined;
  return checked.digest === checkedDigest(pair, request, checked.facts) ? factsFromJson(checked.facts) : undefined;
}

function checkedDigest(pair: CertificateKeyPair, request: CertificateRequest, facts: Record<string, unknown>): string {
  const bound = [CHECKED_FORMAT, pair.certificatePem, pair.privateKeyPem, request.issuerCertificatePem ?? null, facts];
  return createHash('sha256').update(JSON.stringify(bound)).digest('hex');
}

/**
 * What changed since the Secret's previous certificate, when it had one: the request is part of the
 * entry's name, so a changed request (new SANs, key, CA, lifetime) finds no entry. The newest other
 * entry for the same Secret says what changed.
 */
function requestChange(directory: string, file: string, usedAs: readonly string[], request: CertificateRequest): string | undefined {
  const prefix = path.basename(file).replace(/[^.]+\.json$/, '');
  const previous = fs.readdirSync(directory)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json') && path.join(directory, name) !== file)
    .map((name) => ({ name, read: readEntryFile(path.join(directory, name)) }))
    .flatMap(({ name, read }) => {
      try {
        const entry = JSON.parse(read.text ?? '') as StoredEntry;
        return entry.usedAs?.join('/') === usedAs.join('/') && typeof entry.certificatePem === 'string' ? [{ name, entry }] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => (a.entry.createdAt < b.entry.createdAt ? 1 : -1))[0];
  if (!previous) return undefined;
  const changes = certificateMismatches(readCertificateFacts(previous.entry.certificatePem), request);
  // Same facts under another digest: a new CA signs it, or an older version of this library wrote the entry.
  const unseen = request.issuerCertificatePem ? 'its CA was renewed' : 'the entry was written by another version of this library';
  return `the request changed since ${previous.name}: ${changes.join('; ') || unseen}`;
}

/** The entry's text if it is a private regular file of ours; else why not (no problem: there is none). */
function readEntryFile(file: string): { text?: string; problem?: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    return { problem: code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be opened (${code})` };
  }
  try {
    const stats = fs.fstatSync(fd);
    const uid = process.getuid?.();
    if (!stats.isFile()) return { problem: 'it is not a regular file' };
    if (uid !== undefined && stats.uid !== uid) return { problem: `it belongs to uid ${stats.uid}, not to you` };
    if (uid !== undefined && stats.mode & 0o077) return { problem: `its mode ${octal(stats.mode)} let other users read the private key` };
    if (stats.size > MAX_ENTRY_BYTES) return { problem: `it is ${stats.size} bytes, far more than an entry holds` };
    return { text: fs.readFileSync(fd, 'utf8') };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a temporary file only we can have created (O_EXCL, unpredictable name, no symlink
 * followed, 0600), syncs it, then renames it over the entry: readers see the old or the new entry,
 * never half of one. On any failure the temporary file, which holds the key, is removed.
 */
function writeEntry(file: string, entry: StoredEntry, requestedBy: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(entry, null, 2) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`${requestedBy}: cannot write certificate store entry ${file} (${code}): free disk space or remove what is at that path, then synthesize again`);
  }
}

/** Temporary files of writers that died (kill -9) hold keys: remove them (called under the lock). */
function removeAbandonedTemporaries(directory: string): void {
  for (const name of fs.readdirSync(directory)) {
    const match = /\.(\d+)\.[0-9a-f]{16}\.tmp$/.exec(name);
    if (match && name.startsWith('.') && Number(match[1]) !== process.pid && !processIsAlive(Number(match[1]))) {
      fs.rmSync(path.join(directory, name), { force: true });
    }
  }
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
