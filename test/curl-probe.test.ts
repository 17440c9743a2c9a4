import { Chart, Testing } from 'cdk8s';
import { CurlProbe, CurlProbeMode, curlCheckCommand, SecureNginxApp, targetUrl } from '../lib';
import { findObject, synthObjects, tempDir } from './support';

const store = tempDir('probe-store');

describe('targetUrl', () => {
  const target = { namespace: 'default', serviceDnsNames: ['my-nginx', 'my-nginx.default', 'my-nginx.default.svc'], httpsPort: 443, secret: {} as any };
  test('short name in the same namespace, NAME.NS.svc from another, port only when not 443', () => {
    expect(targetUrl(target, 'default', '/')).toBe('https://my-nginx/');
    expect(targetUrl(target, 'tools', 'healthz')).toBe('https://my-nginx.default.svc/healthz');
    expect(targetUrl({ ...target, httpsPort: 8443 }, 'default', '/')).toBe('https://my-nginx:8443/');
  });
});

describe('curlCheckCommand', () => {
  test('verifies against the CA, fails on HTTP errors, retries while the server starts', () => {
    const argv = curlCheckCommand({ url: 'https://my-nginx/', caFile: '/etc/nginx/ssl/tls.crt', retries: 5, maxTimeSeconds: 60 });
    expect(argv[0]).toBe('curl');
    expect(argv).toContain('--fail');
    expect(argv).not.toContain('-k');
    expect(argv).not.toContain('--insecure');
    expect(argv.slice(argv.indexOf('--cacert'), argv.indexOf('--cacert') + 2)).toEqual(['--cacert', '/etc/nginx/ssl/tls.crt']);
    expect(argv.slice(argv.indexOf('--retry'), argv.indexOf('--retry') + 2)).toEqual(['--retry', '5']);
    expect(argv.slice(argv.indexOf('--retry-max-time'), argv.indexOf('--retry-max-time') + 2)).toEqual(['--retry-max-time', '60']);
    expect(argv[argv.length - 1]).toBe('https://my-nginx/');
  });
});

describe('CurlProbe', () => {
  let client!: CurlProbe;
  let job!: CurlProbe;
  const objects = synthObjects((chart) => {
    const nginx = new SecureNginxApp(chart, 'Nginx', { secretName: 'nginxsecret', certificateStoreDir: store });
    client = new CurlProbe(chart, 'Client', { target: nginx, name: 'curl-deployment', podLabels: { app: 'curlpod' } });
    job = new CurlProbe(chart, 'Check', { target: nginx, mode: CurlProbeMode.JOB, name: 'curl-check' });
  });

  test('the docs client: curl-deployment, app: curlpod, idling with the CA mounted at /etc/nginx/ssl', () => {
    const deployment = findObject(objects, 'Deployment', 'curl-deployment');
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'curlpod' });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ app: 'curlpod' });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.command).toEqual(['sh', '-c', 'trap "exit 0" TERM INT; while true; do sleep 1; done']);
    expect(container.volumeMounts).toEqual([{ mountPath: '/etc/nginx/ssl', name: 'secret-volume', readOnly: true }]);
    expect(client.command).toContain('https://my-nginx/');
  });

  test('mounts only the certificate, never the private key', () => {
    for (const workload of [findObject(objects, 'Deployment', 'curl-deployment'), findObject(objects, 'Job', 'curl-check')]) {
      expect(workload.spec.template.spec.volumes).toEqual([
        { name: 'secret-volume', secret: { secretName: 'nginxsecret', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
      ]);
    }
  });

  test('the Job runs the check command once, never restarting in place, as a non-root user', () => {
    const spec = findObject(objects, 'Job', 'curl-check').spec;
    const container = spec.template.spec.containers[0];
    expect(container.command).toEqual(job.command);
    expect(container.command).toEqual(expect.arrayContaining(['--cacert', '/etc/nginx/ssl/tls.crt', 'https://my-nginx/']));
    expect(spec.template.spec.restartPolicy).toBe('Never');
    expect(spec.selector).toBeUndefined();
    expect(spec.backoffLimit).toBe(1);
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 100, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  test('default names and labels never collide: several probes of one target are each their own workload', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart');
    const nginx = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store });
    const probes = [
      new CurlProbe(chart, 'ClientA', { target: nginx }), new CurlProbe(chart, 'ClientB', { target: nginx }),
      new CurlProbe(chart, 'CheckA', { target: nginx, mode: CurlProbeMode.JOB }), new CurlProbe(chart, 'CheckB', { target: nginx, mode: CurlProbeMode.JOB }),
    ];
    const names = probes.map((p) => p.workload.name);
    expect(new Set(names).size).toBe(4);
    expect(new Set(probes.map((p) => JSON.stringify(p.podLabels))).size).toBe(4);
    expect(names[0]).toMatch(/^chart-clienta-[0-9a-f]{8}$/);
    expect(() => app.synth()).not.toThrow();
  });

  test('rejects bad input naming the construct and field', () => {
    const chart = Testing.chart();
    const nginx = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store });
    expect(() => new CurlProbe(chart, 'Bad', { target: nginx, caMountPath: 'etc/ssl', retries: -1 }))
      .toThrow(/CurlProbe at '.*Bad' has invalid props:[\s\S]*caMountPath: "etc\/ssl" is not absolute[\s\S]*retries: -1/);
    expect(() => new CurlProbe(chart, 'Elsewhere', { target: nginx, namespace: 'qa' }))
      .toThrow(/CurlProbe at '.*Elsewhere' has invalid props:\n {2}- namespace: "qa" is not the target's namespace "default", where its certificate Secret is/);
  });
});
