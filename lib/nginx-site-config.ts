import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NginxLocation, nginxServerConfigProblems, renderNginxServerConfig, replacementServerConfigProblems } from './nginx-config';
import { PropsValidator } from './prop-validation';

/** The ConfigMap key nginx includes from its conf.d directory. */
const SITE_CONFIG_KEY = 'default.conf';

/** What the nginx server config is: the generated one with additions, a replacement, or an existing ConfigMap. */
export interface NginxSiteOptions {
  /**
   * `location` blocks added to the generated server; none may match what a generated one does
   * (`/`, the health path, the stub_status path).
   * @default none
   */
  readonly locations?: NginxLocation[];
  /**
   * Directives placed inside the generated `server` block, verbatim; they may not repeat one it
   * sets (listen, root, index, server_name, ssl_*) nor add locations.
   * @default none
   */
  readonly extraNginxDirectives?: string;
  /**
   * A whole `default.conf` replacing the generated one. It must listen on the container ports;
   * probes then connect by TCP unless given a path.
   * @default the generated config
   */
  readonly serverConfig?: string;
  /**
   * A ConfigMap managed elsewhere whose `default.conf` key is the server config (not checked
   * here); probes then connect by TCP unless given a path.
   * @default a ConfigMap made here
   */
  readonly existingConfigMap?: kplus.IConfigMap;
}

/** Props of {@link NginxSiteConfig}. */
export interface NginxSiteConfigProps extends NginxSiteOptions {
  /** Namespace of the ConfigMap. */
  readonly namespace: string;
  /** Name of the ConfigMap (unused with `existingConfigMap`). */
  readonly configMapName: string;
  /** Labels of the ConfigMap. */
  readonly labels: Record<string, string>;
  /**
   * Annotations of the ConfigMap.
   * @default none
   */
  readonly annotations?: Record<string, string>;
  /** Port nginx serves plain HTTP on. */
  readonly containerHttpPort: number;
  /** Port nginx serves HTTPS on. */
  readonly containerHttpsPort: number;
  /** Where the certificate and key are mounted. */
  readonly tlsMountPath: string;
  /**
   * Exact-match location answering the probes without logging.
   * @default no health location
   */
  readonly healthCheckPath?: string;
  /**
   * Exact-match `stub_status` location for the metrics exporter, loopback only.
   * @default no stub_status location
   */
  readonly stubStatusPath?: string;
}

/**
 * The nginx server config in a ConfigMap: generated (with added locations and directives),
 * replaced as a whole, or an existing ConfigMap. Whatever is generated or given as text is checked
 * for what nginx would refuse.
 */
export class NginxSiteConfig extends Construct {
  /** The ConfigMap nginx mounts. */
  public readonly configMap: kplus.IConfigMap;
  /** The `default.conf` text; undefined for an existing ConfigMap, whose content is not known here. */
  public readonly text?: string;
  /** The health location the config is known to serve; undefined for a replaced or existing config. */
  public readonly healthCheckPath?: string;

  constructor(scope: Construct, id: string, props: NginxSiteConfigProps) {
    super(scope, id);
    const generated = props.serverConfig === undefined && props.existingConfigMap === undefined;
    const renderOptions = {
      httpPort: props.containerHttpPort,
      httpsPort: props.containerHttpsPort,
      certificatePath: `${props.tlsMountPath}/tls.crt`,
      privateKeyPath: `${props.tlsMountPath}/tls.key`,
      healthCheckPath: props.healthCheckPath,
      stubStatusPath: props.stubStatusPath,
      locations: props.locations,
      extraDirectives: props.extraNginxDirectives,
    };

    const check = new PropsValidator(this, 'NginxSiteConfig');
    check.check(props.serverConfig === undefined || props.existingConfigMap === undefined, 'serverConfig',
      'give either serverConfig (the text) or existingConfigMap (a ConfigMap holding it), not both');
    if (generated) {
      nginxServerConfigProblems(renderOptions).forEach(({ field, problem }) => check.check(false, field, problem));
    } else {
      const additions = { locations: (props.locations ?? []).length > 0, extraNginxDirectives: props.extraNginxDirectives !== undefined };
      Object.entries(additions).forEach(([field, given]) => check.check(!given, field,
        'only applies to the generated config: put it into serverConfig (or your ConfigMap) instead'));
    }
    if (props.serverConfig !== undefined) {
      replacementServerConfigProblems(props.serverConfig, [props.containerHttpPort, props.containerHttpsPort], props.stubStatusPath !== undefined)
        .forEach((problem) => check.check(false, 'serverConfig', problem));
    }
    check.dnsSubdomain('configMapName', props.configMapName);
    check.throwIfInvalid();

    this.healthCheckPath = generated ? props.healthCheckPath : undefined;
    this.text = props.existingConfigMap ? undefined : props.serverConfig ?? renderNginxServerConfig(renderOptions);
    this.configMap = props.existingConfigMap ?? new kplus.ConfigMap(this, 'ConfigMap', {
      metadata: { name: props.configMapName, namespace: props.namespace, labels: props.labels, annotations: props.annotations },
      data: { [SITE_CONFIG_KEY]: this.text! },
    });
  }
}
