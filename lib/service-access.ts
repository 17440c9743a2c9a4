/**
 * How clients find a Service, as the Kubernetes docs define it: cluster DNS names, the environment
 * variables the kubelet injects, and API server proxy URLs. Pure functions, no cluster needed.
 */

/** The cluster DNS domain unless the cluster was set up with another. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** `kubectl proxy` listens here unless given `--port`. */
export const DEFAULT_KUBECTL_PROXY_PORT = 8001;

/** How a client speaks to a Service port: plain HTTP or HTTPS. */
export enum UrlScheme {
  /** Plain HTTP. */
  HTTP = 'http',
  /** HTTP over TLS. */
  HTTPS = 'https',
}

/** A Service port as the access helpers see it. */
export interface AccessPort {
  /** Port name (`http`, `https`); unnamed ports are reached by number. */
  readonly name?: string;
  /** The Service port number clients connect to. */
  readonly port: number;
  /**
   * Transport protocol (`TCP`, `UDP`, `SCTP`), as in the Service spec.
   * @default 'TCP'
   */
  readonly protocol?: string;
}

/**
 * Every name cluster DNS answers for a Service, shortest first: `NAME` (same namespace),
 * `NAME.NS`, `NAME.NS.svc`, `NAME.NS.svc.CLUSTER_DOMAIN`.
 */
export function serviceDnsNames(name: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.${clusterDomain}`];
}

/** `my-nginx` -> `MY_NGINX`: the prefix of the kubelet's variables for a Service. */
export function serviceEnvVarPrefix(serviceName: string): string {
  return serviceName.toUpperCase().replace(/-/g, '_');
}

/** One injected variable; `value` uses `<cluster-ip>` where the API server assigns the address. */
export interface ServiceEnvVar {
  /** Variable name, e.g. `MY_NGINX_SERVICE_HOST`. */
  readonly name: string;
  /** Variable value, e.g. `443` or `tcp://<cluster-ip>:443`. */
  readonly value: string;
}

/**
 * The variables the kubelet injects into containers of pods created after the Service exists:
 * `{NAME}_SERVICE_HOST`, `{NAME}_SERVICE_PORT` (first port), `{NAME}_SERVICE_PORT_{PORT_NAME}` per
 * named port, and the Docker-links style `{NAME}_PORT*` variables.
 */
export function serviceEnvVars(serviceName: string, ports: readonly AccessPort[], host = '<cluster-ip>'): ServiceEnvVar[] {
  if (ports.length === 0) return [];
  const prefix = serviceEnvVarPrefix(serviceName);
  const vars: ServiceEnvVar[] = [
    { name: `${prefix}_SERVICE_HOST`, value: host },
    { name: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) },
  ];
  for (const port of ports) {
    if (port.name) vars.push({ name: `${prefix}_SERVICE_PORT_${serviceEnvVarPrefix(port.name)}`, value: String(port.port) });
  }
  const first = ports[0];
  vars.push({ name: `${prefix}_PORT`, value: `${protocolOf(first).toLowerCase()}://${host}:${first.port}` });
  for (const port of ports) {
    const protocol = protocolOf(port);
    const stem = `${prefix}_PORT_${port.port}_${protocol}`;
    vars.push(
      { name: stem, value: `${protocol.toLowerCase()}://${host}:${port.port}` },
      { name: `${stem}_PROTO`, value: protocol.toLowerCase() },
      { name: `${stem}_PORT`, value: String(port.port) },
      { name: `${stem}_ADDR`, value: host },
    );
  }
  return vars;
}

/** Which Service port, and how, the API server proxy should talk to. */
export interface ApiServerProxyTarget {
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Name of the Service. */
  readonly serviceName: string;
  /**
   * `HTTPS` makes the API server speak TLS to the Service.
   * @default UrlScheme.HTTP
   */
  readonly scheme?: UrlScheme;
  /** Port name or number; omitted means the default (or only unnamed) port. */
  readonly port?: string | number;
  /** Path and query after `/proxy/`, e.g. `_search?q=user:kimchy`. @default '' */
  readonly path?: string;
}

/**
 * `/api/v1/namespaces/NS/services/SEGMENT/proxy/PATH`, where SEGMENT is `NAME`, `NAME:PORT`,
 * `https:NAME:` (https, default port: note the trailing colon) or `https:NAME:PORT`.
 */
export function apiServerProxyPath(target: ApiServerProxyTarget): string {
  const path = (target.path ?? '').replace(/^\/+/, '');
  return `/api/v1/namespaces/${target.namespace}/services/${apiServerProxySegment(target)}/proxy/${path}`;
}

/**
 * The SEGMENT of {@link apiServerProxyPath}. It is also the resource name RBAC sees for
 * `services/proxy`, so a Role's `resourceNames` must list it exactly.
 */
export function apiServerProxySegment(target: ApiServerProxyTarget): string {
  const port = target.port === undefined ? '' : String(target.port);
  if (target.scheme === UrlScheme.HTTPS) return `https:${target.serviceName}:${port}`;
  return port ? `${target.serviceName}:${port}` : target.serviceName;
}

/** The same path reached through `kubectl proxy` on this machine. */
export function kubectlProxyUrl(proxyPath: string, proxyPort: number = DEFAULT_KUBECTL_PROXY_PORT): string {
  return `http://localhost:${proxyPort}${proxyPath}`;
}

function protocolOf(port: AccessPort): string {
  return (port.protocol ?? 'TCP').toUpperCase();
}
