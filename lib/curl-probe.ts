import { Duration, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppCoherenceCheck } from './app-coherence-check';
import { ApiServerProxyAccess } from './api-server-probe';
import { caVolume, CaSourceKind, ICertificateTrust, selfSignedSecretTrust } from './certificate-trust';
import { checkSinglePeerCopies } from './peer-copies';
import { PropsValidator } from './prop-validation';
import { restrictedContainerSecurityContext } from './security';

/** An HTTPS endpoint a probe can check: a {@link SecureNginxApp} or an `ExposedEndpoint` with TLS. */
export interface HttpsTarget {
  /** Namespace of the target Service. */
  readonly namespace: string;
  /** The Service's DNS names, shortest first (`NAME`, `NAME.NS`, `NAME.NS.svc`, ...). */
  readonly serviceDnsNames: string[];
  /** Service port that speaks HTTPS. */
  readonly httpsPort: number;
  /** The target's TLS Secret. */
  readonly secret: kplus.ISecret;
  /**
   * How clients trust the target's certificate, from any namespace.
   * @default clients in the target's namespace trust the Secret's `tls.crt` (a self-signed certificate)
   */
  readonly trust?: ICertificateTrust;
  /**
   * Name of the HTTPS Service port, for API server proxy paths (`https:NAME:PORT_NAME`).
   * @default the port is addressed by number
   */
  readonly httpsPortName?: string;
}

/** Which way the probe's request takes to the target. */
export enum ProbeRoute {
  /** Straight to the Service by its DNS name, verifying the target's certificate (the docs' curl pod). */
  SERVICE = 'service',
  /**
   * Through the API server's proxy (`https://kubernetes.default.svc/api/v1/namespaces/NS/services/https:NAME:PORT/proxy/`)
   * with a short-lived ServiceAccount token allowed only that path.
   */
  API_SERVER_PROXY = 'api-server-proxy',
}

/** What the probe runs. */
export enum CurlProbeMode {
  /** The docs' client: an idle Deployment to `kubectl exec ... curl` from. */
  CLIENT = 'client',
  /** A Job that runs the check once and fails unless it passes (like `helm test`). */
  JOB = 'job',
}

/**
 * curlimages/curl runs as this uid (`curl_user`); pinned so the pod passes `runAsNonRoot`.
 * A tag, not `latest`, so pods do not change under users.
 */
export const DEFAULT_CURL_IMAGE = 'curlimages/curl:8.10.1';
/** Where the docs' curl pod mounts the CA certificates; curl gets `--cacert <this>/tls.crt` (or `ca.crt` from a ConfigMap). */
export const DEFAULT_CA_MOUNT_PATH = '/etc/nginx/ssl';
/** The uid the curl image runs as (`curl_user` in curlimages/curl). */
export const CURL_IMAGE_UID = 100;

/** Props of {@link CurlProbe}. */
export interface CurlProbeProps {
  /** The endpoint to check; its names, port and CA Secret are taken from it. */
  readonly target: HttpsTarget;
  /**
   * Idle client Deployment, or a Job that runs the check.
   * @default CurlProbeMode.CLIENT
   */
  readonly mode?: CurlProbeMode;
  /**
   * Straight to the Service, or through the API server proxy.
   * @default ProbeRoute.SERVICE
   */
  readonly route?: ProbeRoute;
  /**
   * Name of the Deployment or Job, and the value of its `app` label. The docs call the client
   * `curl-deployment`.
   * @default a name unique to the construct path, so several probes never clash (e.g. `chart-check-c8a1b2c3`)
   */
  readonly name?: string;
  /**
   * Namespace of the probe.
   * @default the target's namespace
   */
  readonly namespace?: string;
  /**
   * Pod labels; NetworkPolicies admit the probe by these. The docs label the client `app: curlpod`.
   * @default { app: name }, unique like the name, so no two client Deployments select each other's pods
   */
  readonly podLabels?: Record<string, string>;
  /**
   * curl image.
   * @default DEFAULT_CURL_IMAGE
   */
  readonly image?: string;
  /**
   * uid the image runs as.
   * @default CURL_IMAGE_UID (100)
   */
  readonly runAsUser?: number;
  /**
   * Where the target's certificate is mounted; curl gets `--cacert <mountPath>/tls.crt`.
   * @default '/etc/nginx/ssl' (as in the docs)
   */
  readonly caMountPath?: string;
  /**
   * URL path requested.
   * @default '/'
   */
  readonly path?: string;
  /**
   * How many times curl retries (with exponential backoff) while the server starts (JOB only).
   * @default 10
   */
  readonly retries?: number;
  /**
   * Upper bound on the whole check, retries included (JOB only).
   * @default Duration.minutes(3)
   */
  readonly timeout?: Duration;
}

/** Options of {@link curlCheckCommand}. */
export interface CurlCheckCommandOptions {
  /** The HTTPS URL to check. */
  readonly url: string;
  /** CA certificate file to verify the server against (`--cacert`). */
  readonly caFile: string;
  /** How many times curl retries, with exponential backoff, while the server starts. */
  readonly retries: number;
  /** Upper bound on the whole check, retries included, in seconds. */
  readonly maxTimeSeconds: number;
}

/**
 * The argv that proves the chain: verify the server against `caFile` for the URL's host name,
 * retry with curl's exponential backoff while the server starts, fail on HTTP errors.
 */
export function curlCheckCommand(options: CurlCheckCommandOptions): string[] {
  return [
    'curl', '--fail', '--silent', '--show-error',
    '--retry', String(options.retries), '--retry-all-errors', '--retry-max-time', String(options.maxTimeSeconds),
    '--connect-timeout', '5',
    '--cacert', options.caFile,
    '--output', '/dev/null', '--write-out', '%{http_code} %{url_effective}\\n',
    options.url,
  ];
}

/** The URL of `target` as seen from `namespace`: the short name works only inside its own namespace. */
export function targetUrl(target: HttpsTarget, fromNamespace: string, path: string): string {
  const [shortName, , svcName] = target.serviceDnsNames;
  const host = fromNamespace === target.namespace ? shortName : svcName;
  const port = target.httpsPort === 443 ? '' : `:${target.httpsPort}`;
  return `https://${host}${port}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * A curl client of an HTTPS endpoint, trusting only the endpoint's CA (for a self-signed certificate,
 * the certificate itself). It mounts CA certificates only, never the private key; in a namespace
 * other than the target's it gets them from a ConfigMap there.
 */
export class CurlProbe extends Construct {
  /** Idle client Deployment or check Job. */
  public readonly mode: CurlProbeMode;
  /** How the probe reaches its target: through the Service, or through the API server proxy. */
  public readonly route: ProbeRoute;
  /** ServiceAccount, Role and RoleBinding of an API_SERVER_PROXY probe. */
  public readonly apiServerAccess?: ApiServerProxyAccess;
  /** The Deployment (CLIENT) or Job (JOB). */
  public readonly workload: kplus.Deployment | kplus.Job;
  /** Labels of the probe's pods; admit them with `endpoint.allowFrom([{ podLabels }])`. */
  public readonly podLabels: Record<string, string>;
  /** The URL the probe checks. */
  public readonly url: string;
  /** The full check command; the Job runs exactly this, and it is what to `kubectl exec` in the client. */
  public readonly command: string[];

  constructor(scope: Construct, id: string, props: CurlProbeProps) {
    super(scope, id);
    checkSinglePeerCopies(this, 'CurlProbe');
    this.mode = props.mode ?? CurlProbeMode.CLIENT;
    this.route = props.route ?? ProbeRoute.SERVICE;
    const name = props.name ?? Names.toDnsLabel(this);
    const namespace = props.namespace ?? props.target.namespace;
    const caMountPath = props.caMountPath ?? DEFAULT_CA_MOUNT_PATH;
    const retries = props.retries ?? 10;
    const timeout = props.timeout ?? Duration.minutes(3);
    const runAsUser = props.runAsUser ?? CURL_IMAGE_UID;
    this.podLabels = props.podLabels ?? { app: name };
    const trust = props.target.trust ?? selfSignedSecretTrust(props.target.namespace, props.target.secret.name,
      'give the target a trust (a SecureNginxApp has one), so the probe gets the CA in its namespace');
    this.validate(props, { name, namespace, caMountPath, retries, timeout, runAsUser, trust });
    AppCoherenceCheck.addTo(this);

    const target = props.target;
    const ca = this.route === ProbeRoute.SERVICE ? trust.provideIn(this, namespace) : undefined;
    this.apiServerAccess = this.route === ProbeRoute.API_SERVER_PROXY ? new ApiServerProxyAccess(this, 'ApiServerAccess', {
      name, namespace, target: { namespace: target.namespace, serviceName: target.serviceDnsNames[0], port: target.httpsPortName ?? target.httpsPort },
    }) : undefined;
    this.url = this.apiServerAccess?.url ?? targetUrl(target, namespace, props.path ?? '/');
    this.command = this.apiServerAccess?.curlCommand(retries, timeout.toSeconds()) ?? curlCheckCommand({
      url: this.url,
      caFile: `${caMountPath}/${ca?.key}`,
      retries,
      maxTimeSeconds: timeout.toSeconds(),
    });
    this.workload = this.createWorkload(name, namespace, runAsUser, timeout);
    const curl = this.addCurlContainer(props.image ?? DEFAULT_CURL_IMAGE, runAsUser);
    if (this.apiServerAccess) {
      this.apiServerAccess.mountCredentials(this.workload);
    } else if (ca) {
      const volumeName = ca.kind === CaSourceKind.SECRET ? 'secret-volume' : 'ca-volume';
      curl.mount(caMountPath, caVolume(this, 'CaVolume', ca, volumeName), { readOnly: true });
    }
  }

  private validate(props: CurlProbeProps, resolved: {
    name: string; namespace: string; caMountPath: string; retries: number; timeout: Duration; runAsUser: number; trust: ICertificateTrust;
  }): void {
    const { name, namespace, caMountPath, retries, timeout, runAsUser, trust } = resolved;
    const check = new PropsValidator(this, 'CurlProbe');
    check.dnsSubdomain('name', name);
    // The default pod label carries the name, and label values are shorter than names.
    if (props.podLabels === undefined) check.labelValue('name', name);
    check.dnsLabel('namespace', namespace);
    // Pods mount Secrets and ConfigMaps of their own namespace only: the trust says what another namespace gets.
    const unavailable = this.route === ProbeRoute.SERVICE ? trust.unavailableIn(namespace) : undefined;
    check.check(unavailable === undefined, 'namespace', `${unavailable}`);
    check.check(this.route === ProbeRoute.SERVICE || namespace === props.target.namespace, 'namespace',
      `"${namespace}" is not the target's namespace "${props.target.namespace}": an API server proxy probe runs there; leave namespace unset`);
    check.check(caMountPath.startsWith('/'), 'caMountPath', `"${caMountPath}" is not absolute: use a path starting with '/'`);
    check.integerAtLeast('retries', retries, 0);
    check.check(timeout.toSeconds() >= 1, 'timeout', 'must be at least one second');
    check.integerAtLeast('runAsUser', runAsUser, 1);
    check.check(props.target.serviceDnsNames.length >= 3, 'target.serviceDnsNames',
      'needs the Service\'s DNS names (NAME, NAME.NS, NAME.NS.svc, ...): pass a SecureNginxApp or ExposedEndpoint');
    check.throwIfInvalid();
  }

  /** The idle client Deployment or the check Job, running as `runAsUser` with no service account token. */
  private createWorkload(name: string, namespace: string, runAsUser: number, timeout: Duration): kplus.Deployment | kplus.Job {
    const workloadProps: kplus.WorkloadProps = {
      metadata: { name, namespace, labels: this.podLabels },
      select: false,
      securityContext: { ensureNonRoot: true, user: runAsUser, group: runAsUser },
      automountServiceAccountToken: false,
      serviceAccount: this.apiServerAccess && kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccountRef', name),
    };
    const workload = this.mode === CurlProbeMode.JOB
      ? new kplus.Job(this, 'Job', { ...workloadProps, backoffLimit: 1, activeDeadline: Duration.seconds(timeout.toSeconds() * 2) })
      : new kplus.Deployment(this, 'Deployment', { ...workloadProps, replicas: 1 });
    // A Deployment needs its selector; the API server generates a Job's and rejects one given.
    if (workload instanceof kplus.Deployment) workload.select(kplus.LabelSelector.of({ labels: this.podLabels }));
    Object.entries(this.podLabels).forEach(([key, value]) => workload.podMetadata.addLabel(key, value));
    return workload;
  }

  private addCurlContainer(image: string, runAsUser: number): kplus.Container {
    return this.workload.addContainer({
      name: 'curlpod',
      image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      // The client idles (and stops at once on SIGTERM) until someone runs the check in it.
      command: this.mode === CurlProbeMode.JOB ? this.command : ['sh', '-c', 'trap "exit 0" TERM INT; while true; do sleep 1; done'],
      securityContext: restrictedContainerSecurityContext(runAsUser),
      resources: {
        cpu: { request: kplus.Cpu.millis(10) },
        memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
      },
    });
  }
}
