import { generateKeyPairSync, KeyObject } from 'crypto';

/** The key of a generated certificate. nginx, curl and every current TLS client accept all of them. */
export enum KeyAlgorithm {
  /** RSA with a 2048-bit modulus (the tutorial's `openssl req -newkey rsa:2048`). */
  RSA_2048 = 'RSA-2048',
  /** RSA with a 3072-bit modulus (NIST's pick for use beyond 2030). */
  RSA_3072 = 'RSA-3072',
  /** RSA with a 4096-bit modulus: slow to generate (about a second), slower handshakes. */
  RSA_4096 = 'RSA-4096',
  /** ECDSA on NIST P-256, signed with SHA-256: generated in well under a millisecond, smallest handshakes. */
  ECDSA_P256 = 'ECDSA-P256',
  /** ECDSA on NIST P-384, signed with SHA-384. */
  ECDSA_P384 = 'ECDSA-P384',
}

interface KeyAlgorithmSpec {
  readonly type: 'rsa' | 'ec';
  /** RSA modulus bits, or the EC curve's order bits (what cert-manager calls `size`). */
  readonly bits: number;
  /** Node's name of the curve (EC only). */
  readonly curve?: string;
}

const SPECS: Record<KeyAlgorithm, KeyAlgorithmSpec> = {
  [KeyAlgorithm.RSA_2048]: { type: 'rsa', bits: 2048 },
  [KeyAlgorithm.RSA_3072]: { type: 'rsa', bits: 3072 },
  [KeyAlgorithm.RSA_4096]: { type: 'rsa', bits: 4096 },
  [KeyAlgorithm.ECDSA_P256]: { type: 'ec', bits: 256, curve: 'prime256v1' },
  [KeyAlgorithm.ECDSA_P384]: { type: 'ec', bits: 384, curve: 'secp384r1' },
};

/** Every supported algorithm, for messages listing the choices. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = Object.values(KeyAlgorithm);

/** True for a value of the enum (guards against a plain string from JavaScript or YAML). */
export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return typeof value === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(value);
}

/** The RSA algorithm of a modulus length, if it is one we generate. */
export function rsaKeyAlgorithm(bits: number): KeyAlgorithm | undefined {
  return KEY_ALGORITHMS.find((algorithm) => SPECS[algorithm].type === 'rsa' && SPECS[algorithm].bits === bits);
}

/** What `crypto.generateKeyPairSync` takes for the algorithm (plain data: key generator threads get it too). */
export function keyGenerationParameters(algorithm: KeyAlgorithm): KeyGenerationParameters {
  const spec = SPECS[algorithm];
  return spec.type === 'rsa'
    ? { type: 'rsa', options: { modulusLength: spec.bits, publicExponent: 0x10001 } }
    : { type: 'ec', options: { namedCurve: spec.curve! } };
}

/** The arguments of `crypto.generateKeyPairSync`. */
export type KeyGenerationParameters =
  | { type: 'rsa'; options: { modulusLength: number; publicExponent: number } }
  | { type: 'ec'; options: { namedCurve: string } };

/** Generates a key pair with Node's native crypto on this thread (milliseconds for RSA 2048, microseconds for ECDSA). */
export function generateKeyPair(algorithm: KeyAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  const { type, options } = keyGenerationParameters(algorithm);
  return type === 'rsa' ? generateKeyPairSync('rsa', options) : generateKeyPairSync('ec', options);
}

/** True for keys that take long enough to generate (RSA: 0.1-1 s) to be worth other threads. */
export function isSlowToGenerate(algorithm: KeyAlgorithm): boolean {
  return SPECS[algorithm].type === 'rsa';
}

/** The algorithm of a key, or undefined for keys we do not generate (e.g. RSA 1024, Ed25519, P-521). */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  const details = key.asymmetricKeyDetails;
  return KEY_ALGORITHMS.find((algorithm) => {
    const spec = SPECS[algorithm];
    return spec.type === 'rsa'
      ? key.asymmetricKeyType === 'rsa' && details?.modulusLength === spec.bits
      : key.asymmetricKeyType === 'ec' && details?.namedCurve === spec.curve;
  });
}

/** A key as people read it: `RSA 2048`, `ECDSA P-256`, or what it is when we do not support it. */
export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return `RSA ${details?.modulusLength}`;
  if (key.asymmetricKeyType === 'ec') return `ECDSA ${curveLabel(details?.namedCurve)}`;
  return String(key.asymmetricKeyType);
}

/** cert-manager's `spec.privateKey` for the algorithm. */
export function certManagerPrivateKey(algorithm: KeyAlgorithm): { algorithm: 'RSA' | 'ECDSA'; size: number } {
  const spec = SPECS[algorithm];
  return { algorithm: spec.type === 'rsa' ? 'RSA' : 'ECDSA', size: spec.bits };
}

/** True when TLS servers use the key only to sign (ECDSA), not to decrypt a key exchange (RSA). */
export function isSigningOnlyKey(algorithm: KeyAlgorithm): boolean {
  return SPECS[algorithm].type === 'ec';
}

function curveLabel(curve: string | undefined): string {
  if (curve === 'prime256v1') return 'P-256';
  if (curve === 'secp384r1') return 'P-384';
  if (curve === 'secp521r1') return 'P-521';
  return String(curve);
}
