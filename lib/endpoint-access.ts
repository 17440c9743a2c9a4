import * as kplus from 'cdk8s-plus-28';
import {
  AccessPort,
  apiServerProxyPath,
  kubectlProxyUrl,
  serviceDnsNames,
  serviceEnvVars,
  ServiceEnvVar,
  UrlScheme,
} from './service-access';

/** An Ingress in front of an endpoint, as the access map describes it. */
export interface IngressDescription {
  /** Host name the Ingress answers for. */
  readonly host: string;
  /** Path prefix routed to the Service. */
  readonly path: string;
  /** Whether the Ingress terminates TLS (so its URL is `https:`). */
  readonly tls: boolean;
}

/** The Service facts the access map is computed from. */
export interface EndpointDescription {
  /** Name of the Service. */
  readonly serviceName: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Service type. */
  readonly type: kplus.ServiceType;
  /** The Service's ports (none for ExternalName). */
  readonly ports: readonly EndpointPortDescription[];
  /**
   * For ExternalName: the name the cluster DNS answers with (CNAME).
   * @default none
   */
  readonly externalName?: string;
  /**
   * The Ingress in front of the Service.
   * @default no Ingress
   */
  readonly ingress?: IngressDescription;
  /**
   * CA file inside a client pod that trusts the endpoint's TLS certificate, for `curl --cacert`.
   * @default curl commands without `--cacert`
   */
  readonly caFile?: string;
  /**
   * Cluster DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * When a NetworkPolicy guards the pods: who it admits, in words.
   * @default no NetworkPolicy
   */
  readonly admittedPeers?: readonly string[];
}

/** A Service port as the access map sees it. */
export interface EndpointPortDescription extends AccessPort {
  /** Whether clients speak TLS to this port. */
  readonly tls: boolean;
  /**
   * Fixed node port (NodePort and LoadBalancer).
   * @default the one the cluster picked, read with kubectl
   */
  readonly nodePort?: number;
}

/** How to reach one port of an endpoint. */
export interface PortAccess {
  /** Port name, if the port has one. */
  readonly name?: string;
  /** Service port number. */
  readonly port: number;
  /** Whether clients speak HTTP or HTTPS to it. */
  readonly scheme: UrlScheme;
  /** In-cluster URL by the short name (same namespace). */
  readonly clusterUrl: string;
  /** API server proxy path (`/api/v1/namespaces/NS/services/[https:]NAME:PORT/proxy/`). */
  readonly apiServerProxyPath: string;
  /** The same through `kubectl proxy` on its default port. */
  readonly kubectlProxyUrl: string;
  /** `<node-ip>:<nodePort>` on NodePort and LoadBalancer Services. */
  readonly nodeAddress?: string;
  /** The check to run from a pod in the namespace. */
  readonly curlCommand: string;
}

/** Every documented way to reach an endpoint, computed from its Service. */
export interface EndpointAccess {
  /** Name of the Service. */
  readonly serviceName: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Service type. */
  readonly type: kplus.ServiceType;
  /** Every DNS name of the Service, shortest first. */
  readonly dnsNames: string[];
  /** Variables the kubelet injects into pods created after the Service (none for ExternalName). */
  readonly envVars: ServiceEnvVar[];
  /** How to reach each port. */
  readonly ports: PortAccess[];
  /** For ExternalName: the name the Service is an alias of. */
  readonly externalName?: string;
  /** The Ingress URL, when an Ingress fronts the Service. */
  readonly ingressUrl?: string;
  /** How to read the load balancer's address once the cloud assigned it. */
  readonly loadBalancerAddressCommand?: string;
  /** When a NetworkPolicy guards the pods: who it admits; everyone else is refused. */
  readonly admittedPeers?: readonly string[];
}

/** Computes the access map of an endpoint: DNS names, env vars, proxy URLs, node and external addresses. */
export function describeEndpointAccess(endpoint: EndpointDescription): EndpointAccess {
  const { serviceName, namespace } = endpoint;
  const opensNodePorts = endpoint.type === kplus.ServiceType.NODE_PORT || endpoint.type === kplus.ServiceType.LOAD_BALANCER;
  const ports = endpoint.ports.map((port): PortAccess => {
    const scheme = port.tls ? UrlScheme.HTTPS : UrlScheme.HTTP;
    const defaultPort = port.tls ? 443 : 80;
    const clusterUrl = `${scheme}://${serviceName}${port.port === defaultPort ? '' : `:${port.port}`}/`;
    const proxyPath = apiServerProxyPath({ namespace, serviceName, scheme, port: port.name ?? port.port });
    return {
      name: port.name,
      port: port.port,
      scheme,
      clusterUrl,
      apiServerProxyPath: proxyPath,
      kubectlProxyUrl: kubectlProxyUrl(proxyPath),
      nodeAddress: opensNodePorts ? `<node-ip>:${port.nodePort ?? assignedNodePortCommand(endpoint, port)}` : undefined,
      curlCommand: port.tls && endpoint.caFile ? `curl ${clusterUrl} --cacert ${endpoint.caFile}` : `curl ${clusterUrl}`,
    };
  });
  const ingress = endpoint.ingress;
  return {
    serviceName,
    namespace,
    type: endpoint.type,
    dnsNames: serviceDnsNames(serviceName, namespace, endpoint.clusterDomain),
    envVars: endpoint.type === kplus.ServiceType.EXTERNAL_NAME ? [] : serviceEnvVars(serviceName, endpoint.ports),
    ports,
    externalName: endpoint.externalName,
    ingressUrl: ingress ? `${ingress.tls ? 'https' : 'http'}://${ingress.host}${ingress.path}` : undefined,
    loadBalancerAddressCommand: endpoint.type === kplus.ServiceType.LOAD_BALANCER
      ? `kubectl get svc ${serviceName} -n ${namespace} -o jsonpath='{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}'`
      : undefined,
    admittedPeers: endpoint.admittedPeers,
  };
}

/** The cluster picks node ports it is not given; this reads the one it picked. */
function assignedNodePortCommand(endpoint: EndpointDescription, port: EndpointPortDescription): string {
  const match = port.name ? `@.name=="${port.name}"` : `@.port==${port.port}`;
  return `$(kubectl get svc ${endpoint.serviceName} -n ${endpoint.namespace} -o jsonpath='{.spec.ports[?(${match})].nodePort}')`;
}

/** Renders access maps as the Markdown document written beside the manifests. */
export function renderAccessMarkdown(title: string, endpoints: readonly EndpointAccess[]): string {
  const out: string[] = [`# ${title}`, '', 'Generated by `cdk8s synth` from the Services in this folder. Do not edit.', ''];
  for (const endpoint of endpoints) {
    out.push(`## Service \`${endpoint.serviceName}\` (${endpoint.type}, namespace \`${endpoint.namespace}\`)`, '');
    out.push('In-cluster DNS names:', '', ...endpoint.dnsNames.map((name) => `- \`${name}\``), '');
    if (endpoint.externalName) {
      out.push(`Cluster DNS answers these names with a CNAME to \`${endpoint.externalName}\`; no proxying, no ports.`, '');
    }
    if (endpoint.envVars.length > 0) {
      out.push('Environment variables injected into containers of pods created **after** this Service exists',
        '(pods started earlier lack them: `kubectl rollout restart` those workloads; DNS has no such ordering caveat):', '',
        '```', ...endpoint.envVars.map((v) => `${v.name}=${v.value}`), '```', '');
    }
    for (const port of endpoint.ports) {
      out.push(`### Port ${port.name ? `\`${port.name}\` ` : ''}${port.port} (${port.scheme})`, '',
        `- from a pod in \`${endpoint.namespace}\`: \`${port.curlCommand}\``,
        `- API server proxy: \`${port.apiServerProxyPath}\``,
        `- through \`kubectl proxy\`: \`${port.kubectlProxyUrl}\``);
      if (port.nodeAddress) out.push(`- from outside, on any node: \`${port.scheme}://${port.nodeAddress}/\``);
      out.push('');
    }
    if (endpoint.loadBalancerAddressCommand) {
      out.push(`Load balancer address: \`${endpoint.loadBalancerAddressCommand}\`, then \`<address>:<port>\`.`, '');
    }
    if (endpoint.ingressUrl) out.push(`Ingress: \`${endpoint.ingressUrl}\``, '');
    if (endpoint.admittedPeers) {
      out.push('A NetworkPolicy admits only these pods (on clusters that enforce NetworkPolicy, everything else,',
        'node ports from outside included, is refused):', '', ...endpoint.admittedPeers.map((peer) => `- ${peer}`), '');
    }
  }
  return out.join('\n');
}
