// The benchmark's floor: the tutorial's objects written with plain cdk8s-plus-28 constructs, without
// a certificate (a fixed placeholder), prop checks or access maps, into the same folders as the app.
// BENCH_APPS=N instead writes N plain copies of what one SecureNginxApp emits, in one chart: the
// plain-object twin of bench/scale-app.ts. Output: $CDK8S_OUTDIR.
import * as path from 'path';
import { App, Chart, Size, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { renderNginxServerConfig } from '../lib/nginx-config';

// About the size of a PEM certificate and key, so the YAML written is about as long as the app's.
const PLACEHOLDER_CERTIFICATE = Buffer.alloc(1100, 1).toString('base64');
const PLACEHOLDER_KEY = Buffer.alloc(1600, 2).toString('base64');
// The same pure function the app renders it with: the floor leaves out work, not bytes.
const NGINX_CONF = renderNginxServerConfig({
  httpPort: 8080, httpsPort: 8443, certificatePath: '/etc/nginx/ssl/tls.crt', privateKeyPath: '/etc/nginx/ssl/tls.key',
});
const UID = 101;

/** The Secret, ConfigMap, Deployment and Service of one nginx, as plain cdk8s-plus objects. */
function plainNginx(chart: Chart, name: string, serviceType: kplus.ServiceType, httpPort = 8080) {
  const labels = { run: name };
  const secret = new kplus.Secret(chart, `${name}-secret`, {
    metadata: { name: `${name}-tls`, labels },
    type: 'kubernetes.io/tls',
    stringData: { 'tls.crt': PLACEHOLDER_CERTIFICATE, 'tls.key': PLACEHOLDER_KEY },
  });
  const configMap = new kplus.ConfigMap(chart, `${name}-conf`, { metadata: { name: `${name}-nginx-conf`, labels }, data: { 'default.conf': NGINX_CONF } });
  const deployment = new kplus.Deployment(chart, `${name}-deployment`, {
    metadata: { name, labels },
    replicas: 2,
    securityContext: { ensureNonRoot: true, user: UID, group: UID, fsGroup: UID },
    automountServiceAccountToken: false,
  });
  const nginx = deployment.addContainer({
    name: 'nginxhttps',
    image: 'nginxinc/nginx-unprivileged:1.28-alpine',
    ports: [{ name: 'http', number: 8080 }, { name: 'https', number: 8443 }],
    securityContext: {
      ensureNonRoot: true, user: UID, group: UID, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      capabilities: { drop: [kplus.Capability.ALL] }, seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    },
    resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) } },
    readiness: kplus.Probe.fromHttpGet('/', { port: 8080 }),
  });
  nginx.mount('/etc/nginx/ssl', kplus.Volume.fromSecret(chart, `${name}-secret-volume`, secret, { name: 'secret-volume' }), { readOnly: true });
  nginx.mount('/etc/nginx/conf.d', kplus.Volume.fromConfigMap(chart, `${name}-conf-volume`, configMap, { name: 'configmap-volume' }), { readOnly: true });
  nginx.mount('/tmp', kplus.Volume.fromEmptyDir(chart, `${name}-tmp`, 'tmp'));
  const service = deployment.exposeViaService({
    name,
    serviceType,
    ports: [{ name: 'http', port: httpPort, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
  });
  return { deployment, service, secret };
}

/** The tutorial's curl client and check Job, allowed in by a NetworkPolicy. */
function curlClients(chart: Chart, nginx: kplus.Deployment) {
  const curl = { image: 'curlimages/curl:8.10.1', securityContext: { ensureNonRoot: true, user: 100, group: 100 } };
  const client = new kplus.Deployment(chart, 'curl-client', { metadata: { name: 'curl-deployment' }, containers: [{ ...curl, command: ['sleep', 'infinity'] }] });
  const check = new kplus.Job(chart, 'curl-check', {
    metadata: { name: 'curl-check' },
    containers: [{ ...curl, command: ['curl', '--fail', '--retry', '10', '--retry-all-errors', '--cacert', '/etc/nginx/ssl/tls.crt', 'https://my-nginx/'] }],
  });
  new kplus.NetworkPolicy(chart, 'allow-curl', {
    metadata: { name: 'my-nginx-allow-curl' },
    selector: nginx,
    ingress: { rules: [{ peer: client }, { peer: check }] },
  });
}

function synthTutorial(outdir: string): void {
  const appProps = { yamlOutputType: YamlOutputType.FILE_PER_CHART, recordConstructMetadata: false };
  const app = new App({ ...appProps, outdir });
  const final = new Chart(app, 'tutorial');
  curlClients(final, plainNginx(final, 'my-nginx', kplus.ServiceType.NODE_PORT).deployment);
  app.synth();

  const step = (id: string, build: (chart: Chart) => void) => {
    const stepApp = new App({ ...appProps, outdir: path.join(outdir, 'steps', id) });
    build(new Chart(stepApp, id));
    stepApp.synth();
  };
  step('01-clusterip', chart => plainNginx(chart, 'my-nginx', kplus.ServiceType.CLUSTER_IP, 80));
  step('02-loadbalancer', chart => plainNginx(chart, 'my-nginx', kplus.ServiceType.LOAD_BALANCER));
  step('03-ingress', chart => {
    const { service, secret } = plainNginx(chart, 'my-nginx', kplus.ServiceType.CLUSTER_IP);
    new kplus.Ingress(chart, 'ingress', {
      rules: [{ host: 'my-nginx.example.com', path: '/', backend: kplus.IngressBackend.fromService(service, { port: 443 }) }],
      tls: [{ hosts: ['my-nginx.example.com'], secret }],
    });
  });
  step('04-externalname', chart => new kplus.Service(chart, 'external', {
    metadata: { name: 'my-service' }, type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'my.database.example.com',
  }));
}

function synthApps(outdir: string, count: number): void {
  const app = new App({ outdir, recordConstructMetadata: false });
  const chart = new Chart(app, 'apps');
  for (let i = 0; i < count; i++) plainNginx(chart, `app-${i}`, kplus.ServiceType.NODE_PORT);
  app.synth();
}

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
if (process.env.BENCH_APPS) synthApps(outdir, Number(process.env.BENCH_APPS));
else synthTutorial(outdir);
