import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PropsValidator } from './prop-validation';

/** The path of the location the generated config serves for probes. */
export const DEFAULT_HEALTH_CHECK_PATH = '/healthz';

/** One kubelet probe of the nginx container; every field is optional. */
export interface NginxProbe {
  /**
   * Whether the probe is emitted.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Path of an HTTP GET.
   * @default the health location ('/healthz') of the generated config; with serverConfig or
   * existingConfigMap a TCP connect, as their locations are not known
   */
  readonly path?: string;
  /**
   * Container port probed; must be one the nginx container declares.
   * @default containerHttpPort
   */
  readonly port?: number;
  /**
   * HTTP or HTTPS (the kubelet does not verify the certificate).
   * @default HTTPS when port is containerHttpsPort, else HTTP
   */
  readonly scheme?: kplus.ConnectionScheme;
  /**
   * Delay after the container starts before the first probe.
   * @default Duration.seconds(0)
   */
  readonly initialDelay?: Duration;
  /**
   * How often to probe.
   * @default Duration.seconds(10); the startup probe Duration.seconds(2)
   */
  readonly period?: Duration;
  /**
   * How long one probe may take.
   * @default Duration.seconds(1)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures that count as failed.
   * @default 3; the startup probe 30 (one minute to start)
   */
  readonly failureThreshold?: number;
}

/** The three probes, by kind, and what they are built against. */
export interface NginxProbesContext {
  /** Ports the nginx container declares. */
  readonly declaredPorts: readonly number[];
  readonly httpPort: number;
  readonly httpsPort: number;
  /** The health path the config is known to serve; undefined means probe by TCP connect by default. */
  readonly healthCheckPath?: string;
}

/** The container probes: readiness, liveness (after startup succeeds), startup. */
export interface NginxContainerProbes {
  readonly readiness?: kplus.Probe;
  readonly liveness?: kplus.Probe;
  readonly startup?: kplus.Probe;
}

const STARTUP_DEFAULTS = { period: Duration.seconds(2), failureThreshold: 30 };

/** Records what is wrong with the probe options (under `field`) in `check`. */
export function checkNginxProbe(check: PropsValidator, field: string, probe: NginxProbe | undefined, context: NginxProbesContext): void {
  if (!probe || probe.enabled === false) return;
  check.port(`${field}.port`, probe.port);
  if (probe.port !== undefined) {
    check.check(context.declaredPorts.includes(probe.port), `${field}.port`,
      `${probe.port} is not a port of the nginx container (it declares ${context.declaredPorts.join(', ')}): probe one of those`);
  }
  check.check(probe.path === undefined || probe.path.startsWith('/'), `${field}.path`, `"${probe.path}" must start with '/'`);
  check.check(probe.scheme === undefined || probe.path !== undefined || context.healthCheckPath !== undefined, `${field}.scheme`,
    'a TCP probe has no scheme: give a path to probe over HTTP(S)');
  check.integerAtLeast(`${field}.failureThreshold`, probe.failureThreshold, 1);
  for (const [name, duration] of [['period', probe.period], ['timeout', probe.timeout]] as const) {
    check.check(duration === undefined || duration.toSeconds() >= 1, `${field}.${name}`, 'must be at least one second');
  }
}

/** Builds the probes from their options; a probe turned off is left out. */
export function nginxContainerProbes(
  options: { readiness?: NginxProbe; liveness?: NginxProbe; startup?: NginxProbe },
  context: NginxProbesContext,
): NginxContainerProbes {
  return {
    readiness: nginxProbe(options.readiness, context, {}),
    liveness: nginxProbe(options.liveness, context, {}),
    startup: nginxProbe(options.startup, context, STARTUP_DEFAULTS),
  };
}

function nginxProbe(probe: NginxProbe = {}, context: NginxProbesContext, defaults: Partial<NginxProbe>): kplus.Probe | undefined {
  if (probe.enabled === false) return undefined;
  const port = probe.port ?? context.httpPort;
  const timing: kplus.ProbeOptions = {
    initialDelaySeconds: probe.initialDelay,
    periodSeconds: probe.period ?? defaults.period,
    timeoutSeconds: probe.timeout,
    failureThreshold: probe.failureThreshold ?? defaults.failureThreshold,
  };
  const path = probe.path ?? context.healthCheckPath;
  if (path === undefined) return kplus.Probe.fromTcpSocket({ ...timing, port });
  const scheme = probe.scheme ?? (port === context.httpsPort ? kplus.ConnectionScheme.HTTPS : kplus.ConnectionScheme.HTTP);
  return kplus.Probe.fromHttpGet(path, { ...timing, port, scheme });
}
