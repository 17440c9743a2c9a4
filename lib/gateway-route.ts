import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import type { EndpointPort, EndpointTls, ExposedEndpoint } from './exposed-endpoint';
import { coveredNames, dnsNameMatches, isTlsPort, routePort, trustOf } from './exposed-endpoint';
import { PropsValidator } from './prop-validation';

/** The Gateway API group and the version of its GA kinds (Gateway, HTTPRoute, BackendTLSPolicy). */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

/** The Gateway a route attaches to (`parentRefs`). */
export interface GatewayReference {
  /** Gateway name. */
  readonly name: string;
  /**
   * Gateway namespace.
   * @default the route's namespace
   */
  readonly namespace?: string;
  /**
   * Listener of the Gateway to attach to.
   * @default every listener that admits the route
   */
  readonly sectionName?: string;
}

/** An HTTPS listener for {@link GatewayRouteOptions.listener}: the Gateway is then created too. */
export interface GatewayListenerOptions {
  /** GatewayClass the cluster's Gateway controller serves (e.g. `istio`, `kong`, `eg`, `cilium`). */
  readonly gatewayClassName: string;
  /** TLS Secret the listener terminates with; its certificate must cover the route's hostnames. */
  readonly tls: EndpointTls;
  /**
   * Listener port.
   * @default 443
   */
  readonly port?: number;
  /**
   * Listener name (the route's `sectionName`).
   * @default 'https'
   */
  readonly name?: string;
}

/** Options of {@link ExposedEndpoint.addGatewayRoute}. */
export interface GatewayRouteOptions {
  /** Host names the route answers for (`spec.hostnames`); a leading `*.` wildcard is allowed. */
  readonly hostnames: string[];
  /** The Gateway to attach to; created when `listener` is given. */
  readonly gateway: GatewayReference;
  /**
   * Create the Gateway itself, with one HTTPS listener for the hostnames.
   * @default the Gateway exists already
   */
  readonly listener?: GatewayListenerOptions;
  /**
   * Path prefix (`PathPrefix` match).
   * @default '/'
   */
  readonly pathPrefix?: string;
  /**
   * Service port the route forwards to, by name or number. A TLS port (the backend speaks HTTPS)
   * adds a BackendTLSPolicy and a ConfigMap with the CA that signed the backend's certificate.
   * @default the first port without TLS, else the first port
   */
  readonly port?: string | number;
  /**
   * HTTPRoute name.
   * @default the Service name
   */
  readonly name?: string;
}

/** Props of {@link GatewayRoute}. */
export interface GatewayRouteProps extends GatewayRouteOptions {
  /** The Service the route forwards to. */
  readonly endpoint: ExposedEndpoint;
}

/**
 * Gateway API, the successor of Ingress: an HTTPRoute from hostnames and a path prefix to one
 * Service port, attached to a named Gateway; on request the Gateway's HTTPS listener; and, when the
 * backend port speaks TLS, a BackendTLSPolicy that makes the Gateway verify it.
 */
export class GatewayRoute extends Construct {
  /** The HTTPRoute. */
  public readonly httpRoute: ApiObject;
  /** The Gateway, when this construct made it. */
  public readonly gateway?: ApiObject;
  /** The BackendTLSPolicy, when the backend port speaks TLS. */
  public readonly backendTlsPolicy?: ApiObject;
  /** ConfigMap `ca.crt` the BackendTLSPolicy trusts. */
  public readonly backendCaConfigMap?: k8s.KubeConfigMap;
  /** The Service port the route forwards to. */
  public readonly backendPort: EndpointPort;
  /** Host names and path prefix the route answers for. */
  public readonly hostnames: string[];
  /** Path prefix the route matches. */
  public readonly pathPrefix: string;
  /** `https://HOST[:PORT]/PATH` per hostname, when this construct made the Gateway's listener. */
  public readonly urls: string[];

  constructor(scope: Construct, id: string, props: GatewayRouteProps) {
    super(scope, id);
    const { endpoint } = props;
    const pathPrefix = props.pathPrefix ?? '/';
    const port = routePort(endpoint.ports, props.port);
    const check = new PropsValidator(this, 'GatewayRoute');
    check.check(endpoint.backend !== undefined, 'endpoint', 'an ExternalName Service has no pods to route to');
    check.check(props.hostnames.length > 0, 'hostnames', 'give at least one host name, e.g. [\'my-nginx.example.com\']');
    props.hostnames.forEach((host, i) => check.dnsSubdomain(`hostnames[${i}]`, host.replace(/^\*\./, '')));
    check.check(pathPrefix.startsWith('/'), 'pathPrefix', `"${pathPrefix}" must start with '/'`);
    check.check(port !== undefined, 'port', `${JSON.stringify(props.port)} is not a port of Service ${endpoint.serviceName}: use one of ${endpoint.ports.map((p) => p.name ?? p.port).join(', ')}`);
    check.dnsSubdomain('gateway.name', props.gateway.name);
    check.dnsLabel('gateway.namespace', props.gateway.namespace);
    if (props.listener) checkListener(check, props.listener, props.hostnames);
    const backendTls = port && isTlsPort(port) ? endpoint.backend?.tls : undefined;
    check.check(!port || !isTlsPort(port) || backendTls !== undefined, 'port',
      `${port?.name ?? port?.port} speaks TLS but the backend has no tls to verify it with: give the backend tls, or route to a plain port`);
    // The CA the Gateway verifies the backend with: a CA's own certificate, or a self-signed leaf.
    const backendCaPem = backendTls && trustOf(backendTls, endpoint.namespace).caCertificatePem;
    check.check(!backendTls || backendCaPem !== undefined, 'port',
      `${port?.name ?? port?.port} speaks TLS, but the backend's CA is issued in the cluster (cert-manager), unknown at synth time: route to a plain port, or use a CA made at synth time (CertificateSource.signedBy)`);
    check.throwIfInvalid();

    this.backendPort = port!;
    const namespace = endpoint.namespace;
    const name = props.name ?? endpoint.serviceName;
    this.httpRoute = new ApiObject(this, 'HTTPRoute', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'HTTPRoute',
      metadata: { name, namespace },
      spec: httpRouteSpec({ ...props, pathPrefix, serviceName: endpoint.serviceName, servicePort: this.backendPort.port }),
    });
    if (props.listener) {
      this.gateway = new ApiObject(this, 'Gateway', {
        apiVersion: GATEWAY_API_VERSION,
        kind: 'Gateway',
        metadata: { name: props.gateway.name, namespace: props.gateway.namespace ?? namespace },
        spec: gatewaySpec(props.listener, props.hostnames),
      });
    }
    if (backendTls) {
      const caName = `${endpoint.serviceName}-backend-ca`;
      this.backendCaConfigMap = new k8s.KubeConfigMap(this, 'BackendCa', {
        metadata: { name: caName, namespace },
        data: { 'ca.crt': backendCaPem! },
      });
      this.backendTlsPolicy = new ApiObject(this, 'BackendTLSPolicy', {
        apiVersion: GATEWAY_API_VERSION,
        kind: 'BackendTLSPolicy',
        metadata: { name: `${endpoint.serviceName}-backend-tls`, namespace },
        // The Gateway dials the Service; its certificate carries NAME.NS.svc among its names.
        spec: backendTlsPolicySpec({ serviceName: endpoint.serviceName, portName: this.backendPort.name, caConfigMapName: caName, hostname: endpoint.serviceDnsNames[2] }),
      });
    }
    this.hostnames = [...props.hostnames];
    this.pathPrefix = pathPrefix;
    const listenerPort = props.listener?.port ?? 443;
    this.urls = props.listener ? this.hostnames.map((host) => `https://${host}${listenerPort === 443 ? '' : `:${listenerPort}`}${pathPrefix}`) : [];
  }
}

/** Inputs of {@link httpRouteSpec}. */
export interface HttpRouteSpecOptions {
  /** The Gateway the route attaches to. */
  readonly gateway: GatewayReference;
  /** Host names the route matches. */
  readonly hostnames: readonly string[];
  /** Path prefix the route matches. */
  readonly pathPrefix: string;
  /** The Service it forwards to. */
  readonly serviceName: string;
  /** The Service port it forwards to. */
  readonly servicePort: number;
}

/** `spec` of an HTTPRoute sending `hostnames` + `pathPrefix` to one Service port. */
export function httpRouteSpec(options: HttpRouteSpecOptions): Record<string, unknown> {
  const { gateway } = options;
  return {
    parentRefs: [{ name: gateway.name, namespace: gateway.namespace, sectionName: gateway.sectionName }],
    hostnames: [...options.hostnames],
    rules: [{
      matches: [{ path: { type: 'PathPrefix', value: options.pathPrefix } }],
      backendRefs: [{ name: options.serviceName, port: options.servicePort }],
    }],
  };
}

/** `spec` of a Gateway with one HTTPS listener terminating TLS with the given Secret. */
export function gatewaySpec(listener: GatewayListenerOptions, hostnames: readonly string[]): Record<string, unknown> {
  return {
    gatewayClassName: listener.gatewayClassName,
    listeners: [{
      name: listener.name ?? 'https',
      protocol: 'HTTPS',
      port: listener.port ?? 443,
      // One hostname narrows the listener to it; several share a listener without one.
      hostname: hostnames.length === 1 ? hostnames[0] : undefined,
      tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: listener.tls.secret.name }] },
      allowedRoutes: { namespaces: { from: 'Same' } },
    }],
  };
}

/** Inputs of {@link backendTlsPolicySpec}. */
export interface BackendTlsPolicySpecOptions {
  /** The Service whose TLS the Gateway verifies. */
  readonly serviceName: string;
  /** Service port name; the policy then covers that port only. */
  readonly portName?: string;
  /** ConfigMap holding `ca.crt`. */
  readonly caConfigMapName: string;
  /** Name the backend's certificate must carry (SNI and verification). */
  readonly hostname: string;
}

/** `spec` of a BackendTLSPolicy (v1): verify the Service's TLS against a CA ConfigMap and a host name. */
export function backendTlsPolicySpec(options: BackendTlsPolicySpecOptions): Record<string, unknown> {
  return {
    targetRefs: [{ group: '', kind: 'Service', name: options.serviceName, sectionName: options.portName }],
    validation: {
      caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: options.caConfigMapName }],
      hostname: options.hostname,
    },
  };
}

function checkListener(check: PropsValidator, listener: GatewayListenerOptions, hostnames: readonly string[]): void {
  check.dnsSubdomain('listener.gatewayClassName', listener.gatewayClassName);
  check.port('listener.port', listener.port);
  check.dnsLabel('listener.name', listener.name);
  const sans = coveredNames(check, 'listener.tls', listener.tls) ?? [];
  const uncovered = hostnames.filter((host) => !sans.some((san) => dnsNameMatches(san, host)));
  check.check(uncovered.length === 0, 'listener.tls',
    `the certificate in Secret ${listener.tls.secret.name} does not cover ${uncovered.join(', ')} (it covers ${sans.join(', ')}): add them to the certificate (e.g. SecureNginxApp extraSans)`);
}
