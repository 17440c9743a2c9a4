import { createPrivateKey, randomBytes, X509Certificate } from 'crypto';
import { isIP } from 'net';
import { describeKey, isSigningOnlyKey, KeyAlgorithm, keyAlgorithmOf } from './key-algorithm';
import { takeKeyPair } from './key-pool';
import { publicKeyOfCertificate, publicKeyOfPrivateKey, writeCertificate } from './x509';

/** RSA key sizes clients accept and a synth can afford (16384 bits takes minutes to generate). */
export const RSA_KEY_SIZES: readonly number[] = [2048, 3072, 4096];
/**
 * The longest lifetime clients accept for a TLS server certificate: Apple's platforms refuse
 * longer ones whatever the issuer, and past year 9999 the notAfter field cannot be encoded at all.
 */
export const MAX_VALIDITY_DAYS = 825;
/** The longest lifetime of a CA certificate made here (CAs are not bound by the 825-day rule). */
export const MAX_CA_VALIDITY_DAYS = 36500;

/**
 * What a generated certificate must say. List fields are sets: their order never matters (not for
 * reuse, not for the store key). Nothing secret goes in: the store keeps the request beside the entry.
 */
export interface CertificateRequest {
  /** Subject common name (the tutorial uses the Service name, `my-nginx`). */
  readonly commonName: string;
  /** Subject organization (the tutorial repeats the Service name). */
  readonly organization: string;
  /** DNS names for subjectAltName; modern clients ignore the CN and match only these. Empty for a CA. */
  readonly dnsNames: readonly string[];
  /** IP addresses for subjectAltName (clients match an IP only against IP entries). */
  readonly ipAddresses?: readonly string[];
  /** Lifetime in days, counted from `notBefore`. */
  readonly validityDays: number;
  /** Key type and size. */
  readonly keyAlgorithm: KeyAlgorithm;
  /** A CA certificate (`CA:TRUE`, keyCertSign) instead of a serving leaf. */
  readonly isCertificateAuthority?: boolean;
  /** The certificate (PEM) of the CA that signs it; without one it signs itself. Its key is passed on its own. */
  readonly issuerCertificatePem?: string;
}

/** A certificate and its private key, both PEM with LF line ends. */
export interface CertificateKeyPair {
  readonly certificatePem: string;
  /** PKCS#8 PEM. Never log or print it. */
  readonly privateKeyPem: string;
}

/** The facts of a certificate: what decides reuse, and what `npm run certs` lists. */
export interface CertificateFacts {
  /** Subject common name (CN), if any. */
  readonly commonName?: string;
  /** Subject organization (O), if any. */
  readonly organization?: string;
  /** `CN=..., O=...` */
  readonly subject: string;
  /** The issuer's name, `CN=..., O=...` (the subject again when self-signed). */
  readonly issuer: string;
  /** subjectAltName DNS names. */
  readonly dnsNames: string[];
  /** subjectAltName IP addresses, in canonical form (`fd00::1`, not `FD00:0:0:0:0:0:0:1`). */
  readonly ipAddresses: string[];
  /** The key, when it is one we generate; see {@link keyDescription} for any key. */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** `RSA 2048`, `ECDSA P-256`, ... */
  readonly keyDescription: string;
  /** basicConstraints CA:TRUE. */
  readonly isCertificateAuthority: boolean;
  /** True when the certificate is signed by its own key under its own name. */
  readonly selfSigned: boolean;
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity (expiry). */
  readonly notAfter: Date;
  /** Serial number, lower-case hex. */
  readonly serialNumberHex: string;
  /** SHA-256 of the DER, `AA:BB:...`, as `openssl x509 -fingerprint -sha256` prints it. */
  readonly fingerprintSha256: string;
}

/** Backdating absorbs clock skew between the synth machine and the cluster's clients. */
const NOT_BEFORE_BACKDATE_MS = 5 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a serving certificate (SHA-256 or ECDSA, positive serial, SANs, serverAuth, CA:FALSE) or a
 * CA certificate, self-signed or signed by the CA of `request.issuerCertificatePem`, whose key is
 * `issuerPrivateKeyPem`. Keys come from Node's native crypto, RSA ones from all cores (see takeKeyPair).
 */
export function createCertificate(request: CertificateRequest, now: Date = new Date(), issuerPrivateKeyPem?: string): CertificateKeyPair {
  const maxDays = request.isCertificateAuthority ? MAX_CA_VALIDITY_DAYS : MAX_VALIDITY_DAYS;
  if (!(Number.isInteger(request.validityDays) && request.validityDays >= 1 && request.validityDays <= maxDays)) {
    throw new Error(`validityDays ${request.validityDays} is not an integer from 1 to ${maxDays}`);
  }
  if ((request.issuerCertificatePem === undefined) !== (issuerPrivateKeyPem === undefined)) {
    throw new Error('a CA-signed certificate needs both the CA certificate and its private key');
  }
  const keys = takeKeyPair(request.keyAlgorithm);
  // Whole seconds: X.509 times have no fractions, and the lifetime must read back exactly.
  const notBefore = new Date(Math.floor((now.getTime() - NOT_BEFORE_BACKDATE_MS) / 1000) * 1000);
  const leaf = !request.isCertificateAuthority;
  const certificatePem = writeCertificate({
    subject: { commonName: request.commonName, organization: request.organization },
    serialNumber: Buffer.from(positiveSerialNumberHex(), 'hex'),
    notBefore,
    notAfter: new Date(notBefore.getTime() + request.validityDays * DAY_MS),
    publicKey: keys.publicKey,
    dnsNames: leaf ? request.dnsNames : [],
    ipAddresses: leaf ? request.ipAddresses ?? [] : [],
    isCertificateAuthority: !leaf,
    keyEncipherment: !isSigningOnlyKey(request.keyAlgorithm),
  }, issuerPrivateKeyPem
    ? { privateKey: createPrivateKey(issuerPrivateKeyPem), certificatePem: request.issuerCertificatePem }
    : { privateKey: keys.privateKey });
  return { certificatePem, privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** Reads back the facts of a PEM certificate (Node's own X.509 parser: fast, and independent of the writer). */
export function readCertificateFacts(certificatePem: string): CertificateFacts {
  let facts = factsByPem.get(certificatePem);
  if (!facts) {
    facts = parseCertificateFacts(certificatePem);
    rememberCertificateFacts(certificatePem, facts);
  }
  return copyOfFacts(facts);
}

/**
 * Lets {@link readCertificateFacts} answer for `certificatePem` without parsing it: for facts read
 * from it before, e.g. by the process that stored it.
 */
export function rememberCertificateFacts(certificatePem: string, facts: CertificateFacts): void {
  if (factsByPem.size >= MAX_REMEMBERED_CERTIFICATES) factsByPem.clear();
  factsByPem.set(certificatePem, copyOfFacts(facts));
}

/** Facts as JSON: the dates as ISO strings. */
export function factsToJson(facts: CertificateFacts): Record<string, unknown> {
  return { ...facts, notBefore: facts.notBefore.toISOString(), notAfter: facts.notAfter.toISOString() };
}

/** The facts {@link factsToJson} wrote. */
export function factsFromJson(json: Record<string, any>): CertificateFacts {
  return copyOfFacts({ ...json, notBefore: new Date(json.notBefore), notAfter: new Date(json.notAfter) } as CertificateFacts);
}

/** A copy: callers own what they get (its lists and dates are mutable). */
function copyOfFacts(facts: CertificateFacts): CertificateFacts {
  return {
    ...facts, dnsNames: [...facts.dnsNames], ipAddresses: [...facts.ipAddresses], notBefore: new Date(facts.notBefore), notAfter: new Date(facts.notAfter),
  };
}

/**
 * Facts of certificates read before: a synth reads each one several times (store check, SAN checks
 * of endpoints and clients), and parsing is most of the cost (~0.2 ms). Bounded, as a pure cache.
 */
const factsByPem = new Map<string, CertificateFacts>();
const MAX_REMEMBERED_CERTIFICATES = 10_000;

function parseCertificateFacts(certificatePem: string): CertificateFacts {
  const cert = new X509Certificate(certificatePem);
  const subject = new Map(cert.subject.split('\n').map((line) => line.split('=', 2) as [string, string]));
  const altNames = (cert.subjectAltName ?? '').split(', ');
  const altNamesOf = (prefix: string) => altNames.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  return {
    commonName: subject.get('CN'),
    organization: subject.get('O'),
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    dnsNames: altNamesOf('DNS:'),
    ipAddresses: altNamesOf('IP Address:').map(canonicalIpAddress),
    keyAlgorithm: keyAlgorithmOf(cert.publicKey),
    keyDescription: describeKey(cert.publicKey),
    isCertificateAuthority: cert.ca,
    selfSigned: isSelfSigned(cert),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    serialNumberHex: cert.serialNumber.toLowerCase(),
    fingerprintSha256: cert.fingerprint256,
  };
}

/**
 * Why a certificate with `facts` does not say what `request` asks for; empty when it does.
 * One row per requested fact, so a new request field adds one row.
 */
export function certificateMismatches(facts: CertificateFacts, request: CertificateRequest): string[] {
  const lifetimeDays = (facts.notAfter.getTime() - facts.notBefore.getTime()) / DAY_MS;
  const leaf = !request.isCertificateAuthority;
  const issuer = request.issuerCertificatePem ? readCertificateFacts(request.issuerCertificatePem).subject : `${facts.subject} (self-signed)`;
  const rows: Array<[string, unknown, unknown]> = [
    ['subject CN', facts.commonName, request.commonName],
    ['subject O', facts.organization, request.organization],
    ['DNS names', asSet(facts.dnsNames), asSet(leaf ? request.dnsNames : [])],
    ['IP addresses', asSet(facts.ipAddresses), asSet(leaf ? (request.ipAddresses ?? []).map(canonicalIpAddress) : [])],
    ['key', facts.keyAlgorithm ?? facts.keyDescription, request.keyAlgorithm],
    ['CA', facts.isCertificateAuthority, !leaf],
    ['issuer', facts.selfSigned ? `${facts.issuer} (self-signed)` : facts.issuer, issuer],
    ['lifetime in days', lifetimeDays, request.validityDays],
  ];
  return rows.filter(([, actual, wanted]) => actual !== wanted).map(([fact, actual, wanted]) => `${fact} ${actual} instead of ${wanted}`);
}

/** An IP address as X.509 parsers print it, whatever its spelling (`FD00:0:0:0:0:0:0:1` and `fd00::1` are one address). */
export function canonicalIpAddress(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

/** A set of names as one comparable string. */
function asSet(values: readonly string[]): string {
  return [...new Set(values)].sort().join(', ') || '(none)';
}

/** True when the key in `privateKeyPem` belongs to the certificate. */
export function keyMatchesCertificate(pair: CertificateKeyPair): boolean {
  const key = pemBody(pair.privateKeyPem, 'PRIVATE KEY');
  const publicKey = key && publicKeyOfPrivateKey(key);
  const certificate = pemBody(pair.certificatePem, 'CERTIFICATE');
  if (!publicKey || !certificate) return new X509Certificate(pair.certificatePem).checkPrivateKey(createPrivateKey(pair.privateKeyPem));
  const expected = publicKeyOfCertificate(certificate);
  return publicKey.algorithm.equals(expected.algorithm) && publicKey.key.equals(expected.key);
}

/** The DER of the first PEM block labelled `label`, if there is one. */
function pemBody(pem: string, label: string): Buffer | undefined {
  const body = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem)?.[1];
  return body === undefined ? undefined : Buffer.from(body, 'base64');
}

/**
 * Signed by its own key under its own name. (OpenSSL's checkIssued refuses a leaf as its own issuer,
 * since a leaf may not sign certificates; curl and nginx still trust it when it is given as the CA.)
 */
export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.verify(cert.publicKey);
}

/** True when `issuerPem`'s key signed `certificatePem` and its subject is the certificate's issuer. */
export function isIssuedBy(certificatePem: string, issuerPem: string): boolean {
  const cert = new X509Certificate(certificatePem);
  const issuer = new X509Certificate(issuerPem);
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/**
 * 16 random bytes with the top bit cleared: DER integers are signed, so a leading byte >= 0x80
 * would be a negative serial, which RFC 5280 forbids and strict clients reject.
 */
export function positiveSerialNumberHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0] & 0x7f || 0x01; // non-zero keeps the encoding minimal
  return bytes.toString('hex');
}
