import * as fs from 'fs';
import { dns1123Subdomain } from './api-rules';
import { CertificateKeyPair, MAX_CA_VALIDITY_DAYS } from './certificate';
import { certificateAuthorityProblems, CertificateProblem } from './certificate-checks';
import { defaultCertificateStoreDir, obtainCertificate, rotationRequested } from './certificate-store';
import { isKeyAlgorithm, KEY_ALGORITHMS, KeyAlgorithm } from './key-algorithm';

/** Props of {@link CertificateAuthority.generated}. */
export interface GeneratedCertificateAuthorityProps {
  /**
   * Name of the CA: its subject (`CN=name, O=name`), its entry in the certificate store, and the
   * ConfigMap `<name>.crt` (key `ca.crt`) clients mount. A DNS subdomain, e.g. `shop-ca`.
   */
  readonly name: string;
  /**
   * Key of the CA.
   * @default KeyAlgorithm.ECDSA_P256
   */
  readonly keyAlgorithm?: KeyAlgorithm;
  /**
   * Lifetime in days. Renewed when a third is left, which also renews every leaf it signed.
   * @default 3650
   */
  readonly validityDays?: number;
  /**
   * Directory of the certificate store (mode 0600 files).
   * @default $CDK8S_CERT_STORE, else '.cdk8s-certs'
   */
  readonly storeDir?: string;
  /**
   * Generate a new CA (and so new leaves) even though the stored one still fits.
   * @default true when $CDK8S_ROTATE_CERTS is '1' or lists `ca/<name>`
   */
  readonly rotate?: boolean;
}

/** Props of {@link CertificateAuthority.fromPem}. */
export interface PemCertificateAuthorityProps {
  /** Name of the ConfigMap `<name>.crt` clients mount; a DNS subdomain. */
  readonly name: string;
  /** The CA certificate, PEM. It must say CA:TRUE and allow keyCertSign. */
  readonly certificatePem: string;
  /** Its private key, PEM, unencrypted. It signs at synth time and is never written to the output. */
  readonly privateKeyPem: string;
}

/** Props of {@link CertificateAuthority.fromPemFiles}. */
export interface PemFileCertificateAuthorityProps {
  /** Name of the ConfigMap `<name>.crt` clients mount; a DNS subdomain. */
  readonly name: string;
  /** Path of the CA certificate (PEM), read at synth time. */
  readonly certificateFile: string;
  /** Path of its private key (PEM), read at synth time. */
  readonly privateKeyFile: string;
}

/**
 * A CA that signs serving certificates at synth time. One CA can sign the leaves of many apps, in
 * many charts and output folders: a generated CA lives in the certificate store, so every synth
 * that names it gets the same one. Clients receive only its certificate, never its key.
 */
export class CertificateAuthority {
  /** A CA generated once and kept in the certificate store. */
  public static generated(props: GeneratedCertificateAuthorityProps): CertificateAuthority {
    const keyAlgorithm = props.keyAlgorithm ?? KeyAlgorithm.ECDSA_P256;
    const validityDays = props.validityDays ?? 3650;
    throwIfInvalid(props.name, [
      isKeyAlgorithm(keyAlgorithm) ? undefined : `keyAlgorithm: ${String(keyAlgorithm)} is not supported: use one of ${KEY_ALGORITHMS.join(', ')}`,
      Number.isInteger(validityDays) && validityDays >= 1 && validityDays <= MAX_CA_VALIDITY_DAYS ? undefined
        : `validityDays: ${validityDays} is not allowed: use an integer from 1 to ${MAX_CA_VALIDITY_DAYS}`,
    ]);
    return new CertificateAuthority(props.name, (now) => ({
      pair: obtainCertificate({
        commonName: props.name, organization: props.name, dnsNames: [], validityDays, keyAlgorithm, isCertificateAuthority: true,
      }, {
        directory: props.storeDir ?? defaultCertificateStoreDir(),
        // No namespace has a ':' in its name: a CA never shares an entry with a Secret.
        usedAs: [`ca:${props.name}`],
        requestedBy: `CertificateAuthority ${props.name}`,
        replaceOlderThan: (props.rotate ?? rotationRequested([`ca/${props.name}`])) ? new Date(performance.timeOrigin) : undefined,
        now,
      }),
      problems: [],
    }));
  }

  /** A CA you already have, given as PEM; checked at synth time (CA:TRUE, keyCertSign, validity, key). */
  public static fromPem(props: PemCertificateAuthorityProps): CertificateAuthority {
    throwIfInvalid(props.name, []);
    return new CertificateAuthority(props.name, (now) => checked(props.certificatePem, props.privateKeyPem, now));
  }

  /** A CA you already have, read from PEM files at synth time. */
  public static fromPemFiles(props: PemFileCertificateAuthorityProps): CertificateAuthority {
    throwIfInvalid(props.name, []);
    return new CertificateAuthority(props.name, (now) => {
      const files = [props.certificateFile, props.privateKeyFile].map(readPem);
      const unreadable = files.flatMap((file, i) => (file.error ? [{ part: i === 0 ? 'caCertificate' as const : 'privateKey' as const, problem: file.error }] : []));
      return unreadable.length > 0 ? { problems: unreadable } : checked(files[0].text!, files[1].text!, now);
    });
  }

  /** The CA's name: the ConfigMap clients mount is `<name>.crt`. */
  public readonly name: string;
  private loaded?: { pair?: CertificateKeyPair; problems: CertificateProblem[] };

  private constructor(name: string, private readonly load: (now: Date) => { pair?: CertificateKeyPair; problems: CertificateProblem[] }) {
    this.name = name;
  }

  /** Name of the ConfigMap (key `ca.crt`) that clients mount. */
  public get configMapName(): string {
    return `${this.name}.crt`;
  }

  /**
   * The key pair to sign with, or the problems that forbid it. Loaded on first use (from the store
   * or the files) and then kept, so every leaf of one synth is signed by the same CA.
   * @internal
   */
  public _obtain(now: Date = new Date()): { pair?: CertificateKeyPair; problems: readonly CertificateProblem[] } {
    this.loaded ??= this.load(now);
    return this.loaded;
  }
}

function checked(certificatePem: string, privateKeyPem: string, now: Date) {
  const problems = certificateAuthorityProblems(certificatePem, privateKeyPem, now);
  return problems.length > 0 ? { problems } : { pair: { certificatePem, privateKeyPem }, problems };
}

/** Reads a PEM file given by the user; an unreadable one is a problem, not a crash. */
export function readPem(file: string): { text?: string; error?: string } {
  try {
    return { text: fs.readFileSync(file, 'utf8') };
  } catch (error) {
    return { error: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
}

function throwIfInvalid(name: string, problems: Array<string | undefined>): void {
  const nameProblem = dns1123Subdomain(name);
  const all = [nameProblem && `name: ${nameProblem}`, ...problems].filter(Boolean);
  if (all.length > 0) throw new Error(`CertificateAuthority '${name}' has invalid props:\n${all.map((p) => `  - ${p}`).join('\n')}`);
}
