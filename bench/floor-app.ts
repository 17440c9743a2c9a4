// The benchmark's floor: what `npm run synth` writes (the same files, objects and about the same
// bytes, as test/bench-floor.test.ts checks), written the plain cdk8s-plus-28 way and without our
// library's work: a fixed placeholder certificate and key (no keygen, no signing, no store), a fixed
// pod checksum, no prop checks, no coherence checks, a fixed text as each folder's ACCESS.md (no
// access map rendered), and no staging folder or output marker. BENCH_APPS=N instead writes N plain
// copies of what one SecureNginxApp emits, in one chart: the twin of bench/scale-app.ts.
// Output: $CDK8S_OUTDIR.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, JsonPatch, Size, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { renderNginxServerConfig } from '../lib/nginx-config';

const NAMESPACE = 'default';
const INGRESS_HOST = 'my-nginx.example.com';
const NGINX_IMAGE = 'nginxinc/nginx-unprivileged:1.28-alpine';
const CURL_IMAGE = 'curlimages/curl:8.10.1';
const NGINX_UID = 101;
const CURL_UID = 100;
const HEALTH_CHECK_PATH = '/healthz';

/**
 * PEM-shaped placeholders. The app writes the PEM base64-encoded in `data` (a third longer), so
 * these have as many lines as make the Secret as long as the app's.
 */
const placeholderPem = (label: string, lines: number) => `-----BEGIN ${label}-----\n${`${'A'.repeat(64)}\n`.repeat(lines)}-----END ${label}-----\n`;
const PLACEHOLDER_CERTIFICATE = placeholderPem('CERTIFICATE', 26);
const PLACEHOLDER_KEY = placeholderPem('PRIVATE KEY', 32);
/** Stands in for the sha256 of certificate and config the app annotates its pods with. */
const PLACEHOLDER_CHECKSUM = 'f'.repeat(64);
// The same pure function the app renders it with: the floor leaves out work, not bytes.
const NGINX_CONF = renderNginxServerConfig({
  httpPort: 8080, httpsPort: 8443, certificatePath: '/etc/nginx/ssl/tls.crt', privateKeyPath: '/etc/nginx/ssl/tls.key', healthCheckPath: HEALTH_CHECK_PATH,
});
/** Stands in for an access map: the app renders one per folder from its Services; this is repeated to its size. */
const ACCESS_MAP_LINE = '- from a pod in `default`: `curl https://my-nginx/ --cacert /etc/nginx/ssl/tls.crt` (placeholder)\n';

/** The restricted container security context the app's pods run under. */
function restricted(uid: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true, user: uid, group: uid, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
    capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

function resources(cpuMillis: number, requestMebibytes: number, limitMebibytes: number): kplus.ContainerResources {
  return { cpu: { request: kplus.Cpu.millis(cpuMillis) }, memory: { request: Size.mebibytes(requestMebibytes), limit: Size.mebibytes(limitMebibytes) } };
}

interface PlainNginxOptions {
  readonly serviceType?: kplus.ServiceType;
  readonly httpPort?: number;
  readonly secretName?: string;
  readonly configMapName?: string;
  readonly serviceAnnotations?: Record<string, string>;
}

/** The ConfigMap, Deployment, PodDisruptionBudget, TLS Secret and Service of one nginx, as plain cdk8s-plus objects. */
function plainNginx(chart: Chart, name: string, options: PlainNginxOptions = {}) {
  const labels = { run: name };
  const configMap = new kplus.ConfigMap(chart, `${name}-conf`, {
    metadata: { name: options.configMapName ?? `${name}-nginx-conf`, labels }, data: { 'default.conf': NGINX_CONF },
  });
  // Mounted by name: the Secret object comes later, in the app's order.
  const secretName = options.secretName ?? `${name}-tls`;
  nginxDeployment(chart, name, configMap, kplus.Secret.fromSecretName(chart, `${name}-secret-ref`, secretName));
  const pods = kplus.Pods.select(chart, `${name}-pods`, { labels });
  new kplus.k8s.KubePodDisruptionBudget(chart, `${name}-pdb`, {
    metadata: { name, labels },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
  const secret = new kplus.TlsSecret(chart, `${name}-secret`, { metadata: { name: secretName, labels }, tlsCert: PLACEHOLDER_CERTIFICATE, tlsKey: PLACEHOLDER_KEY });
  const service = new kplus.Service(chart, `${name}-service`, {
    metadata: { name, labels, annotations: options.serviceAnnotations },
    type: options.serviceType ?? kplus.ServiceType.NODE_PORT,
    selector: pods,
    ports: [
      { name: 'http', port: options.httpPort ?? 8080, targetPort: 8080, protocol: kplus.Protocol.TCP },
      { name: 'https', port: 443, targetPort: 8443, protocol: kplus.Protocol.TCP },
    ],
  });
  return { pods, service, secret };
}

/** A Deployment selecting its pods by `labels`, as the app's do, instead of by a label cdk8s-plus generates. */
function labelSelectedDeployment(chart: Chart, id: string, labels: Record<string, string>, props: kplus.DeploymentProps): kplus.Deployment {
  const deployment = new kplus.Deployment(chart, id, { ...props, podMetadata: { ...props.podMetadata, labels }, select: false });
  deployment.select(kplus.LabelSelector.of({ labels }));
  return deployment;
}

function nginxDeployment(chart: Chart, name: string, configMap: kplus.IConfigMap, secret: kplus.ISecret): kplus.Deployment {
  const labels = { run: name };
  const deployment = labelSelectedDeployment(chart, `${name}-deployment`, labels, {
    metadata: { name, labels },
    podMetadata: { annotations: { 'checksum/tls-and-config': PLACEHOLDER_CHECKSUM } },
    replicas: 2,
    securityContext: { ensureNonRoot: true, user: NGINX_UID, group: NGINX_UID, fsGroup: NGINX_UID },
    automountServiceAccountToken: false,
  });
  const probe = (options: kplus.HttpGetProbeOptions = {}) => kplus.Probe.fromHttpGet(HEALTH_CHECK_PATH, { port: 8080, ...options });
  const nginx = deployment.addContainer({
    name: 'nginxhttps',
    image: NGINX_IMAGE,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ports: [{ name: 'http', number: 8080 }, { name: 'https', number: 8443 }],
    securityContext: restricted(NGINX_UID),
    resources: resources(50, 32, 128),
    liveness: probe(),
    readiness: probe(),
    startup: probe({ failureThreshold: 30, periodSeconds: Duration.seconds(2) }),
  });
  nginx.mount('/etc/nginx/ssl', kplus.Volume.fromSecret(chart, `${name}-secret-volume`, secret, { name: 'secret-volume', defaultMode: 0o440 }), { readOnly: true });
  nginx.mount('/etc/nginx/conf.d', kplus.Volume.fromConfigMap(chart, `${name}-conf-volume`, configMap, { name: 'configmap-volume' }), { readOnly: true });
  nginx.mount('/tmp', kplus.Volume.fromEmptyDir(chart, `${name}-tmp`, 'tmp'));
  // cdk8s-plus spreads pods only by affinity: the spread constraint goes in as a patch.
  ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [{
    labelSelector: { matchLabels: labels }, matchLabelKeys: ['pod-template-hash'], maxSkew: 1,
    topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
  }]));
  return deployment;
}

/** The tutorial's nginx: the docs' Secret and ConfigMap names. */
function tutorialNginx(chart: Chart, options: PlainNginxOptions) {
  return plainNginx(chart, 'my-nginx', { secretName: 'nginxsecret', configMapName: 'nginxconfigmap', ...options });
}

/** The curl container of the tutorial's client and checks. */
function curlContainer(command: string[]): kplus.ContainerProps {
  return {
    name: 'curlpod', image: CURL_IMAGE, imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, command, securityContext: restricted(CURL_UID), resources: resources(10, 16, 64),
  };
}

const curlPodProps = (name: string, label: string) => ({
  metadata: { name, labels: { app: label } },
  podMetadata: { labels: { app: label } },
  securityContext: { ensureNonRoot: true, user: CURL_UID, group: CURL_UID },
  automountServiceAccountToken: false,
});

/** Mounts only the certificate (the CA the client passes to `--cacert`) where nginx has it. */
function mountCertificate(chart: Chart, id: string, container: kplus.Container, secret: kplus.ISecret): void {
  const volume = kplus.Volume.fromSecret(chart, `${id}-certificate`, secret, { name: 'secret-volume', items: { 'tls.crt': { path: 'tls.crt' } } });
  container.mount('/etc/nginx/ssl', volume, { readOnly: true });
}

function curlJob(chart: Chart, name: string, command: string[], props: Partial<kplus.JobProps> = {}): kplus.Job {
  return new kplus.Job(chart, name, {
    ...curlPodProps(name, name), activeDeadline: Duration.seconds(360), backoffLimit: 1, containers: [curlContainer(command)], ...props,
  });
}

const CURL_OPTIONS = ['--fail', '--silent', '--show-error', '--retry', '10', '--retry-all-errors', '--retry-max-time', '180', '--connect-timeout', '5'];

/** The final state: nginx, the curl client and check Job, and the NetworkPolicy that lets only those two in. */
function finalState(chart: Chart): void {
  const { pods, secret } = tutorialNginx(chart, {});
  const peer = (label: string) => ({
    peer: kplus.Pods.select(chart, `${label}-pods`, { labels: { app: label } }), ports: [kplus.NetworkPolicyPort.tcp(8080), kplus.NetworkPolicyPort.tcp(8443)],
  });
  new kplus.NetworkPolicy(chart, 'allow-curl', {
    metadata: { name: 'my-nginx-allow-curl' },
    selector: pods,
    ingress: { rules: [peer('curlpod'), peer('curl-check')] },
  });
  const client = labelSelectedDeployment(chart, 'curl-client', { app: 'curlpod' }, {
    ...curlPodProps('curl-deployment', 'curlpod'), replicas: 1,
    containers: [curlContainer(['sh', '-c', 'trap "exit 0" TERM INT; while true; do sleep 1; done'])],
  });
  mountCertificate(chart, 'curl-client', client.containers[0], secret);
  const check = curlJob(chart, 'curl-check', [
    'curl', ...CURL_OPTIONS, '--cacert', '/etc/nginx/ssl/tls.crt', '--output', '/dev/null', '--write-out', '%{http_code} %{url_effective}\\n', 'https://my-nginx/',
  ]);
  mountCertificate(chart, 'curl-check', check.containers[0], secret);
}

/** A Job that reaches nginx through the API server proxy with a short-lived token allowed only that path. */
function apiServerProxyJob(chart: Chart): void {
  const name = 'curl-via-api-server';
  const proxyName = 'https:my-nginx:https';
  const serviceAccount = new kplus.ServiceAccount(chart, `${name}-account`, { metadata: { name }, automountToken: false });
  const role = new kplus.Role(chart, `${name}-role`, { metadata: { name } });
  role.allow(['get'], { apiGroup: '', resourceType: 'services/proxy', resourceName: proxyName });
  new kplus.RoleBinding(chart, `${name}-binding`, { metadata: { name }, role }).addSubjects(serviceAccount);
  const credentials = '/var/run/secrets/kubernetes.io/serviceaccount';
  const curl = `exec curl ${CURL_OPTIONS.join(' ')} --cacert ${credentials}/ca.crt --output /dev/null --write-out '%{http_code} %{url_effective}\\n' `
    + `--header "Authorization: Bearer $(cat ${credentials}/token)" https://kubernetes.default.svc/api/v1/namespaces/${NAMESPACE}/services/${proxyName}/proxy/`;
  const job = curlJob(chart, name, ['sh', '-c', curl], { serviceAccount });
  // cdk8s-plus has no projected volumes: patch the pod template (with props, `downwardApi`, not JSON).
  const volume: kplus.k8s.Volume = {
    name: 'api-credentials',
    projected: {
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
  ApiObject.of(job).addJsonPatch(
    JsonPatch.add('/spec/template/spec/volumes', [volume]),
    JsonPatch.add('/spec/template/spec/containers/0/volumeMounts', [{ name: volume.name, mountPath: credentials, readOnly: true }]),
  );
}

/** A Gateway API HTTPRoute for the Ingress host and the Gateway's HTTPS listener (plain objects: cdk8s-plus has none). */
function gatewayRoute(chart: Chart, secret: kplus.ISecret): void {
  const apiVersion = 'gateway.networking.k8s.io/v1';
  new ApiObject(chart, 'http-route', {
    apiVersion, kind: 'HTTPRoute', metadata: { name: 'my-nginx' },
    spec: {
      hostnames: [INGRESS_HOST], parentRefs: [{ name: 'my-gateway' }],
      rules: [{ backendRefs: [{ name: 'my-nginx', port: 8080 }], matches: [{ path: { type: 'PathPrefix', value: '/' } }] }],
    },
  });
  new ApiObject(chart, 'gateway', {
    apiVersion, kind: 'Gateway', metadata: { name: 'my-gateway' },
    spec: {
      gatewayClassName: 'my-gateway-class',
      listeners: [{
        allowedRoutes: { namespaces: { from: 'Same' } }, hostname: INGRESS_HOST, name: 'https', port: 443, protocol: 'HTTPS',
        tls: { certificateRefs: [{ group: '', kind: 'Secret', name: secret.name }], mode: 'Terminate' },
      }],
    },
  });
}

/** The docs' mesh example: my-service v1 and v2, split 80/20 by an Istio VirtualService and DestinationRule. */
function istioTrafficSplit(chart: Chart): void {
  const appLabels = { app: 'my-service' };
  for (const version of ['v1', 'v2']) {
    const labels = { ...appLabels, version };
    const deployment = labelSelectedDeployment(chart, `my-service-${version}`, labels, {
      metadata: { name: `my-service-${version}`, labels }, replicas: 1,
      securityContext: { ensureNonRoot: true, user: NGINX_UID, group: NGINX_UID }, automountServiceAccountToken: false,
    });
    deployment.addContainer({
      name: 'nginx', image: NGINX_IMAGE, imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, ports: [{ name: 'http', number: 8080 }],
      securityContext: restricted(NGINX_UID), resources: resources(10, 16, 64),
    }).mount('/tmp', kplus.Volume.fromEmptyDir(chart, `my-service-${version}-tmp`, 'tmp'));
  }
  new kplus.Service(chart, 'my-service', {
    metadata: { name: 'my-service', labels: appLabels },
    selector: kplus.Pods.select(chart, 'my-service-pods', { labels: appLabels }),
    ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: kplus.Protocol.TCP }],
  });
  const apiVersion = 'networking.istio.io/v1';
  const subset = (version: string, weight: number) => ({ destination: { host: 'my-service', subset: version }, weight });
  new ApiObject(chart, 'virtual-service', {
    apiVersion, kind: 'VirtualService', metadata: { name: 'my-service' },
    spec: { hosts: ['my-service'], http: [{ route: [subset('v1', 80), subset('v2', 20)] }] },
  });
  new ApiObject(chart, 'destination-rule', {
    apiVersion, kind: 'DestinationRule', metadata: { name: 'my-service' },
    spec: { host: 'my-service', subsets: ['v1', 'v2'].map((version) => ({ labels: { version }, name: version })) },
  });
}

interface TlsIngressProps {
  readonly name: string;
  readonly path: string;
  readonly servicePort: number;
  readonly className?: string;
  readonly annotations?: Record<string, string>;
}

/** An Ingress for the Ingress host, terminating TLS with nginx's Secret. */
function tlsIngress(chart: Chart, id: string, nginx: ReturnType<typeof plainNginx>, props: TlsIngressProps): void {
  new kplus.Ingress(chart, id, {
    metadata: { name: props.name, annotations: props.annotations },
    className: props.className,
    rules: [{ host: INGRESS_HOST, path: props.path, backend: kplus.IngressBackend.fromService(nginx.service, { port: props.servicePort }) }],
    tls: [{ hosts: [INGRESS_HOST], secret: nginx.secret }],
  });
}

/** One output folder: its chart (named like the app's, so the same file name) and the size of its ACCESS.md. */
interface FloorOutput {
  readonly id: string;
  readonly accessMapBytes: number;
  readonly build: (chart: Chart) => void;
}

const FINAL_STATE: FloorOutput = { id: 'tutorial', accessMapBytes: 6300, build: finalState };
const STEPS: readonly FloorOutput[] = [
  { id: '01-clusterip', accessMapBytes: 3800, build: (chart) => tutorialNginx(chart, { serviceType: kplus.ServiceType.CLUSTER_IP, httpPort: 80 }) },
  { id: '02-loadbalancer', accessMapBytes: 4300, build: (chart) => tutorialNginx(chart, { serviceType: kplus.ServiceType.LOAD_BALANCER }) },
  {
    id: '03-ingress',
    accessMapBytes: 3900,
    build: (chart) => tlsIngress(chart, 'ingress', tutorialNginx(chart, { serviceType: kplus.ServiceType.CLUSTER_IP }), { name: 'my-nginx', path: '/', servicePort: 8080 }),
  },
  {
    id: '04-externalname',
    accessMapBytes: 700,
    build: (chart) => new kplus.Service(chart, 'external', { metadata: { name: 'my-service' }, type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'my.database.example.com' }),
  },
  {
    id: '05-api-server-proxy',
    accessMapBytes: 3900,
    build: (chart) => {
      tutorialNginx(chart, { serviceType: kplus.ServiceType.CLUSTER_IP });
      apiServerProxyJob(chart);
    },
  },
  { id: '06-gateway-api', accessMapBytes: 3900, build: (chart) => gatewayRoute(chart, tutorialNginx(chart, { serviceType: kplus.ServiceType.CLUSTER_IP }).secret) },
  { id: '07-istio', accessMapBytes: 3000, build: istioTrafficSplit },
  {
    id: '08-kong',
    accessMapBytes: 3900,
    build: (chart) => tlsIngress(chart, 'kong', tutorialNginx(chart, { serviceType: kplus.ServiceType.CLUSTER_IP, serviceAnnotations: { 'konghq.com/protocol': 'https' } }), {
      name: 'my-nginx-kong', path: '/example', servicePort: 443, className: 'kong', annotations: { 'konghq.com/strip-path': 'true' },
    }),
  },
];

function synthOutput(outdir: string, output: FloorOutput): void {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART, recordConstructMetadata: false, outdir });
  output.build(new Chart(app, output.id, { namespace: NAMESPACE }));
  app.synth();
  fs.writeFileSync(path.join(outdir, 'ACCESS.md'), ACCESS_MAP_LINE.repeat(Math.round(output.accessMapBytes / ACCESS_MAP_LINE.length)));
}

function synthTutorial(outdir: string): void {
  synthOutput(outdir, FINAL_STATE);
  for (const step of STEPS) synthOutput(path.join(outdir, 'steps', step.id), step);
}

function synthApps(outdir: string, count: number): void {
  const app = new App({ outdir, recordConstructMetadata: false });
  const chart = new Chart(app, 'apps', { namespace: NAMESPACE });
  for (let i = 0; i < count; i++) plainNginx(chart, `app-${i}`);
  app.synth();
}

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
if (process.env.BENCH_APPS) synthApps(outdir, Number(process.env.BENCH_APPS));
else synthTutorial(outdir);
