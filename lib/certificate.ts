import { createPrivateKey, KeyObject, randomBytes, X509Certificate } from 'crypto';
import { describeKey, generateKeyPair, isSigningOnlyKey, KeyAlgorithm, keyAlgorithmOf } from './key-algorithm';
import { writeCertificate } from './x509';

/** What a generated certificate must say. */
export interface CertificateRequest {
  /** Subject common name (the tutorial uses the Service name, `my-nginx`). */
  readonly commonName: string;
  /** Subject organization (the tutorial repeats the Service name). */
  readonly organization: string;
  /** DNS names for subjectAltName; modern clients ignore the CN and match only these. Empty for a CA. */
  readonly dnsNames: readonly string[];
  /** Lifetime in days, counted from `notBefore`. */
  readonly validityDays: number;
  /** Key type and size. */
  readonly keyAlgorithm: KeyAlgorithm;
  /** A CA certificate (`CA:TRUE`, keyCertSign) instead of a serving leaf. */
  readonly isCertificateAuthority?: boolean;
  /** The CA that signs the certificate; without one it signs itself. */
  readonly issuer?: CertificateKeyPair;
}

/** A certificate and its private key, both PEM with LF line ends. */
export interface CertificateKeyPair {
  readonly certificatePem: string;
  /** PKCS#8 PEM. Never log or print it. */
  readonly privateKeyPem: string;
}

/** The facts of a certificate: what decides reuse, and what `npm run certs` lists. */
export interface CertificateFacts {
  readonly commonName?: string;
  readonly organization?: string;
  /** `CN=..., O=...` */
  readonly subject: string;
  readonly issuer: string;
  readonly dnsNames: string[];
  /** The key, when it is one we generate; see {@link keyDescription} for any key. */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** `RSA 2048`, `ECDSA P-256`, ... */
  readonly keyDescription: string;
  readonly isCertificateAuthority: boolean;
  /** True when the certificate is signed by its own key. */
  readonly selfSigned: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serialNumberHex: string;
  /** SHA-256 of the DER, `AA:BB:...`, as `openssl x509 -fingerprint -sha256` prints it. */
  readonly fingerprintSha256: string;
}

/** Backdating absorbs clock skew between the synth machine and the cluster's clients. */
const NOT_BEFORE_BACKDATE_MS = 5 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a serving certificate (SHA-256 or ECDSA, positive serial, SANs, serverAuth, CA:FALSE) or a
 * CA certificate, self-signed or signed by `request.issuer`. Keys come from Node's native crypto.
 */
export function createCertificate(request: CertificateRequest, now: Date = new Date()): CertificateKeyPair {
  const keys = generateKeyPair(request.keyAlgorithm);
  // Whole seconds: X.509 times have no fractions, and the lifetime must read back exactly.
  const notBefore = new Date(Math.floor((now.getTime() - NOT_BEFORE_BACKDATE_MS) / 1000) * 1000);
  const certificatePem = writeCertificate({
    subject: { commonName: request.commonName, organization: request.organization },
    serialNumber: Buffer.from(positiveSerialNumberHex(), 'hex'),
    notBefore,
    notAfter: new Date(notBefore.getTime() + request.validityDays * DAY_MS),
    publicKey: keys.publicKey,
    dnsNames: request.isCertificateAuthority ? [] : request.dnsNames,
    isCertificateAuthority: request.isCertificateAuthority ?? false,
    keyEncipherment: !isSigningOnlyKey(request.keyAlgorithm),
  }, request.issuer
    ? { privateKey: createPrivateKey(request.issuer.privateKeyPem), certificatePem: request.issuer.certificatePem }
    : { privateKey: keys.privateKey });
  return { certificatePem, privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** Reads back the facts of a PEM certificate (Node's own X.509 parser: fast, and independent of the writer). */
export function readCertificateFacts(certificatePem: string): CertificateFacts {
  const cert = new X509Certificate(certificatePem);
  const subject = new Map(cert.subject.split('\n').map((line) => line.split('=', 2) as [string, string]));
  return {
    commonName: subject.get('CN'),
    organization: subject.get('O'),
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    dnsNames: (cert.subjectAltName ?? '').split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
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

/** True when the key in `privateKeyPem` belongs to the certificate. */
export function keyMatchesCertificate(pair: CertificateKeyPair): boolean {
  return new X509Certificate(pair.certificatePem).checkPrivateKey(createPrivateKey(pair.privateKeyPem));
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

/** The public key of a PEM certificate. */
export function publicKeyOf(certificatePem: string): KeyObject {
  return new X509Certificate(certificatePem).publicKey;
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
