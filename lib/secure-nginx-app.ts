import { createHash } from 'crypto';
import { isIP } from 'net';
import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { AppCoherenceCheck } from './app-coherence-check';
import { MAX_VALIDITY_DAYS, RSA_KEY_SIZES } from './certificate';
import { CertificateSource, ICertificateSource } from './certificate-source';
import { ICertificateTrust } from './certificate-trust';
import { EndpointBackend, ExposedEndpoint } from './exposed-endpoint';
import { rsaKeyAlgorithm } from './key-algorithm';
import { renderNginxServerConfig } from './nginx-config';
import { checkSinglePeerCopies } from './peer-copies';
import { PropsValidator } from './prop-validation';
import { restrictedContainerSecurityContext } from './security';
import { ServingCertificate } from './serving-certificate';
import { DEFAULT_CLUSTER_DOMAIN, serviceDnsNames } from './service-access';

/**
 * nginx built to run as an unprivileged user (uid 101) on a read-only root filesystem, writing only
 * to /tmp. The stock `nginx` image needs root and a writable /var/cache/nginx and /var/run.
 */
export const DEFAULT_NGINX_IMAGE = 'nginxinc/nginx-unprivileged:1.28-alpine';
/** The uid and gid the unprivileged nginx image runs as. */
export const NGINX_UNPRIVILEGED_UID = 101;
/** Linux's default `net.ipv4.ip_unprivileged_port_start`: lower ports need root or CAP_NET_BIND_SERVICE. */
const UNPRIVILEGED_PORT_START = 1024;

/** Props of {@link SecureNginxApp}. */
export interface SecureNginxAppProps {
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
   * Number of nginx pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * nginx image. It must run as a non-root user on a read-only root filesystem (see {@link DEFAULT_NGINX_IMAGE}).
   * @default DEFAULT_NGINX_IMAGE
   */
  readonly image?: string;
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
   * Let the non-root nginx listen on container ports below 1024: the pod then sets the namespaced
   * sysctl `net.ipv4.ip_unprivileged_port_start=0` (a safe sysctl, allowed by the Pod Security
   * Standards). Without it such ports are refused, as nginx could not bind them.
   * @default false
   */
  readonly allowPrivilegedContainerPorts?: boolean;
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
   * Extra nginx directives placed inside the `server` block, verbatim.
   * @default none
   */
  readonly extraNginxDirectives?: string;
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
   * nginx container resources. Small requests keep two replicas schedulable on a laptop cluster.
   * @default requests cpu 50m / memory 32Mi, limit memory 128Mi
   */
  readonly resources?: kplus.ContainerResources;
}

/**
 * The tutorial's secure nginx: a self-signed certificate in a `kubernetes.io/tls` Secret, the
 * nginx `default.conf` in a ConfigMap, a Deployment mounting both, and a Service with `http` and
 * `https` ports, locked down (non-root, read-only root filesystem, no capabilities).
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
  /** The ConfigMap holding nginx's `default.conf`. */
  public readonly configMap: kplus.ConfigMap;
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
  /** Where the ConfigMap is mounted in the nginx container. */
  public readonly configMountPath = '/etc/nginx/conf.d';
  /** Service port of `http`. */
  public readonly httpPort: number;
  /** Service port of `https`. */
  public readonly httpsPort: number;

  constructor(scope: Construct, id: string, props: SecureNginxAppProps = {}) {
    super(scope, id);
    checkSinglePeerCopies(this, 'SecureNginxApp');
    this.name = props.name ?? 'my-nginx';
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.httpPort = props.httpPort ?? 8080;
    this.httpsPort = props.httpsPort ?? 443;
    const replicas = props.replicas ?? 2;
    const serviceType = props.serviceType ?? kplus.ServiceType.NODE_PORT;
    const containerHttpPort = props.containerHttpPort ?? 8080;
    const containerHttpsPort = props.containerHttpsPort ?? 8443;
    const validityDays = props.certificateValidityDays ?? 365;
    const keySize = props.keySize ?? 2048;
    const secretName = props.secretName ?? `${this.name}-tls`;
    const configMapName = props.configMapName ?? `${this.name}-nginx-conf`;
    const extraSans = props.extraSans ?? [];
    const sanIpAddresses = extraSans.filter((san) => isIP(san));
    const sanDnsNames = extraSans.filter((san) => !isIP(san));
    const runAsUser = props.runAsUser ?? NGINX_UNPRIVILEGED_UID;

    const check = new PropsValidator(this, 'SecureNginxApp');
    check.serviceName('name', this.name);
    check.dnsLabel('namespace', this.namespace);
    check.integerAtLeast('replicas', replicas, 0);
    check.port('httpPort', this.httpPort);
    check.port('httpsPort', this.httpsPort);
    check.check(this.httpPort !== this.httpsPort, 'httpsPort', `${this.httpsPort} is also httpPort: give the two Service ports different numbers`);
    for (const [field, port] of [['containerHttpPort', containerHttpPort], ['containerHttpsPort', containerHttpsPort]] as const) {
      check.port(field, port);
      check.check(port >= UNPRIVILEGED_PORT_START || props.allowPrivilegedContainerPorts === true, field,
        `${port} is below ${UNPRIVILEGED_PORT_START}, which the non-root nginx (uid ${runAsUser}) cannot bind: use a port from ${UNPRIVILEGED_PORT_START} (the Service can still offer ${port}), or set allowPrivilegedContainerPorts`);
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
    check.integerInRange('certificateValidityDays', validityDays, 1, MAX_VALIDITY_DAYS);
    check.oneOf('keySize', keySize, RSA_KEY_SIZES);
    for (const field of ['keySize', 'certificateValidityDays', 'certificateStoreDir', 'rotateCertificate'] as const) {
      check.check(props.certificate === undefined || props[field] === undefined, field,
        'only shapes the default self-signed certificate: set it on the certificate source instead (e.g. CertificateSource.signedBy(ca, { validityDays }))');
    }
    check.dnsSubdomain('secretName', secretName);
    check.dnsSubdomain('configMapName', configMapName);
    check.dnsSubdomain('clusterDomain', props.clusterDomain);
    sanDnsNames.forEach((san) => {
      const field = `extraSans[${extraSans.indexOf(san)}]`;
      check.check(!/^[0-9.]+$/.test(san), field, `"${san}" looks like an IPv4 address but is not one: correct it, or give a DNS name`);
      check.dnsSubdomain(field, san.replace(/^\*\./, ''));
    });
    check.integerAtLeast('runAsUser', runAsUser, 1);
    check.throwIfInvalid();
    AppCoherenceCheck.addTo(this);

    this.serviceDnsNames = serviceDnsNames(this.name, this.namespace, props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
    this.podLabels = { run: this.name };
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels: this.podLabels });

    this.certificate = new ServingCertificate(this, 'Certificate', {
      source: props.certificate ?? CertificateSource.selfSigned({
        keyAlgorithm: rsaKeyAlgorithm(keySize),
        validityDays,
        storeDir: props.certificateStoreDir,
        rotate: props.rotateCertificate,
      }),
      secretName,
      namespace: this.namespace,
      commonName: this.name,
      organization: this.name,
      dnsNames: [...this.serviceDnsNames, ...sanDnsNames],
      ipAddresses: sanIpAddresses,
      labels: this.podLabels,
    });
    this.certificatePem = this.certificate.certificatePem;
    this.secretObject = this.certificate.secretObject;
    this.secret = this.certificate.secret;
    this.trust = this.certificate.trust;

    const nginxConfig = renderNginxServerConfig({
      httpPort: containerHttpPort,
      httpsPort: containerHttpsPort,
      certificatePath: `${this.tlsMountPath}/tls.crt`,
      privateKeyPath: `${this.tlsMountPath}/tls.key`,
      extraDirectives: props.extraNginxDirectives,
    });
    this.configMap = new kplus.ConfigMap(this, 'ConfigMap', {
      metadata: metadata(configMapName),
      data: { 'default.conf': nginxConfig },
    });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: metadata(this.name),
      replicas,
      select: false,
      // The key is group-readable (0440, group = fsGroup) so the non-root nginx can read it.
      securityContext: {
        ensureNonRoot: true, user: runAsUser, group: runAsUser, fsGroup: runAsUser,
        sysctls: props.allowPrivilegedContainerPorts ? [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] : undefined,
      },
      automountServiceAccountToken: false,
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.podLabels }));
    Object.entries(this.podLabels).forEach(([key, value]) => this.deployment.podMetadata.addLabel(key, value));
    // Pods restart when the certificate or config changes, as they read both only at start. A
    // certificate cert-manager renews in the cluster is unknown here: see the README on reloading.
    this.deployment.podMetadata.addAnnotation('checksum/tls-and-config',
      createHash('sha256').update(this.certificatePem ?? '').update(nginxConfig).digest('hex'));

    const nginx = this.deployment.addContainer({
      name: 'nginxhttps',
      image: props.image ?? DEFAULT_NGINX_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [
        { name: 'http', number: containerHttpPort },
        { name: 'https', number: containerHttpsPort },
      ],
      securityContext: restrictedContainerSecurityContext(runAsUser),
      resources: props.resources ?? {
        cpu: { request: kplus.Cpu.millis(50) },
        memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
      },
      readiness: kplus.Probe.fromHttpGet('/', { port: containerHttpPort }),
    });
    nginx.mount(this.tlsMountPath, kplus.Volume.fromSecret(this, 'SecretVolume', this.secret, {
      name: 'secret-volume', defaultMode: 0o440,
    }), { readOnly: true });
    nginx.mount(this.configMountPath, kplus.Volume.fromConfigMap(this, 'ConfigMapVolume', this.configMap, {
      name: 'configmap-volume',
    }), { readOnly: true });
    // The unprivileged image keeps its pid file and temp files in /tmp; the root filesystem is read-only.
    nginx.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp'));

    this.backend = {
      podLabels: this.podLabels,
      containerPorts: nginx.ports.map((p) => ({ name: p.name, number: p.number })),
      tls: this.certificate,
    };
    this.endpoint = new ExposedEndpoint(this, 'Endpoint', {
      name: this.name,
      namespace: this.namespace,
      type: serviceType,
      backend: this.backend,
      clusterDomain: props.clusterDomain,
      ports: [
        { name: 'http', port: this.httpPort, targetPort: 'http', nodePort: props.httpNodePort, tls: false },
        { name: 'https', port: this.httpsPort, targetPort: 'https', nodePort: props.httpsNodePort, tls: true },
      ],
    });
    this.service = this.endpoint.service;
  }
}
