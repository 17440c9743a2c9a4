/**
 * SecureNginxApp as platform engineers customise it: one variant per feature area. Each is
 * validated strictly, snapshotted, and its nginx config checked with the real `nginx -t`
 * (test/e2e); the custom-locations one is also served live.
 */
import { Chart, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CurlProbe, CurlProbeMode, EgressPolicy, NginxImageFamily, NginxLocationMatch, SecureNginxApp, SecureNginxAppProps, SpreadWhenUnsatisfiable,
} from '../lib';

export interface NginxVariant {
  readonly name: string;
  /** Builds the variant's objects into `chart`: the app, its probe Job, and what it is given. */
  readonly build: (chart: Chart, certificateStoreDir: string) => SecureNginxApp;
}

/** A whole replacement default.conf, with its own health location. */
export const REPLACED_SERVER_CONFIG = `server {
    listen 8080;
    listen 8443 ssl;
    ssl_certificate /etc/nginx/ssl/tls.crt;
    ssl_certificate_key /etc/nginx/ssl/tls.key;
    root /usr/share/nginx/html;

    location = /ready {
        access_log off;
        return 204;
    }
    location / {
        try_files $uri /index.html;
    }
}
`;

/** The locations the live test requests, with what each answers. */
export const CUSTOM_LOCATIONS = [
  { path: '/api/', body: 'default_type application/json;\nreturn 200 \'{"service":"api"}\';' },
  { path: '/version', match: NginxLocationMatch.EXACT, body: 'default_type text/plain;\nreturn 200 "1.0.0\\n";' },
  { path: '\\.txt$', match: NginxLocationMatch.REGEX, body: 'default_type text/plain;\nreturn 200 "text\\n";' },
];

/** What the live test requests through the Service, and what each custom location answers. */
export const CUSTOM_LOCATION_ANSWERS = [
  { path: '/api/users', body: '{"service":"api"}' },
  { path: '/version', body: '1.0.0\n' },
  { path: '/notes.txt', body: 'text\n' },
];

function app(props: SecureNginxAppProps, more?: (nginx: SecureNginxApp, check: CurlProbe) => void): NginxVariant['build'] {
  return (chart, certificateStoreDir) => {
    const nginx = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir, ...props });
    const check = new CurlProbe(chart, 'Check', { target: nginx, mode: CurlProbeMode.JOB });
    more?.(nginx, check);
    return nginx;
  };
}

export const NGINX_VARIANTS: readonly NginxVariant[] = [
  { name: 'defaults', build: app({}) },
  {
    name: 'custom-locations',
    build: app({
      locations: CUSTOM_LOCATIONS,
      extraNginxDirectives: 'add_header X-Content-Type-Options nosniff always;\nclient_max_body_size 1m;',
      metrics: {},
    }),
  },
  {
    name: 'replaced-config',
    build: app({ serverConfig: REPLACED_SERVER_CONFIG, readinessProbe: { path: '/ready' }, livenessProbe: { path: '/ready' } }),
  },
  {
    name: 'existing-configmap',
    build: (chart, store) => {
      const existing = new kplus.ConfigMap(chart, 'SiteConfig', { metadata: { name: 'site-conf' }, data: { 'default.conf': REPLACED_SERVER_CONFIG } });
      return app({ existingConfigMap: existing })(chart, store);
    },
  },
  {
    name: 'metrics-and-network',
    build: app({
      serviceType: kplus.ServiceType.LOAD_BALANCER,
      extraSans: ['web.example.com'],
      metrics: {
        serviceMonitor: { labels: { release: 'kube-prometheus-stack' } },
        scrapers: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }],
      },
      egress: EgressPolicy.DNS_ONLY,
    }, (nginx, check) => {
      nginx.endpoint.addIngress({ host: 'web.example.com', className: 'nginx', tls: nginx.backend.tls });
      nginx.endpoint.allowFrom([{ podLabels: check.podLabels }]);
      nginx.endpoint.allowExternalTraffic();
    }),
  },
  {
    name: 'autoscaled',
    build: app({
      autoscaling: { minReplicas: 3, maxReplicas: 12, cpuUtilizationPercent: 65 },
      disruptionBudget: { minAvailable: 2 },
      topologySpread: { acrossZones: true, whenUnsatisfiable: SpreadWhenUnsatisfiable.DO_NOT_SCHEDULE },
    }),
  },
  { name: 'official-image', build: app({ image: 'nginx:1.27-alpine', imageFamily: NginxImageFamily.OFFICIAL }) },
  {
    name: 'escape-hatches',
    build: (chart, store) => {
      const site = new kplus.ConfigMap(chart, 'Site', { metadata: { name: 'site' }, data: { 'index.html': '<h1>shop</h1>\n' } });
      return app({
        name: 'shop',
        namespace: 'default',
        imageTag: '1.27-alpine',
        commonLabels: { 'app.kubernetes.io/part-of': 'shop' },
        commonAnnotations: { owner: 'shop-team' },
        podTemplateLabels: { tier: 'web' },
        podTemplateAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
        env: { TZ: kplus.EnvValue.fromValue('UTC') },
        envFrom: [kplus.Env.fromConfigMap(site)],
        volumeMounts: [{ path: '/usr/share/nginx/html', volume: kplus.Volume.fromConfigMap(chart, 'SiteVolume', site, { name: 'site' }), readOnly: true }],
        sidecars: [{
          name: 'log-tailer', image: 'busybox:1.36', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 5; done'],
          securityContext: { user: 101, group: 101 }, resources: { cpu: { request: kplus.Cpu.millis(5) } },
        }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [kplus.NodeTaintQuery.is('dedicated', 'web', { effect: kplus.TaintEffect.NO_SCHEDULE })],
        readinessProbe: { port: 8443, path: '/healthz' },
      })(chart, store);
    },
  },
];

/** The variant's manifests as YAML, the way `kubectl apply` would read them. */
export function synthesizeVariant(variant: NginxVariant, certificateStoreDir: string): string {
  const chart = Testing.chart();
  variant.build(chart, certificateStoreDir);
  return Yaml.stringify(...Testing.synth(chart));
}
