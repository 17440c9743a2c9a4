import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { AppCoherenceCheck } from './app-coherence-check';
import { readCertificateFacts } from './certificate';
import { ICertificateTrust, selfSignedSecretTrust } from './certificate-trust';
import { DEFAULT_CA_MOUNT_PATH, HttpsTarget } from './curl-probe';
import { describeEndpointAccess, EndpointAccess } from './endpoint-access';
import { GatewayRoute, GatewayRouteOptions } from './gateway-route';
import { IstioTrafficSplit, IstioTrafficSplitOptions } from './istio-routes';
import { KongRoute, KongRouteOptions } from './kong-route';
import { checkSinglePeerCopies } from './peer-copies';
import { PropsValidator } from './prop-validation';
import { DEFAULT_CLUSTER_DOMAIN, serviceDnsNames } from './service-access';

/** A container port the backend's pods declare. */
export interface BackendContainerPort {
  /**
   * Port name (IANA_SVC_NAME), which Service `targetPort`s can refer to.
   * @default unnamed
   */
  readonly name?: string;
  /** Port number the container listens on. */
  readonly number: number;
}

/** The TLS a backend serves: its Secret, the names its certificate covers, and how clients trust it. A {@link ServingCertificate} is one. */
export interface EndpointTls {
  /** `kubernetes.io/tls` Secret holding `tls.crt` and `tls.key`. */
  readonly secret: kplus.ISecret;
  /**
   * The certificate in the Secret, PEM.
   * @default unknown at synth time (e.g. cert-manager issues it): give dnsNames
   */
  readonly certificatePem?: string;
  /**
   * DNS names the certificate covers.
   * @default those in certificatePem
   */
  readonly dnsNames?: string[];
  /**
   * How clients trust the certificate.
   * @default clients in the Secret's namespace trust its `tls.crt` (a self-signed certificate)
   */
  readonly trust?: ICertificateTrust;
}

/** The pods an endpoint routes to. A {@link SecureNginxApp}'s `backend`, or {@link ExposedEndpoint.backendOf}. */
export interface EndpointBackend {
  /** Labels every backend pod carries; the Service selects exactly these. */
  readonly podLabels: Record<string, string>;
  /** Ports the pods declare; named `targetPort`s must be among them. */
  readonly containerPorts: readonly BackendContainerPort[];
  /** Set when the pods serve TLS with a certificate the endpoint's names must be in. */
  readonly tls?: EndpointTls;
}

/** One Service port. */
export interface EndpointPort {
  /**
   * Port name (IANA_SVC_NAME); required when the Service has several ports.
   * @default none
   */
  readonly name?: string;
  /** Port clients connect to. */
  readonly port: number;
  /**
   * Container port, by number or by name.
   * @default the same as `port`
   */
  readonly targetPort?: number | string;
  /**
   * Fixed node port (NodePort and LoadBalancer only, 30000-32767).
   * @default the cluster picks one
   */
  readonly nodePort?: number;
  /**
   * Transport protocol.
   * @default kplus.Protocol.TCP
   */
  readonly protocol?: kplus.Protocol;
  /**
   * Whether clients speak TLS to this port (decides `https:` in proxy URLs and `--cacert` in checks).
   * @default true when the name is `https` or the port is 443
   */
  readonly tls?: boolean;
}

/** Props of {@link ExposedEndpoint}. */
export interface ExposedEndpointProps {
  /** Service name (DNS-1035 label); the DNS names and env vars derive from it. */
  readonly name: string;
  /**
   * Namespace of the Service and what comes with it.
   * @default the chart's namespace, else 'default'
   */
  readonly namespace?: string;
  /**
   * Service type.
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly type?: kplus.ServiceType;
  /**
   * The pods to route to. Required, except for ExternalName.
   * @default none
   */
  readonly backend?: EndpointBackend;
  /**
   * Service ports. Not allowed for ExternalName.
   * @default one port per backend container port, same number, targeting it by name when it has one
   */
  readonly ports?: EndpointPort[];
  /**
   * For ExternalName: the DNS name the Service's names become a CNAME of.
   * @default none
   */
  readonly externalName?: string;
  /**
   * Labels of the Service object.
   * @default the backend's pod labels (as the docs' `kubectl expose` does)
   */
  readonly labels?: Record<string, string>;
  /**
   * Cluster DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/** Options of {@link ExposedEndpoint.addIngress}. */
export interface EndpointIngressOptions {
  /** Host name the Ingress answers for. */
  readonly host: string;
  /**
   * Path prefix (`pathType: Prefix`).
   * @default '/'
   */
  readonly path?: string;
  /**
   * Service port the Ingress forwards to, by name or number.
   * @default the first port without TLS, else the first port
   */
  readonly port?: string | number;
  /**
   * IngressClass.
   * @default the cluster's default class
   */
  readonly className?: string;
  /**
   * Terminate TLS at the Ingress with this Secret; its certificate must cover `host`.
   * @default no TLS
   */
  readonly tls?: EndpointTls;
  /**
   * Ingress name.
   * @default the Service name
   */
  readonly name?: string;
  /**
   * Annotations of the Ingress, e.g. the controller's settings.
   * @default none
   */
  readonly annotations?: Record<string, string>;
}

/** Pods allowed in by {@link ExposedEndpoint.allowFrom}; both set means pods with those labels in those namespaces. */
export interface NetworkPeer {
  /**
   * Pod labels.
   * @default any pod (of the selected namespaces)
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Namespace labels.
   * @default the endpoint's own namespace
   */
  readonly namespaceLabels?: Record<string, string>;
}

/**
 * One way into a set of pods: a Service of any type (or an ExternalName alias), plus, on request,
 * an Ingress, a NetworkPolicy admitting only named peers, and a debug Service for a single pod.
 * Everything a client needs to reach it is computed in {@link access}.
 */
export class ExposedEndpoint extends Construct {
  /** Describes a cdk8s-plus workload as a backend: its selector labels and container ports. */
  public static backendOf(workload: kplus.Workload, tls?: EndpointTls): EndpointBackend {
    return {
      podLabels: workload.matchLabels,
      containerPorts: workload.containers.flatMap((c) => c.ports.map((p) => ({ name: p.name, number: p.number }))),
      tls,
    };
  }

  /** Name of the Service. */
  public readonly serviceName: string;
  /** Namespace of the Service and everything added to it. */
  public readonly namespace: string;
  /** Service type. */
  public readonly type: kplus.ServiceType;
  /** Every DNS name of the Service, shortest first. */
  public readonly serviceDnsNames: string[];
  /** The Service's ports (none for ExternalName). */
  public readonly ports: readonly EndpointPort[];
  /** The pods the Service routes to (none for ExternalName). */
  public readonly backend?: EndpointBackend;
  /** The Service object. */
  public readonly service: k8s.KubeService;
  /** The Ingress, once {@link addIngress} was called. */
  public ingress?: k8s.KubeIngress;
  /** The NetworkPolicy, once {@link allowFrom} was called. */
  public networkPolicy?: k8s.KubeNetworkPolicy;
  /** The debug Service, once {@link addDebugService} was called. */
  public debugService?: k8s.KubeService;
  /** The headless twin of the Service (per-pod DNS records), from {@link addHeadlessService}. */
  public headlessService?: k8s.KubeService;
  public readonly gatewayRoutes: GatewayRoute[] = [];
  public readonly istioTrafficSplits: IstioTrafficSplit[] = [];
  private readonly externalName?: string;
  private readonly clusterDomain: string;
  private ingressOptions?: EndpointIngressOptions;
  private admittedPeers?: NetworkPeer[];

  constructor(scope: Construct, id: string, props: ExposedEndpointProps) {
    super(scope, id);
    checkSinglePeerCopies(this, 'ExposedEndpoint');
    this.serviceName = props.name;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.type = props.type ?? kplus.ServiceType.CLUSTER_IP;
    this.backend = props.backend;
    this.externalName = props.externalName;
    this.clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const isExternalName = this.type === kplus.ServiceType.EXTERNAL_NAME;
    this.ports = props.ports ?? (props.backend?.containerPorts ?? []).map((p) => ({ name: p.name, port: p.number, targetPort: p.name ?? p.number }));

    const check = new PropsValidator(this, 'ExposedEndpoint');
    check.serviceName('name', props.name);
    check.dnsLabel('namespace', this.namespace);
    check.dnsSubdomain('clusterDomain', props.clusterDomain);
    if (isExternalName) {
      check.check(props.externalName !== undefined, 'externalName', 'required for type ExternalName: the DNS name to alias, e.g. \'my.database.example.com\'');
      check.dnsSubdomain('externalName', props.externalName);
      check.check((props.ports ?? []).length === 0, 'ports', 'an ExternalName Service is a DNS alias and forwards no ports: remove ports');
      check.check(props.backend === undefined, 'backend', 'an ExternalName Service selects no pods: remove backend');
    } else {
      check.check(props.externalName === undefined, 'externalName', `only allowed with type ExternalName, not ${this.type}`);
      check.check(props.backend !== undefined, 'backend', 'required: the pods this Service routes to (e.g. a SecureNginxApp\'s backend, or ExposedEndpoint.backendOf(deployment))');
      check.check(this.ports.length > 0, 'ports', 'a Service needs at least one port: set ports, or give the backend container ports');
      this.checkPorts(check);
      this.checkCertificateCoversNames(check);
    }
    check.throwIfInvalid();
    AppCoherenceCheck.addTo(this);

    this.serviceDnsNames = serviceDnsNames(this.serviceName, this.namespace, this.clusterDomain);
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, namespace: this.namespace, labels: props.labels ?? props.backend?.podLabels },
      spec: isExternalName
        ? { type: this.type, externalName: props.externalName }
        : { type: this.type, selector: props.backend!.podLabels, ports: this.ports.map(toServicePort) },
    });
  }

  /** Routes `host` + `path` (pathType Prefix) to one of the Service's ports, optionally terminating TLS. */
  public addIngress(options: EndpointIngressOptions): k8s.KubeIngress {
    const path = options.path ?? '/';
    const defaultPort = routePort(this.ports, undefined);
    const port = options.port ?? defaultPort?.name ?? defaultPort?.port;
    const check = new PropsValidator(this, 'ExposedEndpoint');
    check.check(this.ingress === undefined, 'addIngress', 'this endpoint already has an Ingress: add another ExposedEndpoint for another host');
    check.check(this.type !== kplus.ServiceType.EXTERNAL_NAME, 'addIngress', 'an ExternalName Service cannot back an Ingress: point the Ingress at a Service with pods');
    check.dnsSubdomain('addIngress.host', options.host.replace(/^\*\./, ''));
    check.check(path.startsWith('/'), 'addIngress.path', `"${path}" must start with '/'`);
    check.check(this.ports.some((p) => p.name === port || p.port === port), 'addIngress.port',
      `${JSON.stringify(port)} is not a port of Service ${this.serviceName}: use one of ${this.ports.map((p) => p.name ?? p.port).join(', ')}`);
    check.dnsSubdomain('addIngress.className', options.className);
    const sans = options.tls && coveredNames(check, 'addIngress.tls', options.tls);
    if (options.tls && sans) {
      check.check(sans.some((san) => dnsNameMatches(san, options.host)), 'addIngress.tls',
        `the certificate in Secret ${options.tls.secret.name} does not cover host ${options.host} (it covers ${sans.join(', ')}): add the host to the certificate (e.g. SecureNginxApp extraSans)`);
    }
    check.throwIfInvalid();

    this.ingressOptions = { ...options, path };
    this.ingress = new k8s.KubeIngress(this, 'Ingress', {
      metadata: { name: options.name ?? this.serviceName, namespace: this.namespace, annotations: options.annotations },
      spec: {
        ingressClassName: options.className,
        tls: options.tls ? [{ hosts: [options.host], secretName: options.tls.secret.name }] : undefined,
        rules: [{
          host: options.host,
          http: {
            paths: [{
              path,
              pathType: 'Prefix',
              backend: { service: { name: this.serviceName, port: typeof port === 'string' ? { name: port } : { number: port } } },
            }],
          },
        }],
      },
    });
    return this.ingress;
  }

  /** Lets only `peers` reach the backend pods, and only on the Service's target ports. */
  public allowFrom(peers: NetworkPeer[], name: string = `${this.serviceName}-allow-listed`): k8s.KubeNetworkPolicy {
    const check = new PropsValidator(this, 'ExposedEndpoint');
    check.check(this.backend !== undefined, 'allowFrom', 'an ExternalName Service has no pods to protect');
    check.check(this.networkPolicy === undefined, 'allowFrom', 'already called: pass every peer in one call');
    check.check(peers.length > 0, 'allowFrom.peers',
      'no peers: a policy admitting nobody isolates the pods completely; name the pods that may connect, e.g. [{ podLabels: { app: \'frontend\' } }]');
    peers.forEach((peer, i) => check.check(Object.keys({ ...peer.podLabels, ...peer.namespaceLabels }).length > 0, `allowFrom.peers[${i}]`,
      'selects every pod in the cluster: give podLabels or namespaceLabels'));
    check.dnsSubdomain('allowFrom.name', name);
    check.throwIfInvalid();

    this.admittedPeers = peers;
    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name, namespace: this.namespace },
      spec: networkPolicySpec(this.backend!.podLabels, peers, this.ports),
    });
    return this.networkPolicy;
  }

  /**
   * A ClusterIP Service reaching only the pod(s) you label `key=value` at run time
   * (`kubectl label pod POD key=value`): the docs' way to reach one replica.
   */
  public addDebugService(key: string, value: string, name: string = `${this.serviceName}-debug`): k8s.KubeService {
    const check = new PropsValidator(this, 'ExposedEndpoint');
    check.check(this.backend !== undefined, 'addDebugService', 'an ExternalName Service has no pods to pick from');
    check.labelKey('addDebugService.key', key);
    check.labelValue('addDebugService.value', value);
    check.serviceName('addDebugService.name', name);
    check.throwIfInvalid();
    this.debugService = new k8s.KubeService(this, 'DebugService', {
      metadata: { name, namespace: this.namespace },
      spec: { type: 'ClusterIP', selector: { ...this.backend!.podLabels, [key]: value }, ports: this.ports.map(({ nodePort: _, ...p }) => toServicePort(p)) },
    });
    return this.debugService;
  }

  /** Gateway API: an HTTPRoute to this Service, optionally with its Gateway and a BackendTLSPolicy. */
  public addGatewayRoute(options: GatewayRouteOptions): GatewayRoute {
    const route = new GatewayRoute(this, `GatewayRoute${this.gatewayRoutes.length || ''}`, { ...options, endpoint: this });
    this.gatewayRoutes.push(route);
    return route;
  }

  /** Service mesh (Istio): split this Service's traffic between subsets of its pods by weight. */
  public addIstioTrafficSplit(options: IstioTrafficSplitOptions): IstioTrafficSplit {
    const split = new IstioTrafficSplit(this, `IstioTrafficSplit${this.istioTrafficSplits.length || ''}`, { ...options, endpoint: this });
    this.istioTrafficSplits.push(split);
    return split;
  }

  /** API gateway (Kong): this endpoint's Ingress, of class `kong`, with Kong's annotations and resources. */
  public addKongRoute(options: KongRouteOptions): KongRoute {
    return new KongRoute(this, 'KongRoute', { ...options, endpoint: this });
  }

  /**
   * A headless twin of the Service (`clusterIP: None`, same selector and ports): cluster DNS then
   * answers its name with every ready pod's IP, and a record per pod (see the access map).
   */
  public addHeadlessService(name: string = `${this.serviceName}-headless`): k8s.KubeService {
    const check = new PropsValidator(this, 'ExposedEndpoint');
    check.check(this.backend !== undefined, 'addHeadlessService', 'an ExternalName Service has no pods to list');
    check.check(this.headlessService === undefined, 'addHeadlessService', 'already called');
    check.serviceName('addHeadlessService.name', name);
    check.throwIfInvalid();
    this.headlessService = new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name, namespace: this.namespace },
      spec: { clusterIp: 'None', selector: this.backend!.podLabels, ports: this.ports.map(({ nodePort: _, ...p }) => toServicePort(p)) },
    });
    return this.headlessService;
  }

  /** This endpoint as the target of a {@link CurlProbe}: needs a TLS port and a TLS backend. */
  public asHttpsTarget(): HttpsTarget {
    const httpsPort = this.ports.find(isTlsPort);
    const tls = this.backend?.tls;
    if (!httpsPort || !tls) {
      throw new Error(`ExposedEndpoint at '${this.node.path}' has no TLS port with a TLS backend to probe: give it a port named 'https' and a backend with tls`);
    }
    return {
      namespace: this.namespace, serviceDnsNames: this.serviceDnsNames, httpsPort: httpsPort.port, httpsPortName: httpsPort.name,
      secret: tls.secret, trust: trustOf(tls, this.namespace),
    };
  }

  /** Every documented way to reach this endpoint. */
  public get access(): EndpointAccess {
    return describeEndpointAccess({
      serviceName: this.serviceName,
      namespace: this.namespace,
      type: this.type,
      externalName: this.externalName,
      clusterDomain: this.clusterDomain,
      ports: this.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, nodePort: p.nodePort, tls: isTlsPort(p) })),
      caFile: this.backend?.tls ? `${DEFAULT_CA_MOUNT_PATH}/${trustOf(this.backend.tls, this.namespace).sourceIn(this.namespace).key}` : undefined,
      ingress: this.ingressOptions && { host: this.ingressOptions.host, path: this.ingressOptions.path!, tls: this.ingressOptions.tls !== undefined },
      admittedPeers: this.admittedPeers?.map(describePeer),
      podLabels: this.backend?.podLabels,
      headlessServiceName: this.headlessService?.name,
      gatewayRoutes: this.gatewayRoutes.map((route) => ({
        name: route.httpRoute.name, hostnames: route.hostnames, pathPrefix: route.pathPrefix, urls: route.urls, backendTls: route.backendTlsPolicy !== undefined,
      })),
      meshSplits: this.istioTrafficSplits.map((split) => ({ name: split.virtualService.name, subsets: split.subsets.map((s) => ({ name: s.name, weight: s.weight })) })),
    });
  }

  private checkPorts(check: PropsValidator): void {
    const opensNodePorts = this.type === kplus.ServiceType.NODE_PORT || this.type === kplus.ServiceType.LOAD_BALANCER;
    const containerPortNames = new Set((this.backend?.containerPorts ?? []).map((p) => p.name).filter(Boolean));
    const seen = { names: new Set<string>(), ports: new Set<string>(), nodePorts: new Set<number>() };
    this.ports.forEach((p, i) => {
      const field = `ports[${i}]`;
      check.port(`${field}.port`, p.port);
      check.portName(`${field}.name`, p.name);
      check.check(this.ports.length === 1 || p.name !== undefined, `${field}.name`, 'required when a Service has several ports');
      check.check(p.name === undefined || !seen.names.has(p.name), `${field}.name`, `"${p.name}" is used by another port: port names must be unique`);
      const portKey = `${p.port}/${p.protocol ?? 'TCP'}`;
      check.check(!seen.ports.has(portKey), `${field}.port`, `${portKey} is used by another port: ports must be unique`);
      if (typeof p.targetPort === 'string') {
        check.portName(`${field}.targetPort`, p.targetPort);
        check.check(containerPortNames.has(p.targetPort), `${field}.targetPort`,
          `"${p.targetPort}" names no container port of the backend (it has ${[...containerPortNames].join(', ') || 'no named ports'}): use one of those names or a port number`);
      } else {
        check.port(`${field}.targetPort`, p.targetPort);
      }
      if (p.nodePort !== undefined) {
        check.check(opensNodePorts, `${field}.nodePort`, `node ports need type NodePort or LoadBalancer, not ${this.type}`);
        check.nodePort(`${field}.nodePort`, p.nodePort);
        check.check(!seen.nodePorts.has(p.nodePort), `${field}.nodePort`, `${p.nodePort} is used by another port: node ports must be unique`);
        seen.nodePorts.add(p.nodePort);
      }
      if (p.name) seen.names.add(p.name);
      seen.ports.add(portKey);
    });
  }

  /** Clients verify the backend's certificate against the name they dialled: every name must be in it. */
  private checkCertificateCoversNames(check: PropsValidator): void {
    const tls = this.backend?.tls;
    if (!tls || !this.ports.some(isTlsPort)) return;
    const sans = coveredNames(check, 'backend.tls', tls);
    if (!sans) return;
    const names = serviceDnsNames(this.serviceName, this.namespace, this.clusterDomain);
    const uncovered = names.filter((name) => !sans.some((san) => dnsNameMatches(san, name)));
    check.check(uncovered.length === 0, 'name',
      `the backend's certificate (Secret ${tls.secret.name}) does not cover ${uncovered.join(', ')}: clients would fail hostname verification; add them to the certificate (e.g. SecureNginxApp extraSans)`);
  }
}

/** The DNS names a backend's certificate covers, or undefined after recording why they cannot be known. */
export function coveredNames(check: PropsValidator, field: string, tls: EndpointTls): string[] | undefined {
  if (tls.dnsNames) return tls.dnsNames;
  if (tls.certificatePem === undefined) {
    check.check(false, field, 'says neither certificatePem nor dnsNames, so nobody can tell which names it covers: give one of them');
    return undefined;
  }
  try {
    return readCertificateFacts(tls.certificatePem).dnsNames;
  } catch (error) {
    check.check(false, `${field}.certificatePem`, `is not a readable PEM certificate (${(error as Error).message}): pass the certificate itself, '-----BEGIN CERTIFICATE-----' to '-----END CERTIFICATE-----'`);
    return undefined;
  }
}

/** How clients of a backend in `namespace` trust it; by default the Secret's `tls.crt` (self-signed). */
export function trustOf(tls: EndpointTls, namespace: string): ICertificateTrust {
  return tls.trust ?? selfSignedSecretTrust(namespace, tls.secret.name,
    'give the backend\'s tls a trust (e.g. a ServingCertificate), so clients elsewhere get the CA in their namespace');
}

/** A NetworkPolicy spec admitting `peers` to the pods labelled `podLabels` on the ports' targets. */
export function networkPolicySpec(podLabels: Record<string, string>, peers: readonly NetworkPeer[], ports: readonly EndpointPort[] = []): k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: podLabels },
    policyTypes: ['Ingress'],
    ingress: [{
      from: peers.map((peer) => ({
        podSelector: peer.podLabels ? { matchLabels: peer.podLabels } : undefined,
        namespaceSelector: peer.namespaceLabels ? { matchLabels: peer.namespaceLabels } : undefined,
      })),
      ports: ports.length > 0 ? ports.map((p) => ({ port: toIntOrString(p.targetPort ?? p.port), protocol: p.protocol ?? 'TCP' })) : undefined,
    }],
  };
}

/** `pods app=frontend in namespaces team=a`, for people reading the access map. */
export function describePeer(peer: NetworkPeer): string {
  const labels = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = peer.podLabels ? `pods ${labels(peer.podLabels)}` : 'any pod';
  return peer.namespaceLabels ? `${pods} in namespaces ${labels(peer.namespaceLabels)}` : `${pods} in this namespace`;
}

/** RFC 6125 matching: exact, or a `*.` wildcard standing for exactly one leftmost label. */
export function dnsNameMatches(san: string, host: string): boolean {
  if (san.startsWith('*.')) {
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot + 1) === san.slice(2);
  }
  return san === host;
}

/** The port a route forwards to: the one named or numbered `wanted`, else the first plain port, else the first. */
export function routePort(ports: readonly EndpointPort[], wanted: string | number | undefined): EndpointPort | undefined {
  if (wanted === undefined) return ports.find((p) => !isTlsPort(p)) ?? ports[0];
  return ports.find((p) => p.name === wanted || p.port === wanted);
}

export function isTlsPort(port: EndpointPort): boolean {
  return port.tls ?? (port.name === 'https' || port.port === 443);
}

function toServicePort(port: EndpointPort): k8s.ServicePort {
  return {
    name: port.name,
    port: port.port,
    targetPort: port.targetPort === undefined ? undefined : toIntOrString(port.targetPort),
    nodePort: port.nodePort,
    protocol: port.protocol ?? 'TCP',
  };
}

function toIntOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}
