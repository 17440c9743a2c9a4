import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterBundleCaTrust, ICertificateTrust, SecretCaTrust } from './certificate-trust';
import { certManagerPrivateKey, isKeyAlgorithm, KEY_ALGORITHMS, KeyAlgorithm } from './key-algorithm';
import { PropsValidator } from './prop-validation';

/** cert-manager's API group and version of Issuers and Certificates. */
export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';
/** trust-manager's Bundle API. */
const TRUST_MANAGER_API_VERSION = 'trust.cert-manager.io/v1alpha1';

/** Props of {@link CertManagerAuthority}. */
export interface CertManagerAuthorityProps {
  /**
   * Name of the CA: its ClusterIssuer, its Certificate and Secret, and its trust-manager Bundle (so
   * clients mount a ConfigMap of this name, key `ca.crt`). The bootstrap issuer is `<name>-selfsigned`.
   * @default 'cdk8s-ca'
   */
  readonly name?: string;
  /**
   * Namespace of the CA's Certificate and Secret: cert-manager's cluster resource namespace (where a
   * ClusterIssuer finds its CA Secret), which is also trust-manager's trust namespace.
   * @default 'cert-manager'
   */
  readonly namespace?: string;
  /**
   * Key of the CA.
   * @default KeyAlgorithm.ECDSA_P256
   */
  readonly keyAlgorithm?: KeyAlgorithm;
  /**
   * Lifetime of the CA certificate in days. Its key is kept on renewal, so leaves stay valid.
   * @default 3650
   */
  readonly validityDays?: number;
  /**
   * Distribute the CA certificate to client namespaces with a trust-manager `Bundle` (needs trust-manager).
   * Without it, only clients in a server's own namespace trust it, through the `ca.crt` key of the server's Secret.
   * @default true
   */
  readonly trustBundle?: boolean;
  /**
   * Labels of the namespaces the Bundle writes its ConfigMap into.
   * @default every namespace
   */
  readonly trustNamespaceLabels?: Record<string, string>;
}

/**
 * A CA that cert-manager runs in the cluster, bootstrapped as cert-manager documents it: a
 * self-signed ClusterIssuer issues the CA Certificate, whose Secret backs the CA ClusterIssuer that
 * signs servers' leaves (see {@link CertificateSource.certManager}). No private key leaves the
 * cluster. A trust-manager Bundle copies the CA certificate into every client namespace.
 * Put it in one chart per output folder; many apps and namespaces can share it.
 */
export class CertManagerAuthority extends Construct {
  /** Name of the CA ClusterIssuer, the CA Secret and the Bundle. */
  public readonly name: string;
  /** Namespace of the CA's Certificate and Secret. */
  public readonly namespace: string;
  /** Lifetime of the CA in days; leaves must be shorter. */
  public readonly validityDays: number;
  /** Whether a trust-manager Bundle distributes the CA certificate. */
  public readonly trustBundle: boolean;
  /** The CA ClusterIssuer, which leaves reference. */
  public readonly issuer: ApiObject;

  constructor(scope: Construct, id: string, props: CertManagerAuthorityProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'cdk8s-ca';
    this.namespace = props.namespace ?? 'cert-manager';
    this.validityDays = props.validityDays ?? 3650;
    this.trustBundle = props.trustBundle ?? true;
    const keyAlgorithm = props.keyAlgorithm ?? KeyAlgorithm.ECDSA_P256;
    const bootstrapName = `${this.name}-selfsigned`;

    const check = new PropsValidator(this, 'CertManagerAuthority');
    check.dnsSubdomain('name', this.name);
    check.dnsLabel('namespace', this.namespace);
    check.check(isKeyAlgorithm(keyAlgorithm), 'keyAlgorithm', `${String(keyAlgorithm)} is not supported: use one of ${KEY_ALGORITHMS.join(', ')}`);
    check.integerAtLeast('validityDays', this.validityDays, 1);
    Object.entries(props.trustNamespaceLabels ?? {}).forEach(([key, value]) => {
      check.labelKey('trustNamespaceLabels', key);
      check.labelValue(`trustNamespaceLabels.${key}`, value);
    });
    check.check(this.trustBundle || props.trustNamespaceLabels === undefined, 'trustNamespaceLabels', 'only used with trustBundle: true');
    check.throwIfInvalid();

    clusterScoped(new ApiObject(this, 'Bootstrap', {
      apiVersion: CERT_MANAGER_API_VERSION, kind: 'ClusterIssuer', metadata: { name: bootstrapName }, spec: { selfSigned: {} },
    }));
    new ApiObject(this, 'Certificate', {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'Certificate',
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        isCA: true,
        commonName: this.name,
        subject: { organizations: [this.name] },
        secretName: this.name,
        duration: hours(this.validityDays),
        // A renewed CA keeps its key, so the leaves it signed before still verify.
        privateKey: { ...certManagerPrivateKey(keyAlgorithm), rotationPolicy: 'Never' },
        issuerRef: issuerRef(bootstrapName),
      },
    });
    this.issuer = clusterScoped(new ApiObject(this, 'Issuer', {
      apiVersion: CERT_MANAGER_API_VERSION, kind: 'ClusterIssuer', metadata: { name: this.name }, spec: { ca: { secretName: this.name } },
    }));
    if (this.trustBundle) {
      clusterScoped(new ApiObject(this, 'Bundle', {
        apiVersion: TRUST_MANAGER_API_VERSION,
        kind: 'Bundle',
        metadata: { name: this.name },
        spec: {
          sources: [{ secret: { name: this.name, key: 'ca.crt' } }],
          target: {
            configMap: { key: 'ca.crt' },
            ...(props.trustNamespaceLabels ? { namespaceSelector: { matchLabels: props.trustNamespaceLabels } } : {}),
          },
        },
      }));
    }
  }

  /** The issuerRef of leaves this CA signs. */
  public get issuerRef(): Record<string, string> {
    return issuerRef(this.name);
  }

  /** How clients trust a leaf this CA issued into Secret `secretName` of `namespace`. */
  public trustFor(namespace: string, secretName: string): ICertificateTrust {
    return this.trustBundle
      ? new ClusterBundleCaTrust(this.name)
      : new SecretCaTrust({ namespace, secretName, key: 'ca.crt' },
        `set trustBundle on CertManagerAuthority ${this.node.path} (needs trust-manager), or run the client in namespace ${namespace}`);
  }
}

/** cert-manager durations are Go durations; days are not a unit there. */
export function hours(days: number): string {
  return `${days * 24}h`;
}

function issuerRef(name: string): Record<string, string> {
  return { name, kind: 'ClusterIssuer', group: 'cert-manager.io' };
}

/** cdk8s gives every object the chart's namespace; a cluster-scoped object must have none. */
function clusterScoped(object: ApiObject): ApiObject {
  if (Chart.of(object).namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return object;
}
