import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { readCertificateFacts } from '../lib/certificate';
import { EgressPolicy, NginxImageFamily, NginxLocationMatch, SecureNginxApp, SecureNginxAppProps, SpreadWhenUnsatisfiable } from '../lib';
import { decodeBase64, findObject, openssl, synthObjects, tempDir } from './support';

const store = tempDir('nginx-store');

function synthApp(props: SecureNginxAppProps = {}, more?: (app: SecureNginxApp) => void) {
  let app!: SecureNginxApp;
  const objects = synthObjects((chart) => {
    app = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store, ...props });
    more?.(app);
  });
  return { app, objects };
}

describe('SecureNginxApp with the tutorial names', () => {
  const { app, objects } = synthApp({ secretName: 'nginxsecret', configMapName: 'nginxconfigmap' });
  const service = findObject(objects, 'Service', 'my-nginx');
  const deployment = findObject(objects, 'Deployment', 'my-nginx');
  const secret = findObject(objects, 'Secret', 'nginxsecret');
  const configMap = findObject(objects, 'ConfigMap', 'nginxconfigmap');
  const pod = deployment.spec.template.spec;
  const nginx = pod.containers[0];

  test('emits the four tutorial objects and a PodDisruptionBudget, all in the default namespace', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort())
      .toEqual(['ConfigMap/nginxconfigmap', 'Deployment/my-nginx', 'PodDisruptionBudget/my-nginx', 'Secret/nginxsecret', 'Service/my-nginx']);
    for (const o of objects) expect(o.metadata.namespace).toBe('default');
  });

  test('NodePort Service: http 8080 and https 443, selecting run: my-nginx', () => {
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.selector).toEqual({ run: 'my-nginx' });
    expect(service.metadata.labels).toEqual({ run: 'my-nginx' });
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
    ]);
  });

  test('Deployment: 2 replicas whose pods carry the selected labels and expose the target ports', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.selector.matchLabels).toEqual({ run: 'my-nginx' });
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(nginx.ports).toEqual([{ containerPort: 8080, name: 'http' }, { containerPort: 8443, name: 'https' }]);
    const targetPorts = service.spec.ports.map((p: any) => p.targetPort);
    expect(nginx.ports.map((p: any) => p.name)).toEqual(targetPorts);
    expect(nginx.imagePullPolicy).toBe('IfNotPresent');
    expect(nginx.image).toBe('nginxinc/nginx-unprivileged:1.28-alpine');
  });

  test('mounts the Secret at /etc/nginx/ssl and the ConfigMap at /etc/nginx/conf.d, read-only', () => {
    const volumeOf = (mountPath: string) => {
      const mount = nginx.volumeMounts.find((m: any) => m.mountPath === mountPath);
      expect(mount.readOnly).toBe(true);
      return pod.volumes.find((v: any) => v.name === mount.name);
    };
    expect(volumeOf('/etc/nginx/ssl').secret).toMatchObject({ secretName: 'nginxsecret', defaultMode: 0o440 });
    expect(volumeOf('/etc/nginx/conf.d').configMap).toEqual({ name: 'nginxconfigmap' });
    expect(pod.volumes.find((v: any) => v.name === 'tmp').emptyDir).toEqual({});
  });

  test('runs locked down: non-root uid 101, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    expect(nginx.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 101,
      runAsNonRoot: true,
      runAsUser: 101,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 101 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(nginx.resources.requests.cpu).toBe('50m');
  });

  test('the ConfigMap serves the mounted certificate on the container ports', () => {
    const conf = configMap.data['default.conf'];
    expect(conf).toContain('listen 8080 default_server;');
    expect(conf).toContain('listen 8443 ssl default_server;');
    expect(conf).toContain('ssl_certificate /etc/nginx/ssl/tls.crt;');
    expect(conf).toContain('ssl_certificate_key /etc/nginx/ssl/tls.key;');
  });

  test('the Secret is kubernetes.io/tls with base64 data whose certificate covers every Service DNS name', () => {
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.stringData).toBeUndefined();
    expect(Object.keys(secret.data).sort()).toEqual(['tls.crt', 'tls.key']);
    const certificatePem = decodeBase64(secret.data['tls.crt']);
    expect(certificatePem).toBe(app.certificatePem);
    expect(decodeBase64(secret.data['tls.key'])).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const facts = readCertificateFacts(certificatePem);
    expect(facts.commonName).toBe('my-nginx');
    expect(facts.organization).toBe('my-nginx');
    expect(facts.dnsNames).toEqual(app.serviceDnsNames);
    expect(app.serviceDnsNames).toEqual(['my-nginx', 'my-nginx.default', 'my-nginx.default.svc', 'my-nginx.default.svc.cluster.local']);
  });

  test('exposes what other constructs wire to', () => {
    expect(app.service).toBe(app.endpoint.service);
    expect(app.service.name).toBe('my-nginx');
    expect(app.backend.podLabels).toEqual({ run: 'my-nginx' });
    expect(app.backend.tls?.certificatePem).toBe(app.certificatePem);
    expect(app.deployment).toBeInstanceOf(kplus.Deployment);
    expect(app.configMap).toBeInstanceOf(kplus.ConfigMap);
    expect(app.secret.name).toBe('nginxsecret');
    expect(app.httpsPort).toBe(443);
  });
});

describe('SecureNginxApp props', () => {
  test('defaults name the Secret and ConfigMap after the app, so two apps do not collide', () => {
    const { objects } = synthApp({ name: 'web' });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort())
      .toEqual(['ConfigMap/web-nginx-conf', 'Deployment/web', 'PodDisruptionBudget/web', 'Secret/web-tls', 'Service/web']);
  });

  test('namespace, replicas, service type, node ports, extra SANs and nginx directives', () => {
    const { app, objects } = synthApp({
      name: 'shop', namespace: 'prod', replicas: 3, serviceType: kplus.ServiceType.LOAD_BALANCER,
      httpNodePort: 30080, httpsNodePort: 30443, extraSans: ['shop.example.com', '*.shop.example.com'],
      extraNginxDirectives: 'add_header X-Frame-Options DENY;',
    });
    const service = findObject(objects, 'Service', 'shop');
    expect(service.metadata.namespace).toBe('prod');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports.map((p: any) => p.nodePort)).toEqual([30080, 30443]);
    expect(findObject(objects, 'Deployment', 'shop').spec.replicas).toBe(3);
    expect(findObject(objects, 'ConfigMap', 'shop-nginx-conf').data['default.conf']).toContain('    add_header X-Frame-Options DENY;\n');
    expect(readCertificateFacts(app.certificatePem!).dnsNames).toEqual([
      'shop', 'shop.prod', 'shop.prod.svc', 'shop.prod.svc.cluster.local', 'shop.example.com', '*.shop.example.com',
    ]);
  });

  test('takes the chart namespace when none is given', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    const nginx = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store });
    expect(nginx.namespace).toBe('team-a');
    expect(nginx.serviceDnsNames[3]).toBe('my-nginx.team-a.svc.cluster.local');
  });

  test('IP addresses in extraSans become IP SANs (clients match an address only against those)', () => {
    const { app } = synthApp({ extraSans: ['10.0.0.7', 'fd00::7', 'web.example.com'] });
    const sans = openssl(['x509', '-noout', '-ext', 'subjectAltName'], app.certificatePem);
    expect(sans).toContain('IP Address:10.0.0.7');
    expect(sans).toContain('IP Address:FD00:0:0:0:0:0:0:7');
    expect(sans).toContain('DNS:web.example.com');
    expect(sans).not.toContain('DNS:10.0.0.7');
  });

  test('container ports below 1024 only on request, and then the pod may bind them', () => {
    const { objects } = synthApp({ containerHttpPort: 80, containerHttpsPort: 443, allowPrivilegedContainerPorts: true });
    const pod = findObject(objects, 'Deployment', 'my-nginx').spec.template.spec;
    expect(pod.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    expect(pod.containers[0].ports).toEqual([{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }]);
    expect(findObject(synthApp().objects, 'Deployment', 'my-nginx').spec.template.spec.securityContext.sysctls).toBeUndefined();
  });

  test('the store keys a certificate by what the cluster sees: the same Secret and request from another construct path share it', () => {
    const first = new SecureNginxApp(Testing.chart(), 'Nginx', { certificateStoreDir: store, name: 'shared' });
    const elsewhere = new SecureNginxApp(new Chart(Testing.app(), 'other-chart'), 'Elsewhere', { certificateStoreDir: store, name: 'shared' });
    expect(elsewhere.certificatePem).toBe(first.certificatePem);
    const otherSecret = new SecureNginxApp(Testing.chart(), 'Nginx', { certificateStoreDir: store, name: 'shared', secretName: 'other-tls' });
    expect(otherSecret.certificatePem).not.toBe(first.certificatePem);
  });

  test('ClusterIP without node ports', () => {
    const { objects } = synthApp({ serviceType: kplus.ServiceType.CLUSTER_IP });
    const service = findObject(objects, 'Service', 'my-nginx');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports.every((p: any) => p.nodePort === undefined)).toBe(true);
  });
});

describe('SecureNginxApp rejects bad input, naming the construct path and the field', () => {
  const cases: [string, SecureNginxAppProps, RegExp][] = [
    ['name not DNS', { name: 'My_Nginx' }, /name: "My_Nginx" is invalid: a DNS-1035 label/],
    ['namespace not DNS', { namespace: 'Prod' }, /namespace: "Prod" is invalid: a DNS-1123 label/],
    ['port out of range', { httpsPort: 70000 }, /httpsPort: 70000 is not a valid port/],
    ['port zero', { containerHttpPort: 0, allowPrivilegedContainerPorts: true }, /containerHttpPort: 0 is not a valid port/],
    ['nodePort out of range', { httpNodePort: 8080 }, /httpNodePort: 8080 is outside the default NodePort range/],
    ['duplicate nodePorts', { httpNodePort: 30001, httpsNodePort: 30001 }, /httpsNodePort: 30001 is also httpNodePort/],
    ['nodePort on ClusterIP', { serviceType: kplus.ServiceType.CLUSTER_IP, httpNodePort: 30001 }, /httpNodePort: node ports need serviceType NodePort or LoadBalancer/],
    ['zero validity', { certificateValidityDays: 0 }, /certificateValidityDays: 0 is not allowed: use an integer from 1 to 825/],
    ['validity clients refuse', { certificateValidityDays: 826 }, /certificateValidityDays: 826 is not allowed: use an integer from 1 to 825/],
    ['validity past year 9999', { certificateValidityDays: 3_300_000 }, /certificateValidityDays: 3300000 is not allowed/],
    ['weak key', { keySize: 1024 }, /keySize: 1024 is not allowed: use one of 2048, 3072, 4096/],
    ['odd key size', { keySize: 2049 }, /keySize: 2049 is not allowed: use one of 2048, 3072, 4096/],
    ['non-standard key size', { keySize: 3000 }, /keySize: 3000 is not allowed/],
    ['key size that takes minutes', { keySize: 16384 }, /keySize: 16384 is not allowed/],
    ['key size that never finishes', { keySize: 1_000_000 }, /keySize: 1000000 is not allowed/],
    ['privileged container port', { containerHttpPort: 80 }, /containerHttpPort: 80 is below 1024, which the non-root nginx \(uid 101\) cannot bind: use a port from 1024 \(the Service can still offer 80\), or set allowPrivilegedContainerPorts/],
    ['privileged https container port', { containerHttpsPort: 443 }, /containerHttpsPort: 443 is below 1024/],
    ['bad secret name', { secretName: 'tls_secret' }, /secretName: "tls_secret" is invalid: a DNS-1123 subdomain/],
    ['bad SAN', { extraSans: ['ok.example.com', 'bad name'] }, /extraSans\[1\]: "bad name" is invalid: a DNS-1123 subdomain/],
  ];
  test.each(cases)('%s', (_label, props, message) => {
    const chart = Testing.chart();
    expect(() => new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store, ...props }))
      .toThrow(new RegExp(`SecureNginxApp at '.*Nginx' has invalid props:[\\s\\S]*${message.source}`));
  });

  test('lists every problem at once', () => {
    const chart = Testing.chart();
    expect(() => new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store, httpsPort: 0, keySize: 512 }))
      .toThrow(/httpsPort[\s\S]*keySize/);
  });

  test('an IP address in extraSans is not taken for a DNS name, and a bad one is still an error', () => {
    const chart = Testing.chart();
    expect(() => new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store, extraSans: ['10.0.0.300'] }))
      .toThrow(/extraSans\[0\]: "10.0.0.300" looks like an IPv4 address but is not one/);
  });

  test('checks props before generating any key material', () => {
    const emptyStore = tempDir('untouched');
    expect(() => new SecureNginxApp(Testing.chart(), 'Nginx', { certificateStoreDir: emptyStore, keySize: 1024 })).toThrow();
    expect(require('fs').readdirSync(emptyStore)).toEqual([]);
  });
});

const nginxContainer = (objects: any[], name = 'my-nginx') => findObject(objects, 'Deployment', name).spec.template.spec.containers[0];
const podSpec = (objects: any[], name = 'my-nginx') => findObject(objects, 'Deployment', name).spec.template.spec;

describe('SecureNginxApp scaling', () => {
  test('two replicas by default: a PodDisruptionBudget of maxUnavailable 1 and a spread across nodes', () => {
    const { objects } = synthApp();
    expect(findObject(objects, 'PodDisruptionBudget', 'my-nginx').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { run: 'my-nginx' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(podSpec(objects).topologySpreadConstraints).toEqual([{
      topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { run: 'my-nginx' } }, matchLabelKeys: ['pod-template-hash'],
    }]);
  });

  test('autoscaling: an autoscaling/v2 HPA on CPU, and no fixed replicas on the Deployment', () => {
    const { objects } = synthApp({ autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilizationPercent: 60 } });
    expect(findObject(objects, 'Deployment', 'my-nginx').spec.replicas).toBeUndefined();
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'my-nginx');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      minReplicas: 3, maxReplicas: 10, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'my-nginx' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    expect(findObject(objects, 'PodDisruptionBudget', 'my-nginx').spec.maxUnavailable).toBe(1);
  });

  test('one replica: no budget and no spread; zones and DoNotSchedule on request; minAvailable instead of maxUnavailable', () => {
    const single = synthApp({ replicas: 1 }).objects;
    expect(single.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(podSpec(single).topologySpreadConstraints).toBeUndefined();
    const { objects } = synthApp({
      replicas: 4, disruptionBudget: { minAvailable: 3 },
      topologySpread: { acrossZones: true, whenUnsatisfiable: SpreadWhenUnsatisfiable.DO_NOT_SCHEDULE, maxSkew: 2 },
    });
    expect(findObject(objects, 'PodDisruptionBudget', 'my-nginx').spec).toMatchObject({ minAvailable: 3 });
    expect(podSpec(objects).topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.maxSkew])).toEqual([
      ['kubernetes.io/hostname', 'DoNotSchedule', 2], ['topology.kubernetes.io/zone', 'DoNotSchedule', 2],
    ]);
    const off = synthApp({ disruptionBudget: { enabled: false }, topologySpread: { enabled: false } }).objects;
    expect(off.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(podSpec(off).topologySpreadConstraints).toBeUndefined();
  });
});

describe('SecureNginxApp probes', () => {
  test('readiness, liveness and startup request the unlogged /healthz location on the http port', () => {
    const { objects } = synthApp();
    const nginx = nginxContainer(objects);
    const healthz = { path: '/healthz', port: 8080, scheme: 'HTTP' };
    expect(nginx.readinessProbe).toEqual({ failureThreshold: 3, httpGet: healthz });
    expect(nginx.livenessProbe).toEqual({ failureThreshold: 3, httpGet: healthz });
    expect(nginx.startupProbe).toEqual({ failureThreshold: 30, periodSeconds: 2, httpGet: healthz });
    const conf = findObject(objects, 'ConfigMap', 'my-nginx-nginx-conf').data['default.conf'];
    expect(conf).toContain('    location = /healthz {\n        access_log off;\n        default_type text/plain;\n        return 200 "ok\\n";\n    }\n');
  });

  test('each is overridable or off; HTTPS on the https port; a replaced config is probed by TCP', () => {
    const nginx = nginxContainer(synthApp({
      healthCheckPath: '/livez',
      readinessProbe: { path: '/ready', port: 8443, period: Duration.seconds(5), failureThreshold: 2, timeout: Duration.seconds(2) },
      livenessProbe: { enabled: false },
      startupProbe: { enabled: false },
    }).objects);
    expect(nginx.readinessProbe).toEqual({ failureThreshold: 2, periodSeconds: 5, timeoutSeconds: 2, httpGet: { path: '/ready', port: 8443, scheme: 'HTTPS' } });
    expect(nginx.livenessProbe).toBeUndefined();
    expect(nginx.startupProbe).toBeUndefined();
    const replaced = nginxContainer(synthApp({ serverConfig: 'server {\n    listen 8080;\n    listen 8443 ssl;\n    ssl_certificate /etc/nginx/ssl/tls.crt;\n    ssl_certificate_key /etc/nginx/ssl/tls.key;\n}\n' }).objects);
    expect(replaced.readinessProbe).toEqual({ failureThreshold: 3, tcpSocket: { port: 8080 } });
  });
});

describe('SecureNginxApp nginx config', () => {
  test('added locations and server directives follow the generated ones', () => {
    const { objects } = synthApp({
      locations: [
        { path: '/api/', body: 'default_type application/json;\nreturn 200 \'{"ok":true}\';' },
        { path: '\\.(css|js)$', match: NginxLocationMatch.REGEX_CASE_INSENSITIVE, body: 'expires 7d;' },
        { path: '/', match: NginxLocationMatch.EXACT, body: 'return 302 /index.html;' },
      ],
      extraNginxDirectives: 'add_header X-Frame-Options DENY;',
    });
    const conf = findObject(objects, 'ConfigMap', 'my-nginx-nginx-conf').data['default.conf'];
    expect(conf).toContain('    location /api/ {\n        default_type application/json;\n        return 200 \'{"ok":true}\';\n    }\n');
    expect(conf).toContain('    location ~* \\.(css|js)$ {\n        expires 7d;\n    }\n');
    expect(conf).toContain('    location = / {\n');
    expect(conf).toMatch(/    add_header X-Frame-Options DENY;\n\}\n$/);
  });

  test('serverConfig replaces default.conf; existingConfigMap is mounted and none is made', () => {
    const serverConfig = 'server {\n    listen 8080;\n    listen 8443 ssl;\n    ssl_certificate /etc/nginx/ssl/tls.crt;\n    ssl_certificate_key /etc/nginx/ssl/tls.key;\n}\n';
    expect(findObject(synthApp({ serverConfig }).objects, 'ConfigMap', 'my-nginx-nginx-conf').data).toEqual({ 'default.conf': serverConfig });
    const objects = synthObjects((chart) => {
      const existing = new kplus.ConfigMap(chart, 'Mine', { metadata: { name: 'site-conf' }, data: { 'default.conf': serverConfig } });
      new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store, existingConfigMap: existing });
    });
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['site-conf']);
    expect(podSpec(objects).volumes.find((v: any) => v.name === 'configmap-volume').configMap).toEqual({ name: 'site-conf' });
  });
});

describe('SecureNginxApp image', () => {
  test('tag and digest override the default image; an unpinned tag is always pulled', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const nginx = nginxContainer(synthApp({ imageTag: '1.27-alpine', imageDigest: digest }).objects);
    expect(nginx.image).toBe(`nginxinc/nginx-unprivileged:1.27-alpine@${digest}`);
    expect(nginx.imagePullPolicy).toBe('IfNotPresent');
    expect(nginxContainer(synthApp({ image: 'registry.example.com:5000/web/nginx:latest' }).objects).imagePullPolicy).toBe('Always');
  });

  test('the official image, when asked for, gets writable /var/cache/nginx and /var/run and stays locked down', () => {
    const { objects } = synthApp({ image: 'nginx:1.27', imageFamily: NginxImageFamily.OFFICIAL });
    const nginx = nginxContainer(objects);
    const emptyDirs = podSpec(objects).volumes.filter((v: any) => v.emptyDir).map((v: any) => v.name);
    const mountOf = (name: string) => nginx.volumeMounts.find((m: any) => m.name === name).mountPath;
    expect(emptyDirs.map(mountOf)).toEqual(['/var/cache/nginx', '/var/run']);
    expect(nginx.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });
});

describe('SecureNginxApp metadata and escape hatches', () => {
  test('common labels and annotations reach every object and the pods; pod-only ones only the pods', () => {
    const { objects } = synthApp({
      commonLabels: { team: 'shop' }, commonAnnotations: { owner: 'shop@example.com' },
      podTemplateLabels: { 'sidecar.istio.io/inject': 'true' }, podTemplateAnnotations: { 'prometheus.io/scrape': 'false' },
      metrics: { serviceMonitor: {} }, autoscaling: { maxReplicas: 4 }, egress: EgressPolicy.DNS_ONLY,
    });
    expect(objects.length).toBe(9);
    for (const o of objects) expect(o.metadata).toMatchObject({ labels: { team: 'shop' }, annotations: { owner: 'shop@example.com' } });
    const template = findObject(objects, 'Deployment', 'my-nginx').spec.template.metadata;
    expect(template.labels).toMatchObject({ team: 'shop', 'sidecar.istio.io/inject': 'true', run: 'my-nginx' });
    expect(template.annotations).toMatchObject({ owner: 'shop@example.com', 'prometheus.io/scrape': 'false' });
    expect(findObject(objects, 'Service', 'my-nginx').metadata.labels).toEqual({ team: 'shop', run: 'my-nginx' });
  });

  test('env (plain, from a Secret, from a ConfigMap), envFrom, volumes, sidecars, nodeSelector and tolerations', () => {
    const objects = synthObjects((chart) => {
      const settings = kplus.ConfigMap.fromConfigMapName(chart, 'Settings', 'settings');
      const creds = kplus.Secret.fromSecretName(chart, 'Creds', 'creds');
      new SecureNginxApp(chart, 'Nginx', {
        certificateStoreDir: store,
        env: {
          MODE: kplus.EnvValue.fromValue('prod'),
          TOKEN: kplus.EnvValue.fromSecretValue({ secret: creds, key: 'token' }),
          COLOR: kplus.EnvValue.fromConfigMap(settings, 'color'),
        },
        envFrom: [kplus.Env.fromConfigMap(settings)],
        volumeMounts: [{ path: '/usr/share/nginx/html', volume: kplus.Volume.fromConfigMap(chart, 'Site', settings, { name: 'site' }), readOnly: true }],
        sidecars: [{ name: 'log-shipper', image: 'busybox:1.36', ports: [{ name: 'ship', number: 9000 }] }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [kplus.NodeTaintQuery.is('dedicated', 'web', { effect: kplus.TaintEffect.NO_SCHEDULE })],
      });
    });
    const pod = podSpec(objects);
    const nginx = pod.containers[0];
    expect(nginx.env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
      { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
    ]);
    expect(nginx.envFrom).toEqual([{ configMapRef: { name: 'settings' } }]);
    expect(nginx.volumeMounts.find((m: any) => m.mountPath === '/usr/share/nginx/html')).toEqual({ mountPath: '/usr/share/nginx/html', name: 'site', readOnly: true });
    expect(pod.containers.map((c: any) => c.name)).toEqual(['nginxhttps', 'log-shipper']);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }]);
  });
});

describe('SecureNginxApp metrics', () => {
  test('an exporter sidecar reads stub_status over loopback; a metrics Service and a ServiceMonitor select it', () => {
    const { objects } = synthApp({ metrics: { serviceMonitor: { interval: Duration.seconds(15), labels: { release: 'kube-prometheus-stack' } } } });
    const pod = podSpec(objects);
    const exporter = pod.containers.find((c: any) => c.name === 'metrics-exporter');
    expect(exporter.image).toBe('nginx/nginx-prometheus-exporter:1.4.0');
    expect(exporter.args).toEqual(['--nginx.scrape-uri=http://127.0.0.1:8080/stub_status', '--web.listen-address=:9113']);
    expect(exporter.ports).toEqual([{ containerPort: 9113, name: 'metrics' }]);
    expect(exporter.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const conf = findObject(objects, 'ConfigMap', 'my-nginx-nginx-conf').data['default.conf'];
    expect(conf).toContain('    location = /stub_status {\n        stub_status;\n        access_log off;\n        allow 127.0.0.1;\n        allow ::1;\n        deny all;\n    }\n');
    const service = findObject(objects, 'Service', 'my-nginx-metrics');
    expect(service.spec).toEqual({ type: 'ClusterIP', selector: { run: 'my-nginx' }, ports: [{ name: 'metrics', port: 9113, targetPort: 'metrics', protocol: 'TCP' }] });
    const monitor = findObject(objects, 'ServiceMonitor', 'my-nginx');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(monitor.spec).toEqual({
      selector: { matchLabels: service.metadata.labels },
      namespaceSelector: { matchNames: ['default'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s' }],
    });
    expect(findObject(objects, 'Service', 'my-nginx').spec.selector).toEqual({ run: 'my-nginx' });
  });

  test('scrapers get through the NetworkPolicy; a policy without scrapers fails the synth', () => {
    const monitoring = { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } };
    const { objects } = synthApp({ metrics: { scrapers: [monitoring] } }, (app) => app.endpoint.allowFrom([{ podLabels: { app: 'frontend' } }]));
    expect(findObject(objects, 'NetworkPolicy', 'my-nginx-allow-listed').spec.ingress[1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: monitoring.namespaceLabels } }], ports: [{ port: 'metrics', protocol: 'TCP' }],
    });
    const app = Testing.app();
    const nginx = new SecureNginxApp(new Chart(app, 'c'), 'Nginx', { certificateStoreDir: store, metrics: {} });
    nginx.endpoint.allowFrom([{ podLabels: { app: 'frontend' } }]);
    expect(() => app.synth()).toThrow(/metrics.scrapers: NetworkPolicy my-nginx-allow-listed guards the pods and would refuse Prometheus/);
  });
});

describe('SecureNginxApp DNS-only egress', () => {
  test('a policy lets the nginx pods reach only kube-dns on port 53', () => {
    const { objects } = synthApp({ egress: EgressPolicy.DNS_ONLY });
    expect(findObject(objects, 'NetworkPolicy', 'my-nginx-egress-dns-only').spec).toEqual({
      podSelector: { matchLabels: { run: 'my-nginx' } },
      policyTypes: ['Egress'],
      egress: [{
        to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      }],
    });
  });
});

describe('SecureNginxApp parts reject bad input, naming the construct path and the field', () => {
  const official = 'nginx:1.27';
  const cases: [string, SecureNginxAppProps, RegExp][] = [
    ['replicas and autoscaling', { replicas: 3, autoscaling: { maxReplicas: 5 } }, /ReplicaScaling at '.*Nginx\/Scaling'[\s\S]*replicas: is fixed, but autoscaling sets the number of pods/],
    ['min > max', { autoscaling: { minReplicas: 6, maxReplicas: 3 } }, /autoscaling.minReplicas: 6 is more than maxReplicas 3/],
    ['negative replicas', { replicas: -1 }, /replicas: -1 is not allowed: use an integer >= 0/],
    ['unsatisfiable budget', { replicas: 2, disruptionBudget: { minAvailable: 2 } }, /disruptionBudget.minAvailable: 2 can never be satisfied with 2 replicas/],
    ['both budget bounds', { disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }, /disruptionBudget: give minAvailable or maxUnavailable, not both/],
    ['autoscaling without a CPU request', { autoscaling: { maxReplicas: 4 }, resources: { memory: { request: Size.mebibytes(32) } } }, /autoscaling: CPU utilization is measured against CPU requests, and container nginxhttps requests none/],
    ['probe port not declared', { livenessProbe: { port: 9999 } }, /NginxDeployment at '.*Nginx\/Pods'[\s\S]*livenessProbe.port: 9999 is not a port of the nginx container \(it declares 8080, 8443\)/],
    ['location clashing with a default', { locations: [{ path: '/', body: 'return 200;' }] }, /NginxSiteConfig at '.*Nginx\/Config'[\s\S]*locations\[0\].path: `location \/` matches what the generated location `location \/` matches \(nginx: duplicate location\)/],
    ['location clashing with the health location', { locations: [{ path: '/healthz', match: NginxLocationMatch.EXACT, body: 'return 204;' }] }, /locations\[0\].path: `location = \/healthz` matches what the generated location `location = \/healthz` matches/],
    ['two locations for one prefix', { locations: [{ path: '/a', body: 'return 204;' }, { path: '/a', match: NginxLocationMatch.PREFIX_NO_REGEX, body: 'return 204;' }] }, /locations\[1\].path: `location \^~ \/a` matches what locations\[0\] matches/],
    ['location body unbalanced', { locations: [{ path: '/a', body: 'if ($x) { return 204;' }] }, /locations\[0\].body: nginx would refuse it: block "if \(\$x\) \{" is not closed/],
    ['directive adding a location', { extraNginxDirectives: 'location / { return 200; }' }, /extraNginxDirectives: `location \/`: add locations with the locations prop/],
    ['directive repeating a generated one', { extraNginxDirectives: 'server_name example.com;' }, /extraNginxDirectives: `server_name` is already set by the generated config/],
    ['serverConfig and existingConfigMap', { serverConfig: 'server { listen 8080; }', existingConfigMap: kplus.ConfigMap.fromConfigMapName(Testing.chart(), 'X', 'x') }, /serverConfig: give either serverConfig/],
    ['serverConfig on an undeclared port', { serverConfig: 'server { listen 9000; }' }, /serverConfig: listens on port 9000, which the nginx container does not declare/],
    ['serverConfig with locations', { serverConfig: 'server { listen 8080; }', locations: [{ path: '/a', body: 'return 204;' }] }, /locations: only applies to the generated config/],
    ['sidecar port clash', { sidecars: [{ name: 'proxy', image: 'envoy:1', ports: [{ number: 8443 }] }] }, /sidecars\[0\].ports\[0\]: 8443 is already used by container nginxhttps/],
    ['sidecar name clash', { sidecars: [{ name: 'nginxhttps', image: 'busybox:1.36' }] }, /sidecars\[0\].name: "nginxhttps" is taken/],
    ['metrics port clash', { metrics: { port: 8080 } }, /NginxMetrics at '.*Nginx\/Metrics'[\s\S]*metrics.port: 8080 is already used by container nginxhttps/],
    ['root-only official image', { image: official }, /image: "nginx:1.27" is the official nginx image[\s\S]*nginxinc\/nginx-unprivileged[\s\S]*imageFamily: NginxImageFamily.OFFICIAL/],
    ['image family contradicting the image', { image: 'nginxinc/nginx-unprivileged:1.27', imageFamily: NginxImageFamily.OFFICIAL }, /imageFamily: "nginxinc\/nginx-unprivileged" is of the unprivileged family/],
    ['tag given twice', { image: 'nginxinc/nginx-unprivileged:1.27', imageTag: '1.28' }, /imageTag: the image "nginxinc\/nginx-unprivileged:1.27" already has a tag/],
    ['malformed digest', { imageDigest: 'sha256:abc' }, /imageDigest: digest "sha256:abc" is not sha256:<64 lower-case hex digits>/],
    ['malformed image', { image: 'Nginx Unprivileged' }, /image: repository "Nginx Unprivileged" is invalid/],
    ['volume over the config', { volumeMounts: [{ path: '/etc/nginx/conf.d/extra', volume: kplus.Volume.fromEmptyDir(Testing.chart(), 'V', 'v') }] }, /volumeMounts\[0\].path: "\/etc\/nginx\/conf.d\/extra" overlaps \/etc\/nginx\/conf.d/],
    ['pod labels changing the selector', { podTemplateLabels: { run: 'other' } }, /podTemplateLabels: run would change the labels the Deployment and Service select/],
    ['common labels changing the selector', { commonLabels: { run: 'other' } }, /commonLabels: "run" would change the label the Service selects/],
    ['DNS-only egress with an upstream', { egress: EgressPolicy.DNS_ONLY, locations: [{ path: '/api/', body: 'proxy_pass http://api:8080;' }] }, /egress: DNS_ONLY refuses every connection but DNS, and the nginx config passes requests upstream/],
    ['bad env name', { env: { '1BAD': kplus.EnvValue.fromValue('x') } }, /env\["1BAD"\]: is not a valid variable name/],
  ];
  test.each(cases)('%s', (_label, props, message) => {
    expect(() => new SecureNginxApp(Testing.chart(), 'Nginx', { certificateStoreDir: store, ...props })).toThrow(message);
  });

  test('nothing is written to the key store when a part refuses its props', () => {
    const emptyStore = tempDir('untouched-parts');
    expect(() => new SecureNginxApp(Testing.chart(), 'Nginx', { certificateStoreDir: emptyStore, locations: [{ path: '/', body: 'return 200;' }] })).toThrow();
    expect(() => new SecureNginxApp(Testing.chart(), 'Nginx', { certificateStoreDir: emptyStore, replicas: 2, autoscaling: { maxReplicas: 3 } })).toThrow();
    expect(require('fs').readdirSync(emptyStore)).toEqual([]);
  });
});
