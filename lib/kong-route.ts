import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import type { EndpointTls, ExposedEndpoint, NetworkPeer } from './exposed-endpoint';
import { isTlsPort, routePort } from './exposed-endpoint';
import { PropsValidator } from './prop-validation';

/** Kong's API group: KongPlugin and the legacy KongIngress are v1, KongUpstreamPolicy is v1beta1. */
export const KONG_CONFIGURATION_GROUP = 'configuration.konghq.com';

/** How Kong balances requests over the Service's endpoints (KongUpstreamPolicy `spec.algorithm`). */
export enum KongLoadBalancing {
  /** Each target in turn. */
  ROUND_ROBIN = 'round-robin',
  /** The target with the fewest open connections. */
  LEAST_CONNECTIONS = 'least-connections',
  /** A target chosen by a hash (of a header, cookie or the client), so a client keeps its target. */
  CONSISTENT_HASHING = 'consistent-hashing',
  /** The target answering fastest. */
  LATENCY = 'latency',
}

/** A Kong plugin on the route (a KongPlugin, named in the Ingress's `konghq.com/plugins`). */
export interface KongPluginOptions {
  /** KongPlugin object name. */
  readonly name: string;
  /** Kong plugin, e.g. `rate-limiting`, `key-auth`, `cors`. */
  readonly plugin: string;
  /**
   * The plugin's `config`, as Kong documents it for that plugin.
   * @default none
   */
  readonly config?: Record<string, unknown>;
}

/** Options of {@link ExposedEndpoint.addKongRoute}. */
export interface KongRouteOptions {
  /** Host name Kong answers for. */
  readonly host: string;
  /**
   * Path prefix Kong matches, e.g. `/example`.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Remove the matched prefix before proxying (`konghq.com/strip-path`), so `/example/a` reaches the Service as `/a`.
   * @default true
   */
  readonly stripPath?: boolean;
  /**
   * Path Kong prepends to every request it forwards (`konghq.com/path` on the Service; KongIngress `proxy.path`).
   * @default none
   */
  readonly upstreamPath?: string;
  /**
   * Service port Kong forwards to; a TLS port makes Kong speak HTTPS to it (`konghq.com/protocol`).
   * @default the first port without TLS, else the first port
   */
  readonly port?: string | number;
  /**
   * IngressClass of the Kong Ingress Controller.
   * @default 'kong'
   */
  readonly ingressClassName?: string;
  /**
   * Kong's proxy pods, admitted to the backend port once a NetworkPolicy guards the pods.
   * @default pods in namespace kong (where Kong's Helm chart installs it)
   */
  readonly controller?: NetworkPeer;
  /**
   * Terminate TLS at Kong with this Secret; its certificate must cover `host`.
   * @default no TLS
   */
  readonly tls?: EndpointTls;
  /**
   * Plugins on the route.
   * @default none
   */
  readonly plugins?: KongPluginOptions[];
  /**
   * A KongUpstreamPolicy for the Service (`konghq.com/upstream-policy`), the successor of KongIngress `upstream`.
   * @default Kong's default (round-robin)
   */
  readonly loadBalancing?: KongLoadBalancing;
  /**
   * Emit the page's deprecated form: a KongIngress with `proxy.path` bound by `konghq.com/override`,
   * instead of the `konghq.com/path` annotation. Kong Ingress Controller 3.5 deprecates KongIngress.
   * @default false
   */
  readonly legacyKongIngress?: boolean;
}

/** Props of {@link KongRoute}. */
export interface KongRouteProps extends KongRouteOptions {
  /** The Service Kong forwards to. */
  readonly endpoint: ExposedEndpoint;
}

/**
 * An API gateway route with Kong as it works on current Kong: an Ingress of class `kong` with
 * `konghq.com/*` annotations, Service annotations for the upstream side, KongPlugins and a
 * KongUpstreamPolicy when asked; the page's KongIngress only on request.
 */
export class KongRoute extends Construct {
  /** The Ingress of class kong. */
  public readonly ingress: k8s.KubeIngress;
  /** The KongPlugins on the route. */
  public readonly plugins: ApiObject[];
  /** The KongUpstreamPolicy, when load balancing is set. */
  public readonly upstreamPolicy?: ApiObject;
  /** The deprecated KongIngress, when asked for. */
  public readonly legacyKongIngress?: ApiObject;

  constructor(scope: Construct, id: string, props: KongRouteProps) {
    super(scope, id);
    const { endpoint } = props;
    const plugins = props.plugins ?? [];
    const port = routePort(endpoint.ports, props.port);
    const check = new PropsValidator(this, 'KongRoute');
    plugins.forEach((plugin, i) => {
      check.dnsSubdomain(`plugins[${i}].name`, plugin.name);
      check.check(/^[a-z0-9-]+$/.test(plugin.plugin), `plugins[${i}].plugin`, `"${plugin.plugin}" is not a Kong plugin name (e.g. 'rate-limiting')`);
    });
    check.check(props.upstreamPath === undefined || props.upstreamPath.startsWith('/'), 'upstreamPath', `"${props.upstreamPath}" must start with '/'`);
    check.check(!props.legacyKongIngress || props.loadBalancing === undefined, 'loadBalancing',
      'a KongUpstreamPolicy and a KongIngress cannot both configure the upstream: drop legacyKongIngress');
    check.throwIfInvalid();

    const name = endpoint.serviceName;
    const metadata = (suffix: string) => ({ name: `${name}-${suffix}`, namespace: endpoint.namespace });
    this.plugins = plugins.map((plugin) => new ApiObject(this, `Plugin-${plugin.name}`, kongPlugin(plugin, endpoint.namespace)));
    this.ingress = endpoint.addIngress({
      host: props.host,
      path: props.path,
      port: props.port,
      className: props.ingressClassName ?? 'kong',
      controller: props.controller ?? { namespaceLabels: { 'kubernetes.io/metadata.name': 'kong' } },
      tls: props.tls,
      name: `${name}-kong`,
      annotations: kongRouteAnnotations({ stripPath: props.stripPath ?? true, plugins: plugins.map((p) => p.name) }),
    });
    if (props.loadBalancing) {
      this.upstreamPolicy = new ApiObject(this, 'UpstreamPolicy', {
        apiVersion: `${KONG_CONFIGURATION_GROUP}/v1beta1`, kind: 'KongUpstreamPolicy', metadata: metadata('upstream'), spec: { algorithm: props.loadBalancing },
      });
    }
    if (props.legacyKongIngress) {
      this.legacyKongIngress = new ApiObject(this, 'KongIngress', legacyKongIngress(metadata('kong-ingress'), props.upstreamPath));
    }
    const annotations = kongServiceAnnotations({
      https: port !== undefined && isTlsPort(port),
      upstreamPath: props.legacyKongIngress ? undefined : props.upstreamPath,
      upstreamPolicy: this.upstreamPolicy?.name,
      override: this.legacyKongIngress?.name,
    });
    Object.entries(annotations).forEach(([key, value]) => endpoint.service.metadata.addAnnotation(key, value));
  }
}

/** Inputs of {@link kongRouteAnnotations}. */
export interface KongRouteAnnotationOptions {
  /** Remove the matched prefix before proxying. */
  readonly stripPath: boolean;
  /** KongPlugin names to run on the route. */
  readonly plugins: readonly string[];
}

/** Inputs of {@link kongServiceAnnotations}. */
export interface KongServiceAnnotationOptions {
  /** Kong speaks HTTPS to the Service port. */
  readonly https: boolean;
  /** Path Kong prepends upstream. */
  readonly upstreamPath?: string;
  /** KongUpstreamPolicy name. */
  readonly upstreamPolicy?: string;
  /** KongIngress name (legacy). */
  readonly override?: string;
}

/** A Kong custom resource: Kong's kinds keep their fields at the top level, beside metadata. */
export interface KongResource {
  /** `configuration.konghq.com/...`. */
  readonly apiVersion: string;
  /** The Kong kind. */
  readonly kind: string;
  /** Name and namespace. */
  readonly metadata: KongResourceMetadata;
  readonly [field: string]: unknown;
}

/** Name and namespace of a Kong resource. */
export interface KongResourceMetadata {
  /** Object name. */
  readonly name: string;
  /** Namespace. @default none (the namespace kubectl applies it to) */
  readonly namespace?: string;
}

/** Ingress annotations of a Kong route. */
export function kongRouteAnnotations(options: KongRouteAnnotationOptions): Record<string, string> {
  return {
    'konghq.com/strip-path': String(options.stripPath),
    ...(options.plugins.length > 0 ? { 'konghq.com/plugins': options.plugins.join(',') } : {}),
  };
}

/** Service annotations telling Kong how to reach the upstream. */
export function kongServiceAnnotations(options: KongServiceAnnotationOptions): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (options.https) annotations['konghq.com/protocol'] = 'https';
  if (options.upstreamPath) annotations['konghq.com/path'] = options.upstreamPath;
  if (options.upstreamPolicy) annotations['konghq.com/upstream-policy'] = options.upstreamPolicy;
  if (options.override) annotations['konghq.com/override'] = options.override;
  return annotations;
}

/** A KongPlugin: `plugin` and `config` are top-level fields, not under `spec`. */
export function kongPlugin(plugin: KongPluginOptions, namespace: string): KongResource {
  return {
    apiVersion: `${KONG_CONFIGURATION_GROUP}/v1`,
    kind: 'KongPlugin',
    metadata: { name: plugin.name, namespace },
    plugin: plugin.plugin,
    ...(plugin.config ? { config: plugin.config } : {}),
  };
}

/**
 * The page's KongIngress: `proxy`, `route` and `upstream` are top-level sections. The page's
 * `service: my-service` is no KongIngress field; a Service opts in with `konghq.com/override`.
 */
export function legacyKongIngress(metadata: { readonly name: string; readonly namespace?: string }, proxyPath?: string): KongResource {
  return {
    apiVersion: `${KONG_CONFIGURATION_GROUP}/v1`,
    kind: 'KongIngress',
    metadata,
    ...(proxyPath ? { proxy: { path: proxyPath } } : {}),
  };
}
