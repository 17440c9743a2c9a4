import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { AppCoherenceCheck } from './app-coherence-check';
import { readCertificateFacts } from './certificate';
import { ICertificateTrust, selfSignedSecretTrust } from './certificate-trust';
import { DEFAULT_CA_MOUNT_PATH, HttpsTarget } from './curl-probe';
import { describeEndpointAccess, EndpointAccess, NetworkPolicyDescription } from './endpoint-access';
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
  /**
   * Labels added to every object the endpoint makes (Service, Ingress, NetworkPolicy, debug Service).
   * @default none
   */
  readonly commonLabels?: Record<string, string>;
  /**
   * Annotations of every object the endpoint makes.
   * @default none
   */
  readonly commonAnnotations?: Record<string, string>;
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
   * The ingress controller's pods, admitted to the backend port once a NetworkPolicy guards the
   * pods (`allowFrom`): the controller is the Ingress's only client of them.
   * @default DEFAULT_INGRESS_CONTROLLER (pods in namespace ingress-nginx)
   */
  readonly controller?: NetworkPeer;
  /**
   * Annotations of the Ingress, e.g. the controller's settings.
   * @default none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * Clients allowed in by {@link ExposedEndpoint.allowFrom}: pods (both labels set means pods with
 * those labels in those namespaces), or, with `ipBlock`, addresses.
 */
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
  /**
   * Addresses (a CIDR) instead of pods: clients outside the cluster, node-port and load-balancer
   * traffic and the API server come from addresses. Not with podLabels or namespaceLabels.
   * @default no addresses
   */
  readonly ipBlock?: string;
  /**
   * Addresses inside `ipBlock` that are not admitted.
   * @default none
   */
  readonly ipBlockExcept?: string[];
}

/** The ingress-nginx controller's namespace, which clusters label with its name. */
export const DEFAULT_INGRESS_CONTROLLER: NetworkPeer = { namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } };
/** Every IPv4 and IPv6 address: clients from outside the cluster. */
export const ANY_ADDRESS: readonly NetworkPeer[] = [{ ipBlock: '0.0.0.0/0' }, { ipBlock: '::/0' }];

/** Peers admitted to some of the backend's ports by the endpoint's NetworkPolicy. */
interface Admission {
  readonly peers: readonly NetworkPeer[];
  /** Container ports, as the Service's targetPorts name them. */
  readonly targetPorts: readonly (number | string)[];
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
  /** The Gateway API routes added with {@link addGatewayRoute}. */
  public readonly gatewayRoutes: GatewayRoute[] = [];
  /** The Istio traffic splits added with {@link addIstioTrafficSplit}. */
  public readonly istioTrafficSplits: IstioTrafficSplit[] = [];
  private readonly externalName?: string;
  private readonly clusterDomain: string;
  private readonly commonMetadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  private ingressOptions?: EndpointIngressOptions;
  /** Who the NetworkPolicy admits where; it takes effect once allowFrom makes the policy. */
  private readonly admissions: Admission[] = [];
  /** The policy's `spec.ingress`, refilled from `admissions`: cdk8s reads it only at synth. */
  private readonly policyRules: k8s.NetworkPolicyIngressRule[] = [];

  constructor(scope: Construct, id: string, props: ExposedEndpointProps) {
    super(scope, id);
    checkSinglePeerCopies(this, 'ExposedEndpoint');
    this.serviceName = props.name;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.type = props.type ?? kplus.ServiceType.CLUSTER_IP;
    this.backend = props.backend;
    this.externalName = props.externalName;
    this.clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    this.commonMetadata = { labels: props.commonLabels, annotations: props.commonAnnotations };
    const isExternalName = this.type === kplus.ServiceType.EXTERNAL_NAME;
    this.ports = props.ports ?? (props.backend?.containerPorts ?? []).map((p) => ({ name: p.name, port: p.number, targetPort: p.name ?? p.number }));

    const check = new PropsValidator(this, 'ExposedEndpoint');
    check.serviceName('name', props.name);
    check.dnsLabel('namespace', this.namespace);
    check.dnsSubdomain('clusterDomain', props.clusterDomain);
    check.labels('commonLabels', props.commonLabels);
    check.annotations('commonAnnotations', props.commonAnnotations);
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

    this.serviceDnsNames = serviceDnsNames(this.serviceName, this.namespace, this.clusterDomain);
    const servicePorts = isExternalName ? [] : this.ports.map(toServicePort);
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: this.metadata(this.serviceName, props.labels ?? props.backend?.podLabels),
      spec: isExternalName
        ? { type: this.type, externalName: props.externalName }
        : { type: this.type, selector: props.backend!.podLabels, ports: servicePorts },
    });
    AppCoherenceCheck.addTo(this).declareNodePorts(this.service, servicePorts.flatMap(({ nodePort, protocol }) =>
      (nodePort === undefined ? [] : [{ nodePort, protocol: protocol ?? 'TCP' }])));
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
    if (options.controller) checkPeer(check, 'addIngress.controller', options.controller);
    const sans = options.tls && coveredNames(check, 'addIngress.tls', options.tls);
    if (options.tls && sans) {
      check.check(sans.some((san) => dnsNameMatches(san, options.host)), 'addIngress.tls',
        `the certificate in Secret ${options.tls.secret.name} does not cover host ${options.host} (it covers ${sans.join(', ')}): add the host to the certificate (e.g. SecureNginxApp extraSans)`);
    }
    check.throwIfInvalid();

    this.ingressOptions = { ...options, path, port };
    this.admit([options.controller ?? DEFAULT_INGRESS_CONTROLLER], [targetPortOf(this.ingressServicePort()!)]);
    this.ingress = new k8s.KubeIngress(this, 'Ingress', {
      metadata: this.metadata(options.name ?? this.serviceName, undefined, options.annotations),
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

  /**
   * Makes a NetworkPolicy that lets only `peers` reach the backend pods, and only on the Service's
   * target ports. What else it admits comes from the other `allow*` methods and `addIngress`
   * (its controller), whether called before or after.
   */
  public allowFrom(peers: NetworkPeer[], name: string = `${this.serviceName}-allow-listed`): k8s.KubeNetworkPolicy {
    const check = new PropsValidator(this, 'ExposedEndpoint');
    check.check(this.backend !== undefined, 'allowFrom', 'an ExternalName Service has no pods to protect');
    check.check(this.networkPolicy === undefined, 'allowFrom', 'already called: pass every peer in one call');
    check.check(peers.length > 0, 'allowFrom.peers',
      'no peers: a policy admitting nobody isolates the pods completely; name the pods that may connect, e.g. [{ podLabels: { app: \'frontend\' } }]');
    peers.forEach((peer, i) => checkPeer(check, `allowFrom.peers[${i}]`, peer));
    check.dnsSubdomain('allowFrom.name', name);
    check.throwIfInvalid();

    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: this.metadata(name),
      spec: { podSelector: { matchLabels: this.backend!.podLabels }, policyTypes: ['Ingress'], ingress: this.policyRules },
    });
    this.admissions.unshift({ peers, targetPorts: this.ports.map(targetPortOf) });
    this.refreshPolicyRules();
    return this.networkPolicy;
  }

  /**
   * Admits clients outside the cluster (node ports, the load balancer, the API server proxy) on
   * the Service's target ports, once `allowFrom` guards the pods. On most network plugins an
   * ipBlock of every address matches pods too, so this opens the ports to everyone.
   */
  public allowExternalTraffic(): void {
    this.admit(ANY_ADDRESS, this.ports.map(targetPortOf));
  }

  /**
   * Admits `peers` to one container port of the backend (e.g. a metrics port that is not a
   * Service port), once `allowFrom` guards the pods.
   */
  public allowPeersOnPort(peers: NetworkPeer[], port: number | string): void {
    const check = new PropsValidator(this, 'ExposedEndpoint');
    peers.forEach((peer, i) => checkPeer(check, `allowPeersOnPort.peers[${i}]`, peer));
    const declared = (this.backend?.containerPorts ?? []).some((p) => p.name === port || p.number === port);
    check.check(declared, 'allowPeersOnPort.port', `${port} is not a container port of the backend: use one it declares`);
    check.throwIfInvalid();
    this.admit(peers, [port]);
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
      metadata: this.metadata(name),
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
      metadata: this.metadata(name),
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
      ports: this.ports.map((p) => ({
        name: p.name, port: p.port, protocol: p.protocol, nodePort: p.nodePort, tls: isTlsPort(p), targetPort: targetPortOf(p),
      })),
      caFile: this.backend?.tls ? `${DEFAULT_CA_MOUNT_PATH}/${trustOf(this.backend.tls, this.namespace).sourceIn(this.namespace).key}` : undefined,
      ingress: this.ingressOptions && {
        host: this.ingressOptions.host,
        path: this.ingressOptions.path!,
        tls: this.ingressOptions.tls !== undefined,
        targetPort: targetPortOf(this.ingressServicePort()!),
        controller: describePeer(this.ingressOptions.controller ?? DEFAULT_INGRESS_CONTROLLER),
      },
      networkPolicy: this.describeNetworkPolicy(),
      podLabels: this.backend?.podLabels,
      headlessServiceName: this.headlessService?.name,
      gatewayRoutes: this.gatewayRoutes.map((route) => ({
        name: route.httpRoute.name, hostnames: route.hostnames, pathPrefix: route.pathPrefix, urls: route.urls, backendTls: route.backendTlsPolicy !== undefined,
      })),
      meshSplits: this.istioTrafficSplits.map((split) => ({ name: split.virtualService.name, subsets: split.subsets.map((s) => ({ name: s.name, weight: s.weight })) })),
    });
  }

  private describeNetworkPolicy(): NetworkPolicyDescription | undefined {
    if (!this.networkPolicy) return undefined;
    return {
      name: this.networkPolicy.name,
      rules: this.admissions.map((a) => ({ peers: a.peers.map((peer) => ({ text: describePeer(peer), ipBlock: peer.ipBlock })), targetPorts: a.targetPorts })),
    };
  }

  private ingressServicePort(): EndpointPort | undefined {
    return routePort(this.ports, this.ingressOptions?.port);
  }

  private admit(peers: readonly NetworkPeer[], targetPorts: readonly (number | string)[]): void {
    this.admissions.push({ peers, targetPorts });
    this.refreshPolicyRules();
  }

  private refreshPolicyRules(): void {
    const rules = this.networkPolicy ? this.admissions.map((a) => networkPolicyRule(a.peers, a.targetPorts)) : [];
    this.policyRules.splice(0, this.policyRules.length, ...rules);
  }

  private metadata(name: string, labels?: Record<string, string>, annotations?: Record<string, string>): k8s.ObjectMeta {
    const allLabels = { ...this.commonMetadata.labels, ...labels };
    const allAnnotations = { ...this.commonMetadata.annotations, ...annotations };
    return {
      name,
      namespace: this.namespace,
      labels: Object.keys(allLabels).length > 0 ? allLabels : undefined,
      annotations: Object.keys(allAnnotations).length > 0 ? allAnnotations : undefined,
    };
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

/** A NetworkPolicy ingress rule admitting `peers` to the container ports `targetPorts` (TCP). */
export function networkPolicyRule(peers: readonly NetworkPeer[], targetPorts: readonly (number | string)[]): k8s.NetworkPolicyIngressRule {
  return {
    from: peers.map(networkPolicyPeer),
    ports: targetPorts.length > 0 ? targetPorts.map((port) => ({ port: toIntOrString(port), protocol: 'TCP' })) : undefined,
  };
}

/** A peer as a NetworkPolicy rule names it. */
export function networkPolicyPeer(peer: NetworkPeer): k8s.NetworkPolicyPeer {
  return {
    podSelector: peer.podLabels ? { matchLabels: peer.podLabels } : undefined,
    namespaceSelector: peer.namespaceLabels ? { matchLabels: peer.namespaceLabels } : undefined,
    ipBlock: peer.ipBlock ? { cidr: peer.ipBlock, except: peer.ipBlockExcept } : undefined,
  };
}

/** `pods app=frontend in namespaces team=a`, `addresses 0.0.0.0/0`, for people reading the access map. */
function describePeer(peer: NetworkPeer): string {
  if (peer.ipBlock) return `addresses ${peer.ipBlock}${peer.ipBlockExcept?.length ? ` except ${peer.ipBlockExcept.join(', ')}` : ''}`;
  const labels = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = peer.podLabels ? `pods ${labels(peer.podLabels)}` : 'any pod';
  return peer.namespaceLabels ? `${pods} in namespaces ${labels(peer.namespaceLabels)}` : `${pods} in this namespace`;
}

function checkPeer(check: PropsValidator, field: string, peer: NetworkPeer): void {
  const selectsPods = Object.keys({ ...peer.podLabels, ...peer.namespaceLabels }).length > 0;
  if (peer.ipBlock === undefined) {
    check.check(selectsPods, field, 'selects every pod in the cluster: give podLabels or namespaceLabels (or ipBlock for addresses)');
    check.check(peer.ipBlockExcept === undefined, `${field}.ipBlockExcept`, 'only applies with ipBlock');
  } else {
    check.check(!selectsPods, field, 'ipBlock cannot be combined with podLabels or namespaceLabels: make them two peers');
    check.cidr(`${field}.ipBlock`, peer.ipBlock);
    (peer.ipBlockExcept ?? []).forEach((except, i) => check.cidr(`${field}.ipBlockExcept[${i}]`, except));
  }
  check.labels(`${field}.podLabels`, peer.podLabels);
  check.labels(`${field}.namespaceLabels`, peer.namespaceLabels);
}

function targetPortOf(port: EndpointPort): number | string {
  return port.targetPort ?? port.port;
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
