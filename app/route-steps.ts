import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CurlProbe, CurlProbeMode, DEFAULT_NGINX_IMAGE, ExposedEndpoint, NGINX_UNPRIVILEGED_UID, ProbeRoute, restrictedContainerSecurityContext,
} from '../lib';
import { INGRESS_HOST } from './tutorial-chart';
import { TutorialStep, tutorialNginx } from './tutorial-steps';

/** The Gateway the HTTPRoute attaches to, and the class its controller serves: set yours. */
const TUTORIAL_GATEWAY = { name: 'my-gateway', gatewayClassName: 'my-gateway-class' };

/** The page's mesh example: `my-service` with subsets v1 (80%) and v2 (20%). */
function meshBackend(chart: Chart): void {
  const appLabels = { app: 'my-service' };
  for (const version of ['v1', 'v2']) {
    const labels = { ...appLabels, version };
    const deployment = new kplus.Deployment(chart, `MyService-${version}`, {
      metadata: { name: `my-service-${version}`, labels },
      replicas: 1,
      select: false,
      securityContext: { ensureNonRoot: true, user: NGINX_UNPRIVILEGED_UID, group: NGINX_UNPRIVILEGED_UID },
      automountServiceAccountToken: false,
    });
    deployment.select(kplus.LabelSelector.of({ labels }));
    Object.entries(labels).forEach(([key, value]) => deployment.podMetadata.addLabel(key, value));
    const nginx = deployment.addContainer({
      name: 'nginx',
      image: DEFAULT_NGINX_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'http', number: 8080 }],
      securityContext: restrictedContainerSecurityContext(NGINX_UNPRIVILEGED_UID),
      resources: { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) } },
    });
    nginx.mount('/tmp', kplus.Volume.fromEmptyDir(chart, `MyService-${version}-Tmp`, 'tmp'));
  }
  const endpoint = new ExposedEndpoint(chart, 'MyService', {
    name: 'my-service',
    backend: { podLabels: appLabels, containerPorts: [{ name: 'http', number: 8080 }] },
    ports: [{ name: 'http', port: 80, targetPort: 'http', tls: false }],
  });
  endpoint.addIstioTrafficSplit({
    subsets: [{ name: 'v1', labels: { version: 'v1' }, weight: 80 }, { name: 'v2', labels: { version: 'v2' }, weight: 20 }],
  });
}

/** The ways in of page 004 beyond Ingress, and the API server proxy of pages 000, 001 and 003. */
export const ROUTE_STEPS: readonly TutorialStep[] = [
  {
    id: '05-api-server-proxy',
    title: 'a Job that reaches my-nginx through the API server proxy with a short-lived token allowed only that path',
    build: (chart, certificates) => {
      const nginx = tutorialNginx(chart, certificates, { serviceType: kplus.ServiceType.CLUSTER_IP });
      new CurlProbe(chart, 'CurlViaApiServer', {
        target: nginx.endpoint.asHttpsTarget(), mode: CurlProbeMode.JOB, route: ProbeRoute.API_SERVER_PROXY, name: 'curl-via-api-server',
      });
    },
  },
  {
    id: '06-gateway-api',
    title: `my-nginx behind a Gateway API HTTPRoute for ${INGRESS_HOST}, with the Gateway's HTTPS listener`,
    build: (chart, certificates) => {
      const nginx = tutorialNginx(chart, certificates, { serviceType: kplus.ServiceType.CLUSTER_IP });
      nginx.endpoint.addGatewayRoute({
        hostnames: [INGRESS_HOST],
        gateway: { name: TUTORIAL_GATEWAY.name },
        listener: { gatewayClassName: TUTORIAL_GATEWAY.gatewayClassName, tls: nginx.backend.tls! },
        port: 'http',
      });
    },
  },
  {
    id: '07-istio',
    title: 'my-service split between subsets v1 (80%) and v2 (20%) by an Istio VirtualService and DestinationRule',
    build: (chart) => meshBackend(chart),
  },
  {
    id: '08-kong',
    title: `my-nginx behind Kong: /example on ${INGRESS_HOST}, Kong speaking HTTPS to nginx`,
    build: (chart, certificates) => {
      const nginx = tutorialNginx(chart, certificates, { serviceType: kplus.ServiceType.CLUSTER_IP });
      nginx.endpoint.addKongRoute({ host: INGRESS_HOST, path: '/example', port: 'https', tls: nginx.backend.tls });
    },
  },
];
