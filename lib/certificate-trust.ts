import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** The kind of object a client reads CA certificates from. */
export enum CaSourceKind {
  /** A Secret (e.g. the server's own `tls.crt` of a self-signed certificate, in its namespace). */
  SECRET = 'Secret',
  /** A ConfigMap, which holds no key material (e.g. `<ca>.crt` with `ca.crt`, or a trust-manager Bundle's). */
  CONFIG_MAP = 'ConfigMap',
}

/** Where a pod reads the CA certificates that verify a server: one key of a Secret or ConfigMap in its namespace. */
export interface CaSource {
  /** Secret or ConfigMap. */
  readonly kind: CaSourceKind;
  /** Name of the Secret or ConfigMap, in the client's namespace. */
  readonly name: string;
  /** The key holding the PEM certificates; mounted as a file of that name. */
  readonly key: string;
}

/**
 * How clients come to trust a server's certificate, from any namespace. Clients get CA
 * certificates only, never a private key.
 */
export interface ICertificateTrust {
  /** The CA certificates (PEM) when known at synth time; undefined when the cluster issues them (cert-manager). */
  readonly caCertificatePem?: string;
  /** Why a client in `namespace` cannot get the CA certificates, or undefined when it can. */
  unavailableIn(namespace: string): string | undefined;
  /** Where a client in `namespace` reads the CA certificates; creates nothing. Throws when {@link unavailableIn} gives a reason. */
  sourceIn(namespace: string): CaSource;
  /**
   * {@link sourceIn}, and creates what that namespace lacks (a ConfigMap, once per app, as
   * Kubernetes does with `kube-root-ca.crt`) in the chart of `scope`.
   */
  provideIn(scope: Construct, namespace: string): CaSource;
}

/** The ConfigMap key of CA certificates, as in `kube-root-ca.crt` and cert-manager's Secrets. */
export const CA_CERTIFICATE_KEY = 'ca.crt';

/** Clients in one namespace read one key of an existing Secret (e.g. `tls.crt` of a self-signed certificate). */
export class SecretCaTrust implements ICertificateTrust {
  public readonly caCertificatePem?: string;

  constructor(
    private readonly source: { readonly namespace: string; readonly secretName: string; readonly key: string },
    /** What a client elsewhere should do instead, in the error it gets. */
    private readonly elsewhereHint: string,
  ) {}

  public unavailableIn(namespace: string): string | undefined {
    return namespace === this.source.namespace ? undefined
      : `the CA of Secret ${this.source.namespace}/${this.source.secretName} is known only in namespace ${this.source.namespace}, not in ${namespace}: ${this.elsewhereHint}`;
  }

  public sourceIn(namespace: string): CaSource {
    throwIfUnavailable(this, namespace);
    return { kind: CaSourceKind.SECRET, name: this.source.secretName, key: this.source.key };
  }

  public provideIn(_scope: Construct, namespace: string): CaSource {
    return this.sourceIn(namespace);
  }
}

/**
 * CA certificates known at synth time: a ConfigMap `configMapName` with `ca.crt` in each client's
 * namespace; optionally a Secret key in the server's own namespace instead (the tutorial's `tls.crt`).
 */
export class ConfigMapCaTrust implements ICertificateTrust {
  constructor(
    public readonly caCertificatePem: string,
    private readonly configMapName: string,
    private readonly local?: SecretCaTrust,
  ) {}

  public unavailableIn(_namespace: string): string | undefined {
    return undefined;
  }

  public sourceIn(namespace: string): CaSource {
    if (this.local && this.local.unavailableIn(namespace) === undefined) return this.local.sourceIn(namespace);
    return { kind: CaSourceKind.CONFIG_MAP, name: this.configMapName, key: CA_CERTIFICATE_KEY };
  }

  public provideIn(scope: Construct, namespace: string): CaSource {
    const source = this.sourceIn(namespace);
    const id = `CaCertificates-${namespace}-${this.configMapName}`;
    if (source.kind === CaSourceKind.CONFIG_MAP && !findInApp(scope, id)) {
      new kplus.ConfigMap(Chart.of(scope), id, {
        metadata: { name: this.configMapName, namespace },
        data: { [CA_CERTIFICATE_KEY]: this.caCertificatePem },
      });
    }
    return source;
  }
}

/** CA certificates that a controller (trust-manager) puts into a ConfigMap of the same name in every namespace. */
export class ClusterBundleCaTrust implements ICertificateTrust {
  public readonly caCertificatePem?: string;

  constructor(private readonly configMapName: string) {}

  public unavailableIn(_namespace: string): string | undefined {
    return undefined;
  }

  public sourceIn(_namespace: string): CaSource {
    return { kind: CaSourceKind.CONFIG_MAP, name: this.configMapName, key: CA_CERTIFICATE_KEY };
  }

  public provideIn(_scope: Construct, namespace: string): CaSource {
    return this.sourceIn(namespace);
  }
}

/** Clients in `namespace` trust the `tls.crt` of Secret `secretName` (a self-signed certificate is its own CA). */
export function selfSignedSecretTrust(namespace: string, secretName: string, elsewhereHint: string = ''): SecretCaTrust {
  return new SecretCaTrust({ namespace, secretName, key: 'tls.crt' }, elsewhereHint);
}

/** A read-only volume with the one CA file of `source`, for a client container. */
export function caVolume(scope: Construct, id: string, source: CaSource, name: string): kplus.Volume {
  const items = { [source.key]: { path: source.key } };
  return source.kind === CaSourceKind.SECRET
    ? kplus.Volume.fromSecret(scope, id, kplus.Secret.fromSecretName(scope, `${id}Secret`, source.name), { name, items })
    : kplus.Volume.fromConfigMap(scope, id, kplus.ConfigMap.fromConfigMapName(scope, `${id}ConfigMap`, source.name), { name, items });
}

function throwIfUnavailable(trust: ICertificateTrust, namespace: string): void {
  const reason = trust.unavailableIn(namespace);
  if (reason) throw new Error(reason);
}

/** One ConfigMap per namespace and name across every chart of the app: two would be duplicate objects. */
function findInApp(scope: Construct, id: string): Construct | undefined {
  return scope.node.root.node.children
    .map((child) => (Chart.isChart(child) ? child.node.tryFindChild(id) : undefined))
    .find((found) => found !== undefined);
}
