/**
 * Writes X.509 v3 certificates (RFC 5280) in DER with Node's own crypto: one writer for RSA and
 * ECDSA keys, self-signed or signed by a CA. node-forge cannot use EC keys, and the libraries that
 * can (@peculiar/x509, pkijs) sign through WebCrypto, which is asynchronous, while cdk8s
 * constructors are not. Only what a TLS serving certificate and its CA need is encoded.
 */
import { createHash, KeyObject, sign, X509Certificate } from 'crypto';
import { isIP } from 'net';

/** A subject or issuer name: `CN=..., O=...`. */
export interface DistinguishedName {
  readonly commonName: string;
  readonly organization?: string;
}

/** What goes into the certificate besides its issuer. */
export interface CertificateTemplate {
  readonly subject: DistinguishedName;
  /** Unsigned big-endian serial; its first byte must be 0x01-0x7f so the DER integer is positive and minimal. */
  readonly serialNumber: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: KeyObject;
  /** subjectAltName DNS names (leaf only). */
  readonly dnsNames: readonly string[];
  /** subjectAltName IP addresses, IPv4 or IPv6 (leaf only). */
  readonly ipAddresses: readonly string[];
  /** A CA: `CA:TRUE`, keyCertSign and cRLSign, no serverAuth and no SANs. */
  readonly isCertificateAuthority: boolean;
  /** keyEncipherment too: RSA keys may decrypt a key exchange; ECDSA keys only sign. */
  readonly keyEncipherment: boolean;
}

/** Who signs: the template's own key (self-signed) or a CA's. */
export interface CertificateSigner {
  readonly privateKey: KeyObject;
  /** The issuer's certificate; absent when the certificate signs itself. */
  readonly certificatePem?: string;
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
};

/** keyUsage bit numbers (RFC 5280 4.2.1.3); bit 0 is the most significant bit of the first byte. */
const KEY_USAGE_BIT = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };

/** Returns the signed certificate as PEM (LF line ends). */
export function writeCertificate(template: CertificateTemplate, signer: CertificateSigner): string {
  if (template.serialNumber.length === 0 || template.serialNumber[0] === 0 || template.serialNumber[0] >= 0x80) {
    throw new Error('serial number must start with a byte from 0x01 to 0x7f (positive, minimal DER integer)');
  }
  const issuerCertificate = signer.certificatePem ? new X509Certificate(signer.certificatePem) : undefined;
  const subject = encodeName(template.subject);
  const signature = signatureAlgorithm(signer.privateKey);
  const subjectPublicKeyInfo = template.publicKey.export({ type: 'spki', format: 'der' });
  const subjectKeyId = keyIdentifier(subjectPublicKeyInfo);
  const authorityKeyId = issuerCertificate ? subjectKeyIdentifierOf(issuerCertificate.raw) : subjectKeyId;

  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(template.serialNumber),
    signature.identifier,
    issuerCertificate ? rawSubjectOf(issuerCertificate.raw) : subject,
    sequence(time(template.notBefore), time(template.notAfter)),
    subject,
    subjectPublicKeyInfo,
    explicit(3, sequence(...extensions(template, subjectKeyId, authorityKeyId))),
  );
  const der = sequence(tbs, signature.identifier, bitString(sign(signature.hash, tbs, signer.privateKey)));
  return toPem(der);
}

function extensions(template: CertificateTemplate, subjectKeyId: Buffer, authorityKeyId: Buffer | undefined): Buffer[] {
  const usages = template.isCertificateAuthority
    ? [KEY_USAGE_BIT.digitalSignature, KEY_USAGE_BIT.keyCertSign, KEY_USAGE_BIT.cRLSign]
    : [KEY_USAGE_BIT.digitalSignature, ...(template.keyEncipherment ? [KEY_USAGE_BIT.keyEncipherment] : [])];
  return [
    // cA is DEFAULT FALSE, so DER leaves it out for a leaf. A leaf marked as a leaf keeps strict
    // clients (NSS, Go) from refusing a CA certificate presented as a server certificate.
    extension(OID.basicConstraints, true, template.isCertificateAuthority ? sequence(boolean(true)) : sequence()),
    extension(OID.keyUsage, true, namedBits(usages)),
    ...(template.isCertificateAuthority ? [] : [
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, sequence(
        ...template.dnsNames.map((name) => tlv(0x82, Buffer.from(name, 'ascii'))), // [2] dNSName
        ...template.ipAddresses.map((ip) => tlv(0x87, ipAddressBytes(ip))), // [7] iPAddress
      )),
    ]),
    extension(OID.subjectKeyIdentifier, false, octetString(subjectKeyId)),
    ...(authorityKeyId ? [extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, authorityKeyId)))] : []),
  ];
}

function signatureAlgorithm(key: KeyObject): { identifier: Buffer; hash: string } {
  if (key.asymmetricKeyType === 'rsa') return { identifier: sequence(oid(OID.sha256WithRSAEncryption), tlv(0x05, Buffer.alloc(0))), hash: 'sha256' };
  if (key.asymmetricKeyType === 'ec') {
    // RFC 5758: the hash matches the curve's strength; ECDSA identifiers have no parameters.
    const p384 = key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
    return { identifier: sequence(oid(p384 ? OID.ecdsaWithSha384 : OID.ecdsaWithSha256)), hash: p384 ? 'sha384' : 'sha256' };
  }
  throw new Error(`cannot sign with a ${key.asymmetricKeyType} key: use RSA or ECDSA`);
}

/** RFC 7093 method 4: the leftmost 160 bits of the SHA-256 of the SubjectPublicKeyInfo. */
function keyIdentifier(subjectPublicKeyInfo: Buffer): Buffer {
  return createHash('sha256').update(subjectPublicKeyInfo).digest().subarray(0, 20);
}

function encodeName(name: DistinguishedName): Buffer {
  const attribute = (type: string, value: string) => tlv(0x31, sequence(oid(type), tlv(0x0c, Buffer.from(value, 'utf8'))));
  return sequence(attribute(OID.commonName, name.commonName), ...(name.organization ? [attribute(OID.organization, name.organization)] : []));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** A DER named-bit BIT STRING: trailing zero bits dropped, their count in the leading byte. */
function namedBits(bits: number[]): Buffer {
  const bytes = Buffer.alloc(Math.floor(Math.max(...bits) / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] |= 0x80 >> (bit & 7);
  return tlv(0x03, Buffer.concat([Buffer.from([7 - (Math.max(...bits) & 7)]), bytes]));
}

/** The 4 or 16 bytes of an IP address, as iPAddress holds them. */
function ipAddressBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  if (isIP(ip) !== 6) throw new Error(`${ip} is not an IP address`);
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two groups; `::` stands for the missing ones.
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head, tail] = text.split('::');
  const groups = (part?: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array(missing).fill('0'), ...groups(tail)];
  return Buffer.concat(all.map((group) => Buffer.from(parseInt(group, 16).toString(16).padStart(4, '0'), 'hex')));
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5); whole seconds, UTC. */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const lengthBytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256);
  const header = length < 0x80 ? [tag, length] : [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  return Buffer.concat([Buffer.from(header), content]);
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function explicit(tagNumber: number, content: Buffer): Buffer {
  return tlv(0xa0 | tagNumber, content);
}

/** An INTEGER from unsigned big-endian bytes that are already minimal and positive. */
function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes);
}

function boolean(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

function octetString(bytes: Buffer): Buffer {
  return tlv(0x04, bytes);
}

function bitString(bytes: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) base128.unshift(0x80 | (value & 0x7f));
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

// Reading: only the two fields of an issuer's certificate a child certificate must repeat exactly.

interface DerElement {
  readonly tag: number;
  /** Offset of the whole element (tag byte). */
  readonly start: number;
  /** Offset of the content. */
  readonly contentStart: number;
  readonly end: number;
}

function readElement(der: Buffer, offset: number): DerElement {
  const tag = der[offset];
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[offset + 2 + i];
    contentStart += count;
  }
  if (tag === undefined || contentStart + length > der.length) throw new Error('truncated DER');
  return { tag, start: offset, contentStart, end: contentStart + length };
}

function childrenOf(der: Buffer, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readElement(der, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** The fields of TBSCertificate, the optional version skipped: serial, signature, issuer, validity, subject, spki, ... */
function tbsFields(certificateDer: Buffer): DerElement[] {
  const tbs = childrenOf(certificateDer, readElement(certificateDer, 0))[0];
  const fields = childrenOf(certificateDer, tbs);
  return fields[0].tag === 0xa0 ? fields.slice(1) : fields;
}

/** The subject exactly as encoded: a child's issuer must match it byte for byte for chain building. */
function rawSubjectOf(certificateDer: Buffer): Buffer {
  const subject = tbsFields(certificateDer)[4];
  return certificateDer.subarray(subject.start, subject.end);
}

/** The subjectKeyIdentifier of a certificate, which its children name as their authorityKeyIdentifier. */
function subjectKeyIdentifierOf(certificateDer: Buffer): Buffer | undefined {
  const value = extensionValueOf(certificateDer, OID.subjectKeyIdentifier);
  if (!value) return undefined;
  const keyId = readElement(value, 0);
  return value.subarray(keyId.contentStart, keyId.end);
}

/** Whether the keyUsage extension allows signing certificates (a CA needs it; absent means unrestricted). */
export function allowsCertificateSigning(certificateDer: Buffer): boolean {
  const value = extensionValueOf(certificateDer, OID.keyUsage);
  if (!value) return true;
  const bits = readElement(value, 0);
  const firstByte = value[bits.contentStart + 1] ?? 0; // after the unused-bits count
  return (firstByte & (0x80 >> KEY_USAGE_BIT.keyCertSign)) !== 0;
}

/** The DER inside an extension's extnValue OCTET STRING. */
function extensionValueOf(certificateDer: Buffer, extensionId: string): Buffer | undefined {
  const extensionsField = tbsFields(certificateDer).find((field) => field.tag === 0xa3);
  if (!extensionsField) return undefined;
  const wanted = oid(extensionId);
  const [list] = childrenOf(certificateDer, extensionsField);
  for (const entry of childrenOf(certificateDer, list)) {
    const [id, ...rest] = childrenOf(certificateDer, entry);
    if (!certificateDer.subarray(id.start, id.end).equals(wanted)) continue;
    const value = rest[rest.length - 1];
    return certificateDer.subarray(value.contentStart, value.end);
  }
  return undefined;
}

/** A public key as SubjectPublicKeyInfo holds it: the algorithm (with an EC key's curve) and the key bits. */
export interface PublicKeyParts {
  /** The AlgorithmIdentifier, as encoded. */
  readonly algorithm: Buffer;
  /** RSA: the RSAPublicKey (modulus, exponent); EC: the point. */
  readonly key: Buffer;
}

/** The public key of a certificate, read without parsing the rest of it. */
export function publicKeyOfCertificate(certificateDer: Buffer): PublicKeyParts {
  const spki = tbsFields(certificateDer)[5];
  const [algorithm, bits] = childrenOf(certificateDer, spki);
  return { algorithm: certificateDer.subarray(algorithm.start, algorithm.end), key: certificateDer.subarray(bits.contentStart + 1, bits.end) };
}

/**
 * The public key a PKCS#8 private key carries: an RSA key's modulus and exponent, the point Node and
 * OpenSSL write beside an EC key's secret. Comparing it with a certificate's is what OpenSSL's
 * key-match check does, without the cost of loading the private key (~0.4 ms for RSA). Undefined
 * when the key does not carry it or is not PKCS#8 as we write it.
 */
export function publicKeyOfPrivateKey(pkcs8Der: Buffer): PublicKeyParts | undefined {
  try {
    const [, algorithm, privateKey] = childrenOf(pkcs8Der, readElement(pkcs8Der, 0));
    const inner = pkcs8Der.subarray(privateKey.contentStart, privateKey.end);
    const fields = childrenOf(inner, readElement(inner, 0));
    const algorithmBytes = pkcs8Der.subarray(algorithm.start, algorithm.end);
    if (fields.length >= 9) { // RSAPrivateKey: version, modulus, publicExponent, privateExponent, ...
      const [, modulus, exponent] = fields;
      return { algorithm: algorithmBytes, key: sequence(inner.subarray(modulus.start, modulus.end), inner.subarray(exponent.start, exponent.end)) };
    }
    const publicKeyField = fields.find((field) => field.tag === 0xa1); // ECPrivateKey's [1] publicKey
    if (!publicKeyField) return undefined;
    const bits = readElement(inner, publicKeyField.contentStart);
    return { algorithm: algorithmBytes, key: inner.subarray(bits.contentStart + 1, bits.end) };
  } catch {
    return undefined;
  }
}
