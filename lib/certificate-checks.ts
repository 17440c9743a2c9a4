/**
 * What must hold for a certificate someone else made (bring your own, or a CA to sign with) before a
 * synth uses it. Pure: problems are returned, each for the part it is about, never thrown.
 */
import { createPrivateKey, KeyObject, X509Certificate } from 'crypto';
import { canonicalIpAddress, isSelfSigned, readCertificateFacts } from './certificate';
import { dnsNameMatches } from './exposed-endpoint';
import { describeKey } from './key-algorithm';
import { allowsCertificateSigning } from './x509';

/** The part of the input a problem is about. */
export type CertificatePart = 'certificate' | 'privateKey' | 'caCertificate';

export interface CertificateProblem {
  readonly part: CertificatePart;
  readonly problem: string;
}

/** PEM inputs of a serving certificate; the key is absent when it stays in an existing Secret. */
export interface ServingCertificateInput {
  readonly certificatePem: string;
  readonly privateKeyPem?: string;
  /** The CA clients trust; may be omitted for a self-signed certificate, which is its own CA. */
  readonly caCertificatePem?: string;
}

/** The names a serving certificate must cover. */
export interface RequiredNames {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/**
 * Problems that would make nginx refuse the pair or clients refuse the server: unreadable PEM, a key
 * of another certificate, outside its validity at `now`, a CA certificate, a weak or unknown key,
 * no serverAuth, a name of `required` not covered, a CA that is no CA or did not issue it.
 */
export function servingCertificateProblems(input: ServingCertificateInput, required: RequiredNames, now: Date): CertificateProblem[] {
  const cert = parseCertificate(input.certificatePem);
  if (!cert) return [{ part: 'certificate', problem: 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)' }];
  const problems: CertificateProblem[] = [];
  const add = (part: CertificatePart, problem: string) => problems.push({ part, problem });

  if (input.privateKeyPem !== undefined) {
    const key = parsePrivateKey(input.privateKeyPem);
    if (typeof key === 'string') add('privateKey', key);
    else if (!cert.checkPrivateKey(key)) add('privateKey', `does not belong to the certificate (${cert.subject.replace(/\n/g, ', ')}): give the key it was issued for`);
  }
  problems.push(...validityProblems(cert, 'certificate', now));
  // A self-signed CA:TRUE certificate (what the tutorial's `openssl req -x509` makes) is its own anchor.
  if (cert.ca && !isSelfSigned(cert)) add('certificate', 'is a CA certificate (CA:TRUE): give the serving (leaf) certificate and pass its CA as the CA certificate');
  if (!isAcceptedKey(cert.publicKey)) add('certificate', `has a ${describeKey(cert.publicKey)} key: use RSA 2048 or larger, or ECDSA P-256/P-384`);
  if (cert.keyUsage && !cert.keyUsage.includes(SERVER_AUTH)) add('certificate', 'its extendedKeyUsage lacks serverAuth, so TLS clients refuse it as a server certificate');
  const { dnsNames, ipAddresses } = readCertificateFacts(cert.toString());
  const uncovered = [
    ...required.dnsNames.filter((name) => !dnsNames.some((san) => dnsNameMatches(san, name))),
    ...required.ipAddresses.filter((ip) => !ipAddresses.includes(canonicalIpAddress(ip))),
  ];
  if (uncovered.length > 0) {
    add('certificate', `does not cover ${uncovered.join(', ')} (it covers ${[...dnsNames, ...ipAddresses].join(', ') || 'no names'}): `
      + 'clients would fail hostname verification; reissue it with those subjectAltNames');
  }

  if (input.caCertificatePem === undefined) {
    if (!isSelfSigned(cert)) {
      add('caCertificate', `is required: the certificate is signed by ${cert.issuer.replace(/\n/g, ', ')}, not by itself; pass that CA so clients can verify the server`);
    }
    return problems;
  }
  const ca = parseCertificate(input.caCertificatePem);
  if (!ca) return [...problems, { part: 'caCertificate', problem: 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)' }];
  problems.push(...authorityProblems(ca, now));
  if (!(cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
    add('caCertificate', `did not issue the certificate (its issuer is ${cert.issuer.replace(/\n/g, ', ')}, the CA is ${ca.subject.replace(/\n/g, ', ')})`);
  }
  return problems;
}

/** Problems with a CA that is to sign leaves at synth time: unreadable, no CA, cannot sign certificates, expired, wrong key. */
export function certificateAuthorityProblems(certificatePem: string, privateKeyPem: string, now: Date): CertificateProblem[] {
  const ca = parseCertificate(certificatePem);
  if (!ca) return [{ part: 'caCertificate', problem: 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)' }];
  const problems = authorityProblems(ca, now);
  const key = parsePrivateKey(privateKeyPem);
  if (typeof key === 'string') problems.push({ part: 'privateKey', problem: key });
  else if (!ca.checkPrivateKey(key)) problems.push({ part: 'privateKey', problem: 'does not belong to the CA certificate' });
  else if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') problems.push({ part: 'privateKey', problem: `is ${describeKey(key)}: a CA signing here needs an RSA or ECDSA key` });
  return problems;
}

function authorityProblems(ca: X509Certificate, now: Date): CertificateProblem[] {
  const problems = validityProblems(ca, 'caCertificate', now);
  if (!ca.ca) problems.push({ part: 'caCertificate', problem: 'is not a CA: its basicConstraints lack CA:TRUE, so clients refuse what it signs' });
  else if (!allowsCertificateSigning(ca.raw)) problems.push({ part: 'caCertificate', problem: 'its keyUsage lacks keyCertSign, so clients refuse what it signs' });
  return problems;
}

/** RSA of at least 2048 bits or ECDSA on a NIST curve: what nginx serves and every TLS client accepts. */
function isAcceptedKey(key: KeyObject): boolean {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return (details?.modulusLength ?? 0) >= 2048;
  return key.asymmetricKeyType === 'ec' && ['prime256v1', 'secp384r1', 'secp521r1'].includes(details?.namedCurve ?? '');
}

function validityProblems(cert: X509Certificate, part: CertificatePart, now: Date): CertificateProblem[] {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now < notBefore) return [{ part, problem: `is not valid before ${notBefore.toISOString()}` }];
  if (now > notAfter) return [{ part, problem: `expired on ${notAfter.toISOString()}: renew it` }];
  return [];
}

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/** The key, or why it cannot be used. */
function parsePrivateKey(pem: string): KeyObject | string {
  if (/ENCRYPTED/.test(pem)) return 'is encrypted: nginx cannot ask for a passphrase; give the key unencrypted';
  try {
    return createPrivateKey(pem);
  } catch {
    return 'is not a PEM private key (a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block)';
  }
}
