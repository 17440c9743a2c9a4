import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { curlCheckCommand } from './curl-probe';
import { IN_CLUSTER_API_SERVER, inClusterProxyUrl, SERVICE_ACCOUNT_MOUNT_PATH } from './discovery-access';
import { PropsValidator } from './prop-validation';
import { apiServerProxyPath, apiServerProxySegment, UrlScheme } from './service-access';

/** The shortest lifetime the API server issues a projected token for; the kubelet renews it at 80%. */
export const MIN_PROJECTED_TOKEN_SECONDS = 600;

/** Which Service port, and how, the probe asks the API server to proxy to. */
export interface ApiServerProxyProbeTarget {
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Service name. */
  readonly serviceName: string;
  /** Service port by name or number; the API server speaks HTTPS to it. */
  readonly port: string | number;
}

/** Options of {@link apiServerProxyCurlCommand}. */
export interface ApiServerProxyCurlOptions {
  /** The proxy path, e.g. `/api/v1/namespaces/default/services/https:my-nginx:https/proxy/`. */
  readonly proxyPath: string;
  /**
   * The API server's URL as the pod reaches it.
   * @default IN_CLUSTER_API_SERVER
   */
  readonly apiServer?: string;
  /**
   * Directory holding `token` and `ca.crt`.
   * @default SERVICE_ACCOUNT_MOUNT_PATH
   */
  readonly credentialsDir?: string;
  /** How many times curl retries while the backend starts. */
  readonly retries: number;
  /** Upper bound on the whole check, retries included. */
  readonly maxTimeSeconds: number;
}

/**
 * `sh -c 'exec curl ... --cacert DIR/ca.crt --header "Authorization: Bearer $(cat DIR/token)" URL'`:
 * the docs' request from a pod, verifying the API server against the cluster CA. The shell reads the
 * token when the check runs, so a token the kubelet renewed is used.
 */
export function apiServerProxyCurlCommand(options: ApiServerProxyCurlOptions): string[] {
  const dir = options.credentialsDir ?? SERVICE_ACCOUNT_MOUNT_PATH;
  const url = `${options.apiServer ?? IN_CLUSTER_API_SERVER}${options.proxyPath}`;
  const argv = curlCheckCommand({ url, caFile: `${dir}/ca.crt`, retries: options.retries, maxTimeSeconds: options.maxTimeSeconds });
  const words = argv.map(shellQuote);
  // The header goes before the URL (the last word): curl takes options anywhere, readers expect it there.
  words.splice(words.length - 1, 0, '--header', `"Authorization: Bearer $(cat ${shellQuote(`${dir}/token`)})"`);
  return ['sh', '-c', `exec ${words.join(' ')}`];
}

/** Props of {@link ApiServerProxyAccess}. */
export interface ApiServerProxyAccessProps {
  /** Name of the ServiceAccount, Role and RoleBinding. */
  readonly name: string;
  /** Namespace of the probe and its ServiceAccount. */
  readonly namespace: string;
  /** The Service port to proxy to. */
  readonly target: ApiServerProxyProbeTarget;
  /**
   * Token lifetime, at least 600 seconds.
   * @default 600
   */
  readonly tokenExpirationSeconds?: number;
  /**
   * Audience of the token.
   * @default the API server's own audience (its --api-audiences), which is what it accepts
   */
  readonly tokenAudience?: string;
}

/**
 * What a pod needs to call the API server proxy of one Service port and nothing else: a
 * ServiceAccount that mounts no token anywhere, a Role allowing only `get` on `services/proxy` for
 * that port's proxy name, a RoleBinding, and a projected token volume for the one pod that uses it.
 */
export class ApiServerProxyAccess extends Construct {
  /** The probe's ServiceAccount (it mounts no token by itself). */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The Role allowing `get` on the one `services/proxy` resource. */
  public readonly role: k8s.KubeRole;
  /** Binds the Role to the ServiceAccount. */
  public readonly roleBinding: k8s.KubeRoleBinding;
  /** `/api/v1/namespaces/NS/services/https:NAME:PORT/proxy/`. */
  public readonly proxyPath: string;
  /** The proxy URL as pods reach it. */
  public readonly url: string;
  private readonly tokenExpirationSeconds: number;
  private readonly tokenAudience?: string;

  constructor(scope: Construct, id: string, props: ApiServerProxyAccessProps) {
    super(scope, id);
    this.tokenExpirationSeconds = props.tokenExpirationSeconds ?? MIN_PROJECTED_TOKEN_SECONDS;
    this.tokenAudience = props.tokenAudience;
    const check = new PropsValidator(this, 'ApiServerProxyAccess');
    check.dnsSubdomain('name', props.name);
    check.integerAtLeast('tokenExpirationSeconds', this.tokenExpirationSeconds, MIN_PROJECTED_TOKEN_SECONDS);
    check.check(props.tokenAudience === undefined || props.tokenAudience.length > 0, 'tokenAudience', 'is empty: leave it unset for the API server\'s own audience');
    check.throwIfInvalid();

    const proxy = { namespace: props.target.namespace, serviceName: props.target.serviceName, scheme: UrlScheme.HTTPS, port: props.target.port };
    this.proxyPath = apiServerProxyPath(proxy);
    this.url = inClusterProxyUrl(this.proxyPath);
    const metadata = { name: props.name, namespace: props.namespace };
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: { ...metadata, namespace: props.target.namespace },
      // The authorizer sees the proxied name with its scheme and port (`https:NAME:PORT`), not the Service name.
      rules: [{ apiGroups: [''], resources: ['services/proxy'], resourceNames: [apiServerProxySegment(proxy)], verbs: ['get'] }],
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { ...metadata, namespace: props.target.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: props.namespace }],
    });
  }

  /** The check to run in the pod. */
  public curlCommand(retries: number, maxTimeSeconds: number): string[] {
    return apiServerProxyCurlCommand({ proxyPath: this.proxyPath, retries, maxTimeSeconds });
  }

  /** Mounts the short-lived token, the cluster CA and the namespace where the docs say a pod finds them. */
  public mountCredentials(workload: kplus.Workload): void {
    const volume: k8s.Volume = {
      name: 'api-credentials',
      projected: {
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: this.tokenExpirationSeconds, audience: this.tokenAudience } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    };
    // cdk8s-plus has no projected volumes: patch the pod template. The Kube* classes convert their
    // props to JSON after applying patches, so the patch holds props (`downwardApi`), not JSON.
    ApiObject.of(workload).addJsonPatch(
      JsonPatch.add('/spec/template/spec/volumes', [volume]),
      JsonPatch.add('/spec/template/spec/containers/0/volumeMounts', [{ name: volume.name, mountPath: SERVICE_ACCOUNT_MOUNT_PATH, readOnly: true }]),
    );
  }
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
