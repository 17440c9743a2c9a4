import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { readCertificateFacts } from '../lib/certificate';
import { SecureNginxApp, SecureNginxAppProps } from '../lib';
import { decodeBase64, findObject, synthObjects, tempDir } from './support';

const store = tempDir('nginx-store');

function synthApp(props: SecureNginxAppProps = {}) {
  let app!: SecureNginxApp;
  const objects = synthObjects((chart) => {
    app = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store, ...props });
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
    expect(readCertificateFacts(app.certificatePem).dnsNames).toEqual([
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
    ['port zero', { containerHttpPort: 0 }, /containerHttpPort: 0 is not a valid port/],
    ['nodePort out of range', { httpNodePort: 8080 }, /httpNodePort: 8080 is outside the default NodePort range/],
    ['duplicate nodePorts', { httpNodePort: 30001, httpsNodePort: 30001 }, /httpsNodePort: 30001 is also httpNodePort/],
    ['nodePort on ClusterIP', { serviceType: kplus.ServiceType.CLUSTER_IP, httpNodePort: 30001 }, /httpNodePort: node ports need serviceType NodePort or LoadBalancer/],
    ['zero validity', { certificateValidityDays: 0 }, /certificateValidityDays: 0 is not allowed: use an integer >= 1/],
    ['weak key', { keySize: 1024 }, /keySize: 1024 is not allowed: use an integer >= 2048/],
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

  test('checks props before generating any key material', () => {
    const emptyStore = tempDir('untouched');
    expect(() => new SecureNginxApp(Testing.chart(), 'Nginx', { certificateStoreDir: emptyStore, keySize: 1024 })).toThrow();
    expect(require('fs').readdirSync(emptyStore)).toEqual([]);
  });
});
