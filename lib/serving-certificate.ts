import { isIP } from 'net';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { BoundCertificate, CertificateSource, ICertificateSource } from './certificate-source';
import { ICertificateTrust } from './certificate-trust';
import { PropsValidator } from './prop-validation';

/** Props of {@link ServingCertificate}. */
export interface ServingCertificateProps {
  /** Name of the `kubernetes.io/tls` Secret the server mounts (`tls.crt`, `tls.key`). */
  readonly secretName: string;
  /** DNS names the certificate must cover, e.g. `serviceDnsNames(name, namespace)`; the first is also the default subject. */
  readonly dnsNames: string[];
  /**
   * IP addresses the certificate must cover (IP SANs).
   * @default none
   */
  readonly ipAddresses?: string[];
  /**
   * Where the certificate comes from.
   * @default CertificateSource.selfSigned()
   */
  readonly source?: ICertificateSource;
  /**
   * Namespace of the Secret (the server's).
   * @default the chart's namespace, else 'default'
   */
  readonly namespace?: string;
  /**
   * Subject common name.
   * @default the first DNS name
   */
  readonly commonName?: string;
  /**
   * Subject organization.
   * @default the common name
   */
  readonly organization?: string;
  /**
   * Labels of the Secret.
   * @default none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Secret.
   * @default none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * The TLS certificate of one server, from any {@link ICertificateSource}: the Secret it mounts, the
 * names the certificate covers, and how clients in any namespace trust it. Pass it as the `tls` of
 * {@link ExposedEndpoint.backendOf} to expose your own workload.
 */
export class ServingCertificate extends Construct implements BoundCertificate {
  public readonly secret: kplus.ISecret;
  public readonly secretObject?: k8s.KubeSecret;
  public readonly certificatePem?: string;
  public readonly dnsNames: string[];
  public readonly trust: ICertificateTrust;
  /** Namespace of the Secret (the server's). */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: ServingCertificateProps) {
    super(scope, id);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    const commonName = props.commonName ?? props.dnsNames[0] ?? '';
    const labels = props.labels ?? {};

    const check = new PropsValidator(this, 'ServingCertificate');
    check.dnsSubdomain('secretName', props.secretName);
    check.dnsLabel('namespace', this.namespace);
    check.check(props.dnsNames.length > 0, 'dnsNames', 'a serving certificate needs at least one DNS name: pass the Service\'s names');
    props.dnsNames.forEach((name, i) => check.dnsSubdomain(`dnsNames[${i}]`, name.replace(/^\*\./, '')));
    (props.ipAddresses ?? []).forEach((ip, i) => check.check(isIP(ip) !== 0, `ipAddresses[${i}]`, `"${ip}" is not an IPv4 or IPv6 address`));
    check.check(commonName.length > 0, 'commonName', 'must not be empty');
    check.throwIfInvalid();

    const bound = (props.source ?? CertificateSource.selfSigned()).bind(this, {
      secretName: props.secretName,
      namespace: this.namespace,
      commonName,
      organization: props.organization ?? commonName,
      dnsNames: [...new Set(props.dnsNames)],
      ipAddresses: [...new Set(props.ipAddresses ?? [])],
      labels,
      annotations: props.annotations ?? {},
      rotationNames: [`${this.namespace}/${props.secretName}`, ...ancestorPaths(this.node.path)],
    });
    this.secret = bound.secret;
    this.secretObject = bound.secretObject;
    this.certificatePem = bound.certificatePem;
    this.dnsNames = bound.dnsNames;
    this.trust = bound.trust;
  }
}

/** `a/b/c` -> `a/b/c`, `a/b`, `a`: rotating a construct rotates every certificate inside it. */
function ancestorPaths(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('/'));
}
