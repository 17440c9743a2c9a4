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
import {
  API_SERVER_ADDRESS_COMMAND, clusterInfoLine, dnsCheckCommands, headlessPodDnsName, inClusterProxyUrl, kubectlGetRawCommand, podDnsName, podDnsNamesCommand,
  SERVICE_ACCOUNT_MOUNT_PATH,
} from './discovery-access';

/** An Ingress in front of an endpoint, as the access map describes it. */
export interface IngressDescription {
  /** Host name the Ingress answers for. */
  readonly host: string;
  /** Path prefix routed to the Service. */
  readonly path: string;
  /** Whether the Ingress terminates TLS (so its URL is `https:`). */
  readonly tls: boolean;
  /** The container port that the Service port it routes to forwards to. */
  readonly targetPort: number | string;
  /** The ingress controller's pods, who connect to the backend, in words (as {@link NetworkPeerDescription.text}). */
  readonly controller: string;
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
   * The NetworkPolicy guarding the pods: everything it does not admit is refused.
   * @default no NetworkPolicy
   */
  readonly networkPolicy?: NetworkPolicyDescription;
  /** Labels of the backend pods, to list their pod DNS names. */
  readonly podLabels?: Record<string, string>;
  /** Name of the headless twin of the Service, when there is one. */
  readonly headlessServiceName?: string;
  /** Gateway API routes to the Service. */
  readonly gatewayRoutes?: readonly GatewayRouteAccess[];
  /** Service mesh traffic splits of the Service. */
  readonly meshSplits?: readonly MeshSplitAccess[];
}

/** An HTTPRoute to the Service, for the access map. */
export interface GatewayRouteAccess {
  /** Name of the HTTPRoute. */
  readonly name: string;
  /** Host names it matches. */
  readonly hostnames: readonly string[];
  /** Path prefix it matches. */
  readonly pathPrefix: string;
  /** Set when the Gateway's HTTPS listener is known. */
  readonly urls: readonly string[];
  /** Whether the Gateway verifies the backend's TLS (BackendTLSPolicy). */
  readonly backendTls: boolean;
}

/** A VirtualService splitting the Service's traffic, for the access map. */
export interface MeshSplitAccess {
  /** Name of the VirtualService. */
  readonly name: string;
  /** The subsets and their shares. */
  readonly subsets: readonly MeshSubsetShare[];
}

/** A subset and its share of the requests, in percent. */
export interface MeshSubsetShare {
  /** Subset name (DestinationRule subset). */
  readonly name: string;
  /** Share of the requests, in percent. */
  readonly weight: number;
}

/** The headless twin of a Service: one name for every pod IP, and a record per pod. */
export interface HeadlessServiceAccess {
  /** Its fully qualified name, which cluster DNS answers with every ready pod's IP. */
  readonly dnsName: string;
  /** The per-pod record form under it. */
  readonly podDnsForm: string;
}

/** Discovery beyond the Service's names: pod records, a headless Service, DNS checks. */
export interface DiscoveryAccess {
  /** The pod record form, e.g. `<pod-ip-with-dashes>.default.pod.cluster.local`. */
  readonly podDnsForm: string;
  /** Lists the backend pods' records (when the pods are known). */
  readonly podDnsNamesCommand?: string;
  /** The headless Service's name (all pod IPs) and per-pod record form. */
  readonly headless?: HeadlessServiceAccess;
  /** `kubectl cluster-info` style lines, one per port. */
  readonly clusterInfoLines: string[];
  /** Commands that check DNS from a pod. */
  readonly dnsCheckCommands: string[];
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
  /** The container port it forwards to, by name or number. @default the same as port */
  readonly targetPort?: number | string;
}

/** A client a NetworkPolicy admits. */
export interface NetworkPeerDescription {
  /** e.g. `pods app=curlpod in this namespace`, `addresses 0.0.0.0/0`. */
  readonly text: string;
  /** Set for addresses: where clients outside the cluster (and the API server) are admitted. */
  readonly ipBlock?: string;
}

/** One ingress rule of a NetworkPolicy: these peers, on these container ports. */
export interface NetworkPolicyRuleDescription {
  /** Who the rule admits. */
  readonly peers: readonly NetworkPeerDescription[];
  /** The container ports it admits them to, by name or number. */
  readonly targetPorts: readonly (number | string)[];
}

/** The NetworkPolicy guarding an endpoint's pods, as the access map describes it. */
export interface NetworkPolicyDescription {
  /** Name of the NetworkPolicy. */
  readonly name: string;
  /** Its ingress rules; a client no rule admits is refused. */
  readonly rules: readonly NetworkPolicyRuleDescription[];
}

/** Whether the NetworkPolicy lets one route through, and who gets through. */
export interface RouteAdmission {
  /** Whether the route's clients get through. */
  readonly allowed: boolean;
  /** Who is admitted, or why nobody is, in words. */
  readonly detail: string;
}

/** The NetworkPolicy's verdict on each way to reach one port. */
export interface PortAdmission {
  /** Pods connecting to the Service (or the pods) inside the cluster. */
  readonly fromPods: RouteAdmission;
  /** The API server proxy and `kubectl proxy`: the API server connects from its own address. */
  readonly fromApiServer: RouteAdmission;
  /** Node ports and the load balancer: clients outside the cluster. */
  readonly fromOutside?: RouteAdmission;
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
  /** The same from inside a pod, with its ServiceAccount token (`https://kubernetes.default.svc/...`). */
  readonly inClusterApiServerUrl: string;
  /** The same with your kubeconfig's credentials: `kubectl get --raw PATH`. */
  readonly kubectlGetRawCommand: string;
  /** `<node-ip>:<nodePort>` on NodePort and LoadBalancer Services. */
  readonly nodeAddress?: string;
  /** The check to run from a pod in the namespace. */
  readonly curlCommand: string;
  /** What the NetworkPolicy lets through, when one guards the pods. */
  readonly admission?: PortAdmission;
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
  /** Whether the NetworkPolicy lets the ingress controller through, when both exist. */
  readonly ingressAdmission?: RouteAdmission;
  /** The NetworkPolicy guarding the pods: who it admits; everyone else is refused. */
  readonly networkPolicy?: NetworkPolicyDescription;
  /** Pod records, the headless Service, DNS checks. */
  readonly discovery: DiscoveryAccess;
  /** Gateway API routes to the Service. */
  readonly gatewayRoutes: readonly GatewayRouteAccess[];
  /** Service mesh traffic splits of the Service. */
  readonly meshSplits: readonly MeshSplitAccess[];
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
      inClusterApiServerUrl: inClusterProxyUrl(proxyPath),
      kubectlGetRawCommand: kubectlGetRawCommand(proxyPath),
      nodeAddress: opensNodePorts ? `<node-ip>:${port.nodePort ?? assignedNodePortCommand(endpoint, port)}` : undefined,
      curlCommand: port.tls && endpoint.caFile ? `curl ${clusterUrl} --cacert ${endpoint.caFile}` : `curl ${clusterUrl}`,
      admission: endpoint.networkPolicy && portAdmission(endpoint.networkPolicy, port.targetPort ?? port.port, opensNodePorts),
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
    ingressAdmission: ingress && endpoint.networkPolicy && ingressAdmission(endpoint.networkPolicy, ingress),
    networkPolicy: endpoint.networkPolicy,
    discovery: describeDiscovery(endpoint, ports),
    gatewayRoutes: endpoint.gatewayRoutes ?? [],
    meshSplits: endpoint.meshSplits ?? [],
  };
}

function describeDiscovery(endpoint: EndpointDescription, ports: readonly PortAccess[]): DiscoveryAccess {
  const { serviceName, namespace, clusterDomain } = endpoint;
  const headless = endpoint.headlessServiceName;
  const hasPods = endpoint.type !== 'ExternalName';
  return {
    podDnsForm: podDnsName('<pod-ip>', namespace, clusterDomain).replace('<pod-ip>', '<pod-ip-with-dashes>'),
    podDnsNamesCommand: hasPods && endpoint.podLabels ? podDnsNamesCommand(endpoint.podLabels, namespace, clusterDomain) : undefined,
    headless: headless ? {
      dnsName: serviceDnsNames(headless, namespace, clusterDomain)[3],
      podDnsForm: headlessPodDnsName('<pod-ip>', headless, namespace, clusterDomain).replace('<pod-ip>', '<pod-ip-with-dashes>'),
    } : undefined,
    clusterInfoLines: ports.map((port) => clusterInfoLine(serviceName, port.apiServerProxyPath)),
    dnsCheckCommands: dnsCheckCommands(serviceDnsNames(serviceName, namespace, clusterDomain)[3], namespace),
  };
}

function peersOn(policy: NetworkPolicyDescription, targetPort: number | string): NetworkPeerDescription[] {
  return policy.rules.filter((rule) => rule.targetPorts.includes(targetPort)).flatMap((rule) => rule.peers);
}

function portAdmission(policy: NetworkPolicyDescription, targetPort: number | string, opensNodePorts: boolean): PortAdmission {
  const peers = peersOn(policy, targetPort);
  const pods = peers.filter((peer) => !peer.ipBlock).map((peer) => peer.text);
  const addresses = peers.filter((peer) => peer.ipBlock).map((peer) => peer.ipBlock!);
  const refused = (why: string): RouteAdmission => ({ allowed: false, detail: `refused by NetworkPolicy \`${policy.name}\`: ${why}` });
  const fromAddresses = addresses.length > 0 ? `addresses ${addresses.join(', ')}` : undefined;
  return {
    fromPods: pods.length > 0 || fromAddresses
      ? { allowed: true, detail: `allowed only from ${[...pods, ...(fromAddresses ? [`pods whose address is in ${addresses.join(', ')}`] : [])].join('; ')}` }
      : refused('it admits no pod on this port'),
    fromApiServer: fromAddresses
      ? { allowed: true, detail: `allowed if the API server's address is in ${addresses.join(', ')}` }
      : refused('the API server connects from its own address, which no ipBlock admits (admit it with endpoint.allowExternalTraffic())'),
    fromOutside: !opensNodePorts ? undefined : fromAddresses
      ? { allowed: true, detail: `allowed from ${fromAddresses}` }
      : refused('clients outside the cluster connect from addresses, which no ipBlock admits (admit them with endpoint.allowExternalTraffic())'),
  };
}

function ingressAdmission(policy: NetworkPolicyDescription, ingress: IngressDescription): RouteAdmission {
  const admitted = peersOn(policy, ingress.targetPort).some((peer) => peer.text === ingress.controller);
  return admitted
    ? { allowed: true, detail: `allowed: the policy admits the ingress controller (${ingress.controller})` }
    : { allowed: false, detail: `refused by NetworkPolicy \`${policy.name}\`: it does not admit the ingress controller (${ingress.controller})` };
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
      out.push('Environment variables injected into containers of pods created **after** this Service exists, and only',
        `into pods in namespace \`${endpoint.namespace}\` (pods started earlier lack them: \`kubectl rollout restart\` those`,
        'workloads; DNS has no such ordering caveat and works across namespaces):', '',
        '```', ...endpoint.envVars.map((v) => `${v.name}=${v.value}`), '```', '');
    }
    for (const port of endpoint.ports) {
      const verdict = (admission?: RouteAdmission) => (admission ? ` — ${admission.allowed ? '' : '**'}${admission.detail}${admission.allowed ? '' : '**'}` : '');
      out.push(`### Port ${port.name ? `\`${port.name}\` ` : ''}${port.port} (${port.scheme})`, '',
        `- from a pod in \`${endpoint.namespace}\`: \`${port.curlCommand}\`${verdict(port.admission?.fromPods)}`,
        `- API server proxy: \`${port.apiServerProxyPath}\`${verdict(port.admission?.fromApiServer)}`,
        `- through \`kubectl proxy\`: \`${port.kubectlProxyUrl}\`${verdict(port.admission?.fromApiServer)}`,
        `- the same with your kubeconfig's credentials: \`${port.kubectlGetRawCommand}\`${verdict(port.admission?.fromApiServer)}`,
        `- from inside a pod, through the API server: \`${inClusterCurlCommand(port.inClusterApiServerUrl)}\`${verdict(port.admission?.fromApiServer)}`);
      if (port.nodeAddress) out.push(`- from outside, on any node: \`${port.scheme}://${port.nodeAddress}/\`${verdict(port.admission?.fromOutside)}`);
      out.push('');
    }
    if (endpoint.loadBalancerAddressCommand) {
      out.push(`Load balancer address: \`${endpoint.loadBalancerAddressCommand}\`, then \`<address>:<port>\`.`, '');
    }
    if (endpoint.ingressUrl) out.push(`Ingress: \`${endpoint.ingressUrl}\`${endpoint.ingressAdmission ? ` — ${endpoint.ingressAdmission.detail}` : ''}`, '');
    out.push(...renderRoutes(endpoint), ...renderDiscovery(endpoint));
    if (endpoint.networkPolicy) {
      out.push(`NetworkPolicy \`${endpoint.networkPolicy.name}\` admits only these clients, each on the container ports named;`,
        'on clusters that enforce NetworkPolicy everything else is refused:', '',
        ...endpoint.networkPolicy.rules.map((rule) => `- ${rule.peers.map((peer) => peer.text).join('; ')} (ports ${rule.targetPorts.join(', ')})`), '');
    }
  }
  return out.join('\n');
}

/** The docs' request from a pod (page 001): the cluster CA and the pod's ServiceAccount token. */
function inClusterCurlCommand(url: string): string {
  const dir = SERVICE_ACCOUNT_MOUNT_PATH;
  return `curl --cacert ${dir}/ca.crt -H "Authorization: Bearer $(cat ${dir}/token)" ${url}`;
}

function renderRoutes(endpoint: EndpointAccess): string[] {
  const out: string[] = [];
  for (const route of endpoint.gatewayRoutes) {
    const where = route.urls.length > 0 ? route.urls.map((url) => `\`${url}\``).join(', ')
      : `hosts ${route.hostnames.map((h) => `\`${h}\``).join(', ')}, path prefix \`${route.pathPrefix}\``;
    out.push(`Gateway API HTTPRoute \`${route.name}\`: ${where}${route.backendTls ? ' (the Gateway verifies the backend\'s TLS: BackendTLSPolicy)' : ''}.`, '');
  }
  for (const split of endpoint.meshSplits) {
    const shares = split.subsets.map((s) => `${s.name} ${s.weight}%`).join(', ');
    out.push(`Service mesh (Istio VirtualService \`${split.name}\`): requests from pods in the mesh to \`${endpoint.serviceName}\` go ${shares}.`, '');
  }
  return out;
}

function renderDiscovery(endpoint: EndpointAccess): string[] {
  const { discovery } = endpoint;
  const out = ['### Discovery', ''];
  if (discovery.clusterInfoLines.length > 0) {
    out.push('API server proxy URLs, as `kubectl cluster-info` lists its add-ons (`<api-server>` is',
      `\`${API_SERVER_ADDRESS_COMMAND}\`):`, '', '```', ...discovery.clusterInfoLines, '```', '');
  }
  if (discovery.podDnsNamesCommand) {
    out.push(`Pod records: \`${discovery.podDnsForm}\`, e.g. \`10-244-3-4.${endpoint.namespace}.pod...\` for pod IP 10.244.3.4.`,
      'Caveats: the name changes whenever the pod gets a new IP (every restart); CoreDNS answers it only with',
      '`pods insecure` or `pods verified` in its Corefile (kubeadm\'s default is `insecure`, which answers for any IP);',
      'and it is not in the certificate, so HTTPS to it fails hostname verification. List them with:', '',
      `\`${discovery.podDnsNamesCommand}\``, '');
  }
  if (discovery.headless) {
    out.push(`Headless Service: \`${discovery.headless.dnsName}\` answers with the IP of every ready pod (no virtual IP,`,
      `no kube-proxy), and CoreDNS serves a record per pod: \`${discovery.headless.podDnsForm}\`.`, '');
  } else if (endpoint.type !== 'ExternalName') {
    out.push('For a record per pod under the Service\'s name, add a headless twin (`endpoint.addHeadlessService()`).', '');
  }
  out.push('Check DNS from a pod:', '', ...discovery.dnsCheckCommands.map((command) => `- \`${command}\``), '');
  return out;
}
