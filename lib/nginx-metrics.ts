import { ApiObject, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { NetworkPeer } from './exposed-endpoint';
import { PropsValidator } from './prop-validation';
import { restrictedContainerSecurityContext } from './security';

/** The NGINX Prometheus exporter: reads stub_status, serves Prometheus metrics. */
export const DEFAULT_NGINX_EXPORTER_IMAGE = 'nginx/nginx-prometheus-exporter:1.4.0';
/** The exporter's own default port. */
export const DEFAULT_METRICS_PORT = 9113;
/** Where the generated config serves stub_status for the exporter. */
export const DEFAULT_STUB_STATUS_PATH = '/stub_status';
/** `nobody`: the exporter needs no file of the pod, so it does not share nginx's uid. */
const EXPORTER_UID = 65534;
/** Name of the container port (and Service port) the metrics are served on. */
export const METRICS_PORT_NAME = 'metrics';

/** A Prometheus Operator ServiceMonitor (`monitoring.coreos.com/v1`) for the metrics Service. */
export interface ServiceMonitorOptions {
  /**
   * How often Prometheus scrapes.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Labels of the ServiceMonitor; Prometheus selects ServiceMonitors by label (e.g. `release: kube-prometheus-stack`).
   * @default the app's common labels only
   */
  readonly labels?: Record<string, string>;
}

/** The opt-in metrics: nginx's stub_status read by an exporter sidecar. */
export interface NginxMetricsOptions {
  /**
   * Container port the exporter serves `/metrics` on.
   * @default DEFAULT_METRICS_PORT (9113)
   */
  readonly port?: number;
  /**
   * The exporter image.
   * @default DEFAULT_NGINX_EXPORTER_IMAGE
   */
  readonly image?: string;
  /**
   * Path of the stub_status location (loopback only) the exporter reads.
   * @default DEFAULT_STUB_STATUS_PATH ('/stub_status')
   */
  readonly stubStatusPath?: string;
  /**
   * Emit a ServiceMonitor selecting the metrics Service.
   * @default no ServiceMonitor
   */
  readonly serviceMonitor?: ServiceMonitorOptions;
  /**
   * Who may scrape the metrics port once a NetworkPolicy guards the pods (e.g. the namespace
   * Prometheus runs in). Required then: a policy would refuse every scraper.
   * @default none
   */
  readonly scrapers?: NetworkPeer[];
}

/** Props of {@link NginxMetrics}. */
export interface NginxMetricsProps extends NginxMetricsOptions {
  /** The Deployment the exporter runs in, next to nginx. */
  readonly deployment: kplus.Deployment;
  /** The stub_status URL as the exporter (in the same pod) reaches it. */
  readonly scrapeUrl: string;
  /** Name of the app; the metrics Service is `<name>-metrics`. */
  readonly name: string;
  /** Namespace of the Service and the ServiceMonitor. */
  readonly namespace: string;
  /** Labels of the app's pods, which the metrics Service selects. */
  readonly podLabels: Record<string, string>;
  /**
   * Labels of the Service and the ServiceMonitor.
   * @default none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Service and the ServiceMonitor.
   * @default none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * nginx metrics for Prometheus: the exporter as a sidecar, a ClusterIP Service `<name>-metrics`
 * with a `metrics` port, and, when asked, a ServiceMonitor.
 */
export class NginxMetrics extends Construct {
  /** The exporter sidecar container. */
  public readonly exporter: kplus.Container;
  /** The `<name>-metrics` Service the ServiceMonitor selects. */
  public readonly service: k8s.KubeService;
  /** The ServiceMonitor, when asked for. */
  public readonly serviceMonitor?: ApiObject;
  /** Container (and Service) port of the metrics. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: NginxMetricsProps) {
    super(scope, id);
    this.port = props.port ?? DEFAULT_METRICS_PORT;
    const usedBy = props.deployment.containers.find((c) => c.ports.some((p) => p.number === this.port))?.name;
    const check = new PropsValidator(this, 'NginxMetrics');
    check.port('metrics.port', this.port);
    check.check(usedBy === undefined, 'metrics.port', `${this.port} is already used by container ${usedBy}: containers of a pod share one network namespace, so use another port`);
    check.check(props.deployment.containers.every((c) => c.name !== 'metrics-exporter'), 'metrics', 'a container is already named metrics-exporter: rename your sidecar');
    check.labels('metrics.serviceMonitor.labels', props.serviceMonitor?.labels);
    check.check((props.serviceMonitor?.interval?.toSeconds() ?? 30) >= 1, 'metrics.serviceMonitor.interval', 'must be at least one second');
    check.throwIfInvalid();

    this.exporter = props.deployment.addContainer({
      name: 'metrics-exporter',
      image: props.image ?? DEFAULT_NGINX_EXPORTER_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [`--nginx.scrape-uri=${props.scrapeUrl}`, `--web.listen-address=:${this.port}`],
      ports: [{ name: METRICS_PORT_NAME, number: this.port }],
      securityContext: restrictedContainerSecurityContext(EXPORTER_UID),
      resources: { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) } },
    });
    const metricsLabels = { ...props.labels, ...props.podLabels, 'app.kubernetes.io/component': 'metrics' };
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: `${props.name}-metrics`, namespace: props.namespace, labels: metricsLabels, annotations: props.annotations },
      spec: {
        type: 'ClusterIP',
        selector: props.podLabels,
        ports: [{ name: METRICS_PORT_NAME, port: this.port, targetPort: k8s.IntOrString.fromString(METRICS_PORT_NAME), protocol: 'TCP' }],
      },
    });
    if (props.serviceMonitor) {
      this.serviceMonitor = new ApiObject(this, 'ServiceMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels, ...props.serviceMonitor.labels }, annotations: props.annotations },
        spec: {
          selector: { matchLabels: metricsLabels },
          namespaceSelector: { matchNames: [props.namespace] },
          endpoints: [{ port: METRICS_PORT_NAME, path: '/metrics', interval: `${(props.serviceMonitor.interval ?? Duration.seconds(30)).toSeconds()}s` }],
        },
      });
    }
  }
}
