import {
  AccessPort,
  apiServerProxyPath,
  kubectlProxyUrl,
  serviceDnsNames,
  serviceEnvVars,
  ServiceEnvVar,
} from './service-access';

/** The Service facts the access map is computed from. */
export interface EndpointDescription {
  readonly serviceName: string;
  readonly namespace: string;
  /** ClusterIP, NodePort, LoadBalancer or ExternalName. */
  readonly type: string;
  readonly ports: readonly EndpointPortDescription[];
  /** For ExternalName: the name the cluster DNS answers with (CNAME). */
  readonly externalName?: string;
  /** The Ingress: host and path, whether it terminates TLS, and its controller (who connects to the pods). */
  readonly ingress?: IngressDescription;
  /** CA file inside a client pod that trusts the endpoint's TLS certificate, for `curl --cacert`. */
  readonly caFile?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** The NetworkPolicy guarding the pods, when there is one: everything it does not admit is refused. */
  readonly networkPolicy?: NetworkPolicyDescription;
}

export interface EndpointPortDescription extends AccessPort {
  /** Whether clients speak TLS to this port. */
  readonly tls: boolean;
  readonly nodePort?: number;
  /** The container port it forwards to, by name or number. @default the same as port */
  readonly targetPort?: number | string;
}

export interface IngressDescription {
  readonly host: string;
  readonly path: string;
  readonly tls: boolean;
  /** The container port the Service port it routes to forwards to. */
  readonly targetPort: number | string;
  /** The ingress controller's pods, in words (as in {@link NetworkPeerDescription.text}). */
  readonly controller: string;
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
  readonly peers: readonly NetworkPeerDescription[];
  readonly targetPorts: readonly (number | string)[];
}

export interface NetworkPolicyDescription {
  readonly name: string;
  readonly rules: readonly NetworkPolicyRuleDescription[];
}

/** Whether the NetworkPolicy lets one route through, and who gets through. */
export interface RouteAdmission {
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
  readonly name?: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
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
  /** What the NetworkPolicy lets through, when one guards the pods. */
  readonly admission?: PortAdmission;
}

/** Every documented way to reach an endpoint, computed from its Service. */
export interface EndpointAccess {
  readonly serviceName: string;
  readonly namespace: string;
  readonly type: string;
  readonly dnsNames: string[];
  /** Variables the kubelet injects into pods created after the Service (none for ExternalName). */
  readonly envVars: ServiceEnvVar[];
  readonly ports: PortAccess[];
  readonly externalName?: string;
  readonly ingressUrl?: string;
  /** How to read the load balancer's address once the cloud assigned it. */
  readonly loadBalancerAddressCommand?: string;
  /** Whether the NetworkPolicy lets the ingress controller through, when both exist. */
  readonly ingressAdmission?: RouteAdmission;
  /** The NetworkPolicy guarding the pods: who it admits; everyone else is refused. */
  readonly networkPolicy?: NetworkPolicyDescription;
}

/** Computes the access map of an endpoint: DNS names, env vars, proxy URLs, node and external addresses. */
export function describeEndpointAccess(endpoint: EndpointDescription): EndpointAccess {
  const { serviceName, namespace } = endpoint;
  const opensNodePorts = endpoint.type === 'NodePort' || endpoint.type === 'LoadBalancer';
  const ports = endpoint.ports.map((port): PortAccess => {
    const scheme = port.tls ? 'https' : 'http';
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
      admission: endpoint.networkPolicy && portAdmission(endpoint.networkPolicy, port.targetPort ?? port.port, opensNodePorts),
    };
  });
  const ingress = endpoint.ingress;
  return {
    serviceName,
    namespace,
    type: endpoint.type,
    dnsNames: serviceDnsNames(serviceName, namespace, endpoint.clusterDomain),
    envVars: endpoint.type === 'ExternalName' ? [] : serviceEnvVars(serviceName, endpoint.ports),
    ports,
    externalName: endpoint.externalName,
    ingressUrl: ingress ? `${ingress.tls ? 'https' : 'http'}://${ingress.host}${ingress.path}` : undefined,
    loadBalancerAddressCommand: endpoint.type === 'LoadBalancer'
      ? `kubectl get svc ${serviceName} -n ${namespace} -o jsonpath='{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}'`
      : undefined,
    ingressAdmission: ingress && endpoint.networkPolicy && ingressAdmission(endpoint.networkPolicy, ingress),
    networkPolicy: endpoint.networkPolicy,
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
      out.push('Environment variables injected into containers of pods created **after** this Service exists',
        '(pods started earlier lack them: `kubectl rollout restart` those workloads; DNS has no such ordering caveat):', '',
        '```', ...endpoint.envVars.map((v) => `${v.name}=${v.value}`), '```', '');
    }
    for (const port of endpoint.ports) {
      const verdict = (admission?: RouteAdmission) => (admission ? ` — ${admission.allowed ? '' : '**'}${admission.detail}${admission.allowed ? '' : '**'}` : '');
      out.push(`### Port ${port.name ? `\`${port.name}\` ` : ''}${port.port} (${port.scheme})`, '',
        `- from a pod in \`${endpoint.namespace}\`: \`${port.curlCommand}\`${verdict(port.admission?.fromPods)}`,
        `- API server proxy: \`${port.apiServerProxyPath}\`${verdict(port.admission?.fromApiServer)}`,
        `- through \`kubectl proxy\`: \`${port.kubectlProxyUrl}\`${verdict(port.admission?.fromApiServer)}`);
      if (port.nodeAddress) out.push(`- from outside, on any node: \`${port.scheme}://${port.nodeAddress}/\`${verdict(port.admission?.fromOutside)}`);
      out.push('');
    }
    if (endpoint.loadBalancerAddressCommand) {
      out.push(`Load balancer address: \`${endpoint.loadBalancerAddressCommand}\`, then \`<address>:<port>\`.`, '');
    }
    if (endpoint.ingressUrl) out.push(`Ingress: \`${endpoint.ingressUrl}\`${endpoint.ingressAdmission ? ` — ${endpoint.ingressAdmission.detail}` : ''}`, '');
    if (endpoint.networkPolicy) {
      out.push(`NetworkPolicy \`${endpoint.networkPolicy.name}\` admits only these clients, each on the container ports named;`,
        'on clusters that enforce NetworkPolicy everything else is refused:', '',
        ...endpoint.networkPolicy.rules.map((rule) => `- ${rule.peers.map((peer) => peer.text).join('; ')} (ports ${rule.targetPorts.join(', ')})`), '');
    }
  }
  return out.join('\n');
}
