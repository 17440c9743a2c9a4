import { createHash } from 'crypto';
import { isIP } from 'net';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { AppCoherenceCheck } from './app-coherence-check';
import { MAX_VALIDITY_DAYS, RSA_KEY_SIZES } from './certificate';
import { CertificateSource, ICertificateSource } from './certificate-source';
import { ICertificateTrust } from './certificate-trust';
import { DEFAULT_DNS_PEER, dnsOnlyEgressPolicySpec, EgressPolicy } from './egress-policy';
import { EndpointBackend, ExposedEndpoint, NetworkPeer } from './exposed-endpoint';
import { rsaKeyAlgorithm } from './key-algorithm';
import { NginxDeployment, NginxPodOptions } from './nginx-deployment';
import { NGINX_UNPRIVILEGED_UID } from './nginx-image';
import { DEFAULT_STUB_STATUS_PATH, METRICS_PORT_NAME, NginxMetrics, NginxMetricsOptions } from './nginx-metrics';
import { DEFAULT_HEALTH_CHECK_PATH } from './nginx-probes';
import { NginxSiteConfig, NginxSiteOptions } from './nginx-site-config';
import { checkSinglePeerCopies } from './peer-copies';
import { PropsValidator } from './prop-validation';
import { DEFAULT_REPLICAS, ReplicaScaling, ReplicaScalingOptions } from './replica-scaling';
import { DEFAULT_CLUSTER_DOMAIN, serviceDnsNames } from './service-access';
import { ServingCertificate } from './serving-certificate';

/** Linux's default `net.ipv4.ip_unprivileged_port_start`: lower ports need root or CAP_NET_BIND_SERVICE. */
const UNPRIVILEGED_PORT_START = 1024;

/** Props of {@link SecureNginxApp}. */
export interface SecureNginxAppProps extends ReplicaScalingOptions, NginxPodOptions, NginxSiteOptions {
  /**
   * Name of the Deployment and the Service, the `run` label value, and the certificate's CN and O.
   * @default 'my-nginx'
   */
  readonly name?: string;
  /**
   * Namespace of every object; also part of the certificate's DNS names.
   * @default the chart's namespace, else 'default'
   */
  readonly namespace?: string;
  /**
   * The uid and gid the image's nginx runs as; the TLS key is made readable to this group only.
   * @default NGINX_UNPRIVILEGED_UID (101)
   */
  readonly runAsUser?: number;
  /**
   * Service type. `NodePort` and `LoadBalancer` also open node ports.
   * @default kplus.ServiceType.NODE_PORT (as in the tutorial)
   */
  readonly serviceType?: kplus.ServiceType;
  /**
   * Service port named `http`.
   * @default 8080
   */
  readonly httpPort?: number;
  /**
   * Service port named `https`.
   * @default 443
   */
  readonly httpsPort?: number;
  /**
   * Fixed node port for `http` (NodePort and LoadBalancer only).
   * @default the cluster picks one
   */
  readonly httpNodePort?: number;
  /**
   * Fixed node port for `https` (NodePort and LoadBalancer only).
   * @default the cluster picks one
   */
  readonly httpsNodePort?: number;
  /**
   * Port nginx listens on for HTTP inside the container. Unprivileged users cannot bind below 1024
   * (see {@link allowPrivilegedContainerPorts}).
   * @default 8080
   */
  readonly containerHttpPort?: number;
  /**
   * Port nginx listens on for HTTPS inside the container.
   * @default 8443
   */
  readonly containerHttpsPort?: number;
  /**
   * Names added to the certificate besides the Service's own cluster DNS names (e.g. an Ingress
   * host): DNS names, a leading `*.` wildcard allowed, and IP addresses (written as IP SANs, the
   * only kind clients match an address against).
   * @default none
   */
  readonly extraSans?: string[];
  /**
   * Where the serving certificate comes from: generated self-signed (the tutorial's), signed by a CA
   * you generate or bring (`CertificateSource.signedBy`), your own PEM, an existing Secret, or cert-manager.
   * @default CertificateSource.selfSigned(), shaped by keySize, certificateValidityDays, certificateStoreDir and rotateCertificate
   */
  readonly certificate?: ICertificateSource;
  /**
   * Lifetime in days of the default self-signed certificate, at most 825 (the longest TLS clients
   * accept); other sources take it in their options.
   * @default 365
   */
  readonly certificateValidityDays?: number;
  /**
   * RSA key size in bits of the default self-signed certificate: 2048, 3072 or 4096. For ECDSA use
   * `certificate: CertificateSource.selfSigned({ keyAlgorithm: KeyAlgorithm.ECDSA_P256 })`.
   * @default 2048
   */
  readonly keySize?: number;
  /**
   * Name of the `kubernetes.io/tls` Secret (the tutorial calls it `nginxsecret`).
   * @default `${name}-tls`
   */
  readonly secretName?: string;
  /**
   * Name of the ConfigMap holding `default.conf` (the tutorial calls it `nginxconfigmap`).
   * @default `${name}-nginx-conf`
   */
  readonly configMapName?: string;
  /**
   * Path of the generated health location (exact match, `200 ok`, not logged) the probes request.
   * @default '/healthz'
   */
  readonly healthCheckPath?: string;
  /**
   * Cluster DNS domain, for the fully qualified name in the certificate.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Directory where the default certificate's key and certificate are kept between synths (mode 0600 files).
   * @default $CDK8S_CERT_STORE, else '.cdk8s-certs'
   */
  readonly certificateStoreDir?: string;
  /**
   * Generate a new default certificate even though the stored one still fits (once per synth
   * process: every output emitting the same Secret gets the same new certificate).
   * @default true when $CDK8S_ROTATE_CERTS is '1' or names this Secret (`namespace/name`) or a construct path above it
   */
  readonly rotateCertificate?: boolean;
  /**
   * Labels of every object (and the pods); they may not change the `run` label.
   * @default none
   */
  readonly commonLabels?: Record<string, string>;
  /**
   * Annotations of every object (and the pods).
   * @default none
   */
  readonly commonAnnotations?: Record<string, string>;
  /**
   * Prometheus metrics: stub_status, read by an exporter sidecar, on a `metrics` port and Service,
   * with a ServiceMonitor when asked.
   * @default no metrics
   */
  readonly metrics?: NginxMetricsOptions;
  /**
   * Egress of the nginx pods.
   * @default EgressPolicy.UNRESTRICTED
   */
  readonly egress?: EgressPolicy;
  /**
   * The cluster DNS pods, which EgressPolicy.DNS_ONLY admits.
   * @default DEFAULT_DNS_PEER (pods k8s-app=kube-dns in kube-system)
   */
  readonly dnsPeer?: NetworkPeer;
}

/**
 * The tutorial's secure nginx: a self-signed certificate in a `kubernetes.io/tls` Secret, the
 * nginx `default.conf` in a ConfigMap, a Deployment mounting both, and a Service with `http` and
 * `https` ports, locked down (non-root, read-only root filesystem, no capabilities); with probes,
 * a PodDisruptionBudget and topology spread, and on request autoscaling, metrics and egress policy.
 */
export class SecureNginxApp extends Construct {
  /** The application name: Deployment and Service name and `run` label value. */
  public readonly name: string;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Every DNS name of the Service, shortest first; all are in the certificate. */
  public readonly serviceDnsNames: string[];
  /** Pod labels the Service selects. */
  public readonly podLabels: Record<string, string>;
  /** The pods, their ports and their TLS, for exposing them further (another Service, an Ingress). */
  public readonly backend: EndpointBackend;
  /** The Service with its access map; add an Ingress or a NetworkPolicy through it. */
  public readonly endpoint: ExposedEndpoint;
  /** The Service (the same object as `endpoint.service`). */
  public readonly service: k8s.KubeService;
  /** The nginx Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The ConfigMap nginx reads its server config from (made here, or the existing one given). */
  public readonly configMap: kplus.IConfigMap;
  /** The serving certificate: its Secret, names and trust. */
  public readonly certificate: ServingCertificate;
  /** The TLS Secret, as a reference other cdk8s-plus constructs can mount. */
  public readonly secret: kplus.ISecret;
  /** The TLS Secret object itself (base64 `data`, so re-applying it is a no-op); undefined when the synth writes no Secret. */
  public readonly secretObject?: k8s.KubeSecret;
  /** The serving certificate (PEM) when known at synth time; for a self-signed one, also the CA clients pass to `--cacert`. */
  public readonly certificatePem?: string;
  /** How clients in any namespace trust the certificate (what a {@link CurlProbe} mounts). */
  public readonly trust: ICertificateTrust;
  /** Where the Secret is mounted in the nginx container. */
  public readonly tlsMountPath = '/etc/nginx/ssl';
  /** Where the ConfigMap is mounted in the nginx container (both image families read conf.d). */
  public readonly configMountPath = '/etc/nginx/conf.d';
  /** Service port of `http`. */
  public readonly httpPort: number;
  /** Service port of `https`. */
  public readonly httpsPort: number;
  /** Replica count, autoscaler and disruption budget. */
  public readonly scaling: ReplicaScaling;
  /** The exporter, metrics Service and ServiceMonitor, when metrics are on. */
  public readonly metrics?: NginxMetrics;
  /** The DNS-only egress NetworkPolicy, when asked for. */
  public readonly egressPolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: SecureNginxAppProps = {}) {
    super(scope, id);
    checkSinglePeerCopies(this, 'SecureNginxApp');
    this.name = props.name ?? 'my-nginx';
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.httpPort = props.httpPort ?? 8080;
    this.httpsPort = props.httpsPort ?? 443;
    const containerHttpPort = props.containerHttpPort ?? 8080;
    const secretName = props.secretName ?? `${this.name}-tls`;
    this.checkProps(props, containerHttpPort, secretName);
    AppCoherenceCheck.addTo(this);

    this.podLabels = { run: this.name };
    const objectLabels = { ...props.commonLabels, ...this.podLabels };
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels: objectLabels, annotations: props.commonAnnotations });
    const ports = { containerHttpPort, containerHttpsPort: props.containerHttpsPort ?? 8443 };
    const stubStatusPath = props.metrics ? props.metrics.stubStatusPath ?? DEFAULT_STUB_STATUS_PATH : undefined;
    const config = new NginxSiteConfig(this, 'Config', {
      ...props, ...ports, ...metadata(this.name), tlsMountPath: this.tlsMountPath, stubStatusPath,
      configMapName: props.configMapName ?? `${this.name}-nginx-conf`, healthCheckPath: props.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
    });
    this.configMap = config.configMap;
    this.secret = kplus.Secret.fromSecretName(this, 'SecretRef', secretName);
    const pods = new NginxDeployment(this, 'Pods', {
      ...props, ...ports, name: this.name, namespace: this.namespace, podLabels: this.podLabels,
      replicas: props.autoscaling ? undefined : props.replicas ?? DEFAULT_REPLICAS,
      runAsUser: props.runAsUser ?? NGINX_UNPRIVILEGED_UID, tlsSecret: this.secret, tlsMountPath: this.tlsMountPath,
      configMap: this.configMap, configMountPath: this.configMountPath, healthCheckPath: config.healthCheckPath,
    });
    this.deployment = pods.deployment;
    this.metrics = props.metrics && new NginxMetrics(this, 'Metrics', {
      ...props.metrics, deployment: this.deployment, name: this.name, namespace: this.namespace, podLabels: this.podLabels,
      labels: props.commonLabels, annotations: props.commonAnnotations, scrapeUrl: `http://127.0.0.1:${containerHttpPort}${stubStatusPath}`,
    });
    this.scaling = new ReplicaScaling(this, 'Scaling', {
      ...props, ...metadata(this.name), deployment: this.deployment, name: this.name, namespace: this.namespace, podLabels: this.podLabels,
    });

    // After every part has checked its props: a refused synth writes nothing to the key store.
    this.serviceDnsNames = serviceDnsNames(this.name, this.namespace, props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
    this.certificate = this.servingCertificate(props, secretName, metadata(secretName));
    this.secretObject = this.certificate.secretObject;
    this.certificatePem = this.certificate.certificatePem;
    this.trust = this.certificate.trust;
    // Pods restart when the certificate or config changes, as they read both only at start. A
    // certificate cert-manager renews in the cluster is unknown here: see the README on reloading.
    this.deployment.podMetadata.addAnnotation('checksum/tls-and-config',
      createHash('sha256').update(this.certificatePem ?? '').update(config.text ?? '').digest('hex'));

    this.backend = ExposedEndpoint.backendOf(this.deployment, this.certificate);
    this.endpoint = this.exposeEndpoint(props, objectLabels);
    this.service = this.endpoint.service;
    this.admitScrapers(props.metrics);
    this.egressPolicy = props.egress !== EgressPolicy.DNS_ONLY ? undefined : new k8s.KubeNetworkPolicy(this, 'EgressPolicy', {
      metadata: metadata(`${this.name}-egress-dns-only`), spec: dnsOnlyEgressPolicySpec(this.podLabels, props.dnsPeer ?? DEFAULT_DNS_PEER),
    });
  }

  /** The Service with the tutorial's two ports, `http` and `https`, targeting the container ports by name. */
  private exposeEndpoint(props: SecureNginxAppProps, labels: Record<string, string>): ExposedEndpoint {
    return new ExposedEndpoint(this, 'Endpoint', {
      name: this.name, namespace: this.namespace, type: props.serviceType ?? kplus.ServiceType.NODE_PORT, backend: this.backend,
      clusterDomain: props.clusterDomain, labels, commonLabels: props.commonLabels, commonAnnotations: props.commonAnnotations,
      ports: [
        { name: 'http', port: this.httpPort, targetPort: 'http', nodePort: props.httpNodePort, tls: false },
        { name: 'https', port: this.httpsPort, targetPort: 'https', nodePort: props.httpsNodePort, tls: true },
      ],
    });
  }

  /** The props only this construct reads; the parts it composes check theirs. */
  private checkProps(props: SecureNginxAppProps, containerHttpPort: number, secretName: string): void {
    const check = new PropsValidator(this, 'SecureNginxApp');
    const serviceType = props.serviceType ?? kplus.ServiceType.NODE_PORT;
    check.serviceName('name', this.name);
    check.dnsLabel('namespace', this.namespace);
    check.port('httpPort', this.httpPort);
    check.port('httpsPort', this.httpsPort);
    check.check(this.httpPort !== this.httpsPort, 'httpsPort', `${this.httpsPort} is also httpPort: give the two Service ports different numbers`);
    const containerHttpsPort = props.containerHttpsPort ?? 8443;
    for (const [field, port] of [['containerHttpPort', containerHttpPort], ['containerHttpsPort', containerHttpsPort]] as const) {
      check.port(field, port);
      check.check(port >= UNPRIVILEGED_PORT_START || props.allowPrivilegedContainerPorts === true, field,
        `${port} is below ${UNPRIVILEGED_PORT_START}, which the non-root nginx (uid ${props.runAsUser ?? NGINX_UNPRIVILEGED_UID}) cannot bind: use a port from ${UNPRIVILEGED_PORT_START} (the Service can still offer ${port}), or set allowPrivilegedContainerPorts`);
    }
    check.check(containerHttpPort !== containerHttpsPort, 'containerHttpsPort', `${containerHttpsPort} is also containerHttpPort: nginx needs two different ports`);
    check.nodePort('httpNodePort', props.httpNodePort);
    check.nodePort('httpsNodePort', props.httpsNodePort);
    check.check(props.httpNodePort === undefined || props.httpNodePort !== props.httpsNodePort, 'httpsNodePort',
      `${props.httpsNodePort} is also httpNodePort: node ports must be unique`);
    const opensNodePorts = serviceType === kplus.ServiceType.NODE_PORT || serviceType === kplus.ServiceType.LOAD_BALANCER;
    check.check(opensNodePorts || (props.httpNodePort === undefined && props.httpsNodePort === undefined), 'httpNodePort',
      `node ports need serviceType NodePort or LoadBalancer, not ${serviceType}: remove the node ports or change serviceType`);
    check.check(serviceType !== kplus.ServiceType.EXTERNAL_NAME, 'serviceType',
      'ExternalName points at a name outside the cluster and cannot front these pods: use ClusterIP, NodePort or LoadBalancer');
    check.integerInRange('certificateValidityDays', props.certificateValidityDays ?? 365, 1, MAX_VALIDITY_DAYS);
    check.oneOf('keySize', props.keySize ?? 2048, RSA_KEY_SIZES);
    for (const field of ['keySize', 'certificateValidityDays', 'certificateStoreDir', 'rotateCertificate'] as const) {
      check.check(props.certificate === undefined || props[field] === undefined, field,
        'only shapes the default self-signed certificate: set it on the certificate source instead (e.g. CertificateSource.signedBy(ca, { validityDays }))');
    }
    check.dnsSubdomain('secretName', secretName);
    check.dnsSubdomain('clusterDomain', props.clusterDomain);
    (props.extraSans ?? []).forEach((san, i) => {
      if (isIP(san)) return;
      check.check(!/^[0-9.]+$/.test(san), `extraSans[${i}]`, `"${san}" looks like an IPv4 address but is not one: correct it, or give a DNS name`);
      check.dnsSubdomain(`extraSans[${i}]`, san.replace(/^\*\./, ''));
    });
    check.integerAtLeast('runAsUser', props.runAsUser, 1);
    check.labels('commonLabels', props.commonLabels);
    check.annotations('commonAnnotations', props.commonAnnotations);
    check.check(!('run' in (props.commonLabels ?? {})), 'commonLabels', '"run" would change the label the Service selects: use another key');
    const healthCheckPath = props.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
    check.check(/^\/\S*$/.test(healthCheckPath), 'healthCheckPath', `"${healthCheckPath}" must start with '/' and contain no spaces`);
    check.check(props.dnsPeer === undefined || props.egress === EgressPolicy.DNS_ONLY, 'dnsPeer', 'only applies with egress: EgressPolicy.DNS_ONLY');
    const proxying = [...(props.locations ?? []).map((l) => l.body), props.extraNginxDirectives ?? '', props.serverConfig ?? '']
      .some((text) => /(^|[\s;{])(proxy|grpc|fastcgi|uwsgi|scgi)_pass\s/.test(text));
    check.check(props.egress !== EgressPolicy.DNS_ONLY || !proxying, 'egress',
      'DNS_ONLY refuses every connection but DNS, and the nginx config passes requests upstream (*_pass): use EgressPolicy.UNRESTRICTED');
    check.throwIfInvalid();
  }

  /** The certificate from `props.certificate`, else the self-signed one the certificate props shape. */
  private servingCertificate(props: SecureNginxAppProps, secretName: string, metadata: { labels: Record<string, string>; annotations?: Record<string, string> }): ServingCertificate {
    const extraSans = props.extraSans ?? [];
    return new ServingCertificate(this, 'Certificate', {
      source: props.certificate ?? CertificateSource.selfSigned({
        keyAlgorithm: rsaKeyAlgorithm(props.keySize ?? 2048),
        validityDays: props.certificateValidityDays,
        storeDir: props.certificateStoreDir,
        rotate: props.rotateCertificate,
      }),
      secretName,
      namespace: this.namespace,
      commonName: this.name,
      organization: this.name,
      dnsNames: [...this.serviceDnsNames, ...extraSans.filter((san) => !isIP(san))],
      ipAddresses: extraSans.filter((san) => isIP(san)),
      labels: metadata.labels,
      annotations: metadata.annotations,
    });
  }

  /** Scrapers reach the metrics port through the pods' NetworkPolicy, whenever one is made. */
  private admitScrapers(metrics: NginxMetricsOptions | undefined): void {
    if (!metrics) return;
    if (metrics.scrapers?.length) this.endpoint.allowPeersOnPort(metrics.scrapers, METRICS_PORT_NAME);
    this.node.addValidation({
      validate: () => (this.endpoint.networkPolicy && !metrics.scrapers?.length
        ? [`SecureNginxApp at '${this.node.path}': metrics.scrapers: NetworkPolicy ${this.endpoint.networkPolicy.name} guards the pods and would refuse Prometheus: name who scrapes, e.g. [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }]`]
        : []),
    });
  }
}
