import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExposedEndpoint, SecureNginxApp, SecureNginxAppProps } from '../lib';
import { INGRESS_HOST, TutorialCertificateOptions, tutorialNginxProps } from './tutorial-chart';

/** A tutorial step other than the final state, synthesized into `steps/<id>/`. */
export interface TutorialStep {
  /** Folder name under `steps/`, e.g. `01-clusterip`. */
  readonly id: string;
  readonly title: string;
  readonly build: (chart: Chart, certificates: TutorialCertificateOptions) => void;
}

/** The tutorial's secure nginx, varied per step (never in what its certificate says). */
export function tutorialNginx(chart: Chart, certificates: TutorialCertificateOptions, props: SecureNginxAppProps): SecureNginxApp {
  return new SecureNginxApp(chart, 'SecureNginx', { ...tutorialNginxProps(certificates), ...props });
}

/** The docs' other ways in, each valid on its own. */
export const TUTORIAL_STEPS: readonly TutorialStep[] = [
  {
    id: '01-clusterip',
    title: 'my-nginx behind a ClusterIP Service (port 80), reachable only inside the cluster',
    build: (chart, certificates) => tutorialNginx(chart, certificates, { serviceType: kplus.ServiceType.CLUSTER_IP, httpPort: 80 }),
  },
  {
    id: '02-loadbalancer',
    title: 'my-nginx behind a cloud LoadBalancer',
    build: (chart, certificates) => tutorialNginx(chart, certificates, { serviceType: kplus.ServiceType.LOAD_BALANCER }),
  },
  {
    id: '03-ingress',
    title: `my-nginx behind an Ingress for ${INGRESS_HOST} (path prefix /, TLS)`,
    build: (chart, certificates) => {
      const nginx = tutorialNginx(chart, certificates, { serviceType: kplus.ServiceType.CLUSTER_IP });
      nginx.endpoint.addIngress({ host: INGRESS_HOST, path: '/', tls: nginx.backend.tls });
    },
  },
  {
    id: '04-externalname',
    title: 'my-service: an in-cluster name for my.database.example.com',
    build: (chart) => new ExposedEndpoint(chart, 'ExternalDatabase', {
      name: 'my-service', type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'my.database.example.com',
    }),
  },
];

/** Builds one step into its own chart under `scope`. */
export function buildStep(scope: Construct, step: TutorialStep, certificates: TutorialCertificateOptions = {}): Chart {
  const chart = new Chart(scope, step.id);
  step.build(chart, certificates);
  return chart;
}
