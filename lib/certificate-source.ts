import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { CertificateAuthority } from './certificate-authority';
import { CertificateKeyPair } from './certificate';
import { CertificateProblem } from './certificate-checks';
import { ConfigMapCaTrust, ICertificateTrust, selfSignedSecretTrust } from './certificate-trust';
import { CertManagerAuthority } from './cert-manager-authority';
import { CertManagerCertificateSource } from './cert-manager-certificate-source';
import { GeneratedCertificateSource } from './generated-certificate-source';
import { ExistingSecretSource, PemCertificateSource, PemFileCertificateSource } from './imported-certificate-source';
import { KeyAlgorithm } from './key-algorithm';
import { PropsValidator } from './prop-validation';

/** What a server asks of its certificate; built by {@link ServingCertificate}. */
export interface ServingCertificateRequest {
  /** Name of the `kubernetes.io/tls` Secret the server mounts. */
  readonly secretName: string;
  /** Namespace of the server and its Secret. */
  readonly namespace: string;
  /** Subject common name. */
  readonly commonName: string;
  /** Subject organization. */
  readonly organization: string;
  /** DNS names the certificate must cover: the Service's names and any extra ones. */
  readonly dnsNames: string[];
  /** IP addresses the certificate must cover. */
  readonly ipAddresses: string[];
  /** Labels of the Secret. */
  readonly labels: Record<string, string>;
  /** Annotations of the Secret. */
  readonly annotations: Record<string, string>;
  /** Every name `npm run rotate -- NAME` may use for this certificate: `namespace/secret` and the construct paths. */
  readonly rotationNames: string[];
}

/** A certificate bound to one server: its Secret, what it covers, and how clients trust it. */
export interface BoundCertificate {
  /** The `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`) the server mounts. */
  readonly secret: kplus.ISecret;
  /** The Secret object, when the synth writes it (generated or brought PEM); undefined when it exists already or cert-manager makes it. */
  readonly secretObject?: k8s.KubeSecret;
  /** The serving certificate (PEM) when known at synth time; undefined when the cluster issues it. */
  readonly certificatePem?: string;
  /** DNS names the certificate covers (read from it, or those requested from cert-manager). */
  readonly dnsNames: string[];
  /** How clients in any namespace trust it. */
  readonly trust: ICertificateTrust;
}

/** Where a server's certificate comes from. Make one with {@link CertificateSource}'s static methods. */
export interface ICertificateSource {
  /** Creates what the server needs under `scope` (a {@link ServingCertificate}) and describes it. */
  bind(scope: Construct, request: ServingCertificateRequest): BoundCertificate;
}

/** Options of certificates generated at synth time. */
export interface GeneratedCertificateOptions {
  /**
   * Key of the certificate.
   * @default KeyAlgorithm.RSA_2048
   */
  readonly keyAlgorithm?: KeyAlgorithm;
  /**
   * Lifetime in days. Renewed at synth time once a third of it is left.
   * @default 365
   */
  readonly validityDays?: number;
  /**
   * Directory of the certificate store (mode 0600 files) that keeps it between synths.
   * @default $CDK8S_CERT_STORE, else '.cdk8s-certs'
   */
  readonly storeDir?: string;
  /**
   * Generate a new certificate even though the stored one still fits.
   * @default true when $CDK8S_ROTATE_CERTS is '1' or lists the Secret (`namespace/name`) or a construct path above it
   */
  readonly rotate?: boolean;
}

/** Options of {@link CertificateSource.fromPem}. */
export interface PemCertificateOptions {
  /** The serving certificate, PEM (the leaf first if it is a chain). */
  readonly certificatePem: string;
  /** Its private key, PEM, unencrypted. Written into the Secret, never logged. */
  readonly privateKeyPem: string;
  /**
   * The CA that issued it, PEM; clients get it in a ConfigMap `<secretName>-ca.crt`.
   * @default none: the certificate must be self-signed, and clients trust it directly
   */
  readonly caCertificatePem?: string;
}

/** Options of {@link CertificateSource.fromPemFiles}. */
export interface PemFileCertificateOptions {
  /** Path of the serving certificate (PEM), read at synth time. */
  readonly certificateFile: string;
  /** Path of its private key (PEM), read at synth time. */
  readonly privateKeyFile: string;
  /**
   * Path of the CA that issued it (PEM).
   * @default none: the certificate must be self-signed
   */
  readonly caCertificateFile?: string;
}

/** Options of {@link CertificateSource.fromExistingSecret}. */
export interface ExistingSecretOptions {
  /**
   * The certificate in the Secret (PEM, no key), to check its names at synth time.
   * @default unchecked: the Secret is assumed to cover the Service's names
   */
  readonly certificatePem?: string;
  /**
   * The CA clients trust (PEM); given, clients in any namespace get it in a ConfigMap `<secretName>-ca.crt`.
   * @default clients in the server's namespace trust the Secret's `tls.crt` (right for a self-signed
   * certificate); clients elsewhere are refused at synth time
   */
  readonly caCertificatePem?: string;
}

/** Options of {@link CertificateSource.certManager}. */
export interface CertManagerCertificateOptions {
  /**
   * Key cert-manager generates.
   * @default KeyAlgorithm.ECDSA_P256
   */
  readonly keyAlgorithm?: KeyAlgorithm;
  /**
   * Lifetime in days (`spec.duration`); cert-manager renews it when a third is left.
   * @default 90
   */
  readonly validityDays?: number;
}

/** The ways to get a server's certificate. */
export class CertificateSource {
  /** A self-signed leaf generated at synth time and kept in the certificate store (the tutorial's). */
  public static selfSigned(options: GeneratedCertificateOptions = {}): ICertificateSource {
    return new GeneratedCertificateSource(options);
  }

  /** A leaf generated at synth time and signed by `authority`; clients trust only the CA, via a ConfigMap `<ca>.crt`. */
  public static signedBy(authority: CertificateAuthority, options: GeneratedCertificateOptions = {}): ICertificateSource {
    return new GeneratedCertificateSource(options, authority);
  }

  /** A certificate and key you have, as PEM; checked at synth time (key, validity, names, CA). */
  public static fromPem(options: PemCertificateOptions): ICertificateSource {
    return new PemCertificateSource(options);
  }

  /** A certificate and key you have, read from PEM files at synth time and checked. */
  public static fromPemFiles(options: PemFileCertificateOptions): ICertificateSource {
    return new PemFileCertificateSource(options);
  }

  /** A `kubernetes.io/tls` Secret that already exists in the cluster: nothing is generated or written. */
  public static fromExistingSecret(options: ExistingSecretOptions = {}): ICertificateSource {
    return new ExistingSecretSource(options);
  }

  /** A cert-manager `Certificate` issued by `authority` in the cluster: no key material at synth time. */
  public static certManager(authority: CertManagerAuthority, options: CertManagerCertificateOptions = {}): ICertificateSource {
    return new CertManagerCertificateSource(authority, options);
  }
}

/** The `kubernetes.io/tls` Secret of a pair known at synth time (base64 `data`, so re-applying it is a no-op). */
export function tlsSecret(scope: Construct, request: ServingCertificateRequest, pair: CertificateKeyPair, caCertificatePem?: string): k8s.KubeSecret {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  return new k8s.KubeSecret(scope, 'Secret', {
    metadata: { name: request.secretName, namespace: request.namespace, labels: request.labels, annotations: optional(request.annotations) },
    type: 'kubernetes.io/tls',
    data: {
      // cert-manager's layout: the CA beside the pair, so switching sources keeps the keys.
      ...(caCertificatePem ? { 'ca.crt': base64(caCertificatePem) } : {}),
      'tls.crt': base64(pair.certificatePem),
      'tls.key': base64(pair.privateKeyPem),
    },
  });
}

/** Undefined for an empty map, so objects carry no `annotations: {}`. */
export function optional(map: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(map).length > 0 ? map : undefined;
}

/** Records each problem under `prefix.<option>`, naming the option the user set. */
export function reportProblems(check: PropsValidator, prefix: string, problems: readonly CertificateProblem[], fields: Record<string, string> = {}): void {
  for (const { part, problem } of problems) check.check(false, `${prefix}.${fields[part] ?? `${part}Pem`}`, problem);
}

/** The Secret as other cdk8s-plus constructs mount it. */
export function secretReference(scope: Construct, request: ServingCertificateRequest): kplus.ISecret {
  return kplus.Secret.fromSecretName(scope, 'SecretRef', request.secretName);
}

/**
 * How clients trust a certificate known at synth time: a ConfigMap `<secret>-ca.crt` with its CA in
 * their namespace; a self-signed one is also trusted through its own Secret's `tls.crt` at home.
 */
export function clientTrust(request: ServingCertificateRequest, caCertificatePem: string, selfSigned: boolean): ICertificateTrust {
  const local = selfSigned ? selfSignedSecretTrust(request.namespace, request.secretName) : undefined;
  return new ConfigMapCaTrust(caCertificatePem, `${request.secretName}-ca.crt`, local);
}
