/**
 * Live: the custom-locations variant of SecureNginxApp (added locations, server directives, the
 * health location, stub_status) served by real nginx under its pod's security context, reached
 * through the Service with the Secret's certificate, and probed the way the kubelet probes it.
 */
import { parseManifests } from '../../validator/src';
import { CUSTOM_LOCATION_ANSWERS, NGINX_VARIANTS, synthesizeVariant } from '../nginx-variants';
import { tempDir } from '../support';
import { EmulatedCluster, KubeletHttpGet } from './emulated-cluster';
import { Manifest, readTlsServingApp, TlsServingApp } from './manifests';
import { describeWhereSandboxRuns } from './prerequisites';

const describeIfRunnable = describeWhereSandboxRuns('the custom-locations e2e test');
const PROBE_KINDS = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;

describeIfRunnable('SecureNginxApp with custom locations, served live', () => {
  let manifests: Manifest[];
  let app: TlsServingApp;
  let cluster: EmulatedCluster | undefined;
  let caFile: string;

  beforeAll(async () => {
    const variant = NGINX_VARIANTS.find((v) => v.name === 'custom-locations')!;
    manifests = parseManifests(synthesizeVariant(variant, tempDir('locations-store')), 'variant.k8s.yaml').map((doc) => doc.object as Manifest);
    app = readTlsServingApp(manifests);
    cluster = await EmulatedCluster.start(app, 'cdk8s-e2e-locations');
    caFile = cluster.writeClientFile('ca.crt', app.tlsSecret.certificatePem);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const httpsPort = () => app.service.routes.find((route) => route.name === 'https')!.port;
  const curl = (path: string, ...args: string[]) =>
    cluster!.runClient(['curl', '--fail', '--silent', '--show-error', '--cacert', caFile, ...args, `https://${app.service.name}:${httpsPort()}${path}`]);

  test.each(CUSTOM_LOCATION_ANSWERS.map((answer) => [answer.path, answer.body] as const))(
    'https://NAME%s answers from its location, verified against the Secret tls.crt', async (path, body) => {
      const result = await curl(path);
      expect({ exitCode: result.exitCode, stderr: result.stderr, body: result.stdout }).toEqual({ exitCode: 0, stderr: '', body });
    });

  test('the extra server directives apply to every response', async () => {
    const result = await curl('/version', '--include');
    expect(result.stdout).toMatch(/^x-content-type-options: nosniff\r$/im);
  });

  test.each(PROBE_KINDS)('the %s of the Deployment, as the kubelet sends it, gets 200', async (kind) => {
    expect(await cluster!.probeServer(httpGetOf(manifests, kind))).toBe('200');
  });

  test('probe requests are not logged; other requests are', async () => {
    for (const kind of PROBE_KINDS) await cluster!.probeServer(httpGetOf(manifests, kind));
    await curl('/version');
    const log = cluster!.serverAccessLog();
    expect(log).toContain('"GET /version HTTP/1.1" 200');
    expect(log).not.toContain(httpGetOf(manifests, 'readinessProbe').path);
  });

  test('stub_status answers the exporter over loopback, and nobody else', async () => {
    const scrapeUri = exporterArgs(manifests).find((arg) => arg.startsWith('--nginx.scrape-uri='))!.split('=')[1];
    const { port, pathname } = new URL(scrapeUri);
    const fromLoopback = await cluster!.curlPodFrom('127.0.0.1', Number(port), pathname);
    expect(fromLoopback.stdout).toMatch(/^Active connections: \d+[\s\S]*\n200$/);
    const fromElsewhere = await cluster!.curlPodFrom('127.0.0.30', Number(port), pathname);
    expect(fromElsewhere.stdout).toMatch(/\n403$/);
  });

  test('the probe Job command, exactly as synthesized, exits 0', async () => {
    expect(app.probes).toHaveLength(1);
    expect((await cluster!.run(app.probes[0])).exitCode).toBe(0);
  });
});

function nginxContainer(manifests: Manifest[]): any {
  const deployment: any = manifests.find((m) => m.kind === 'Deployment');
  return deployment.spec.template.spec.containers.find((c: any) => c.name === 'nginxhttps');
}

/** A probe's httpGet with its port resolved to a number, as the kubelet resolves it. */
function httpGetOf(manifests: Manifest[], kind: typeof PROBE_KINDS[number]): KubeletHttpGet {
  const container = nginxContainer(manifests);
  const httpGet = container[kind]?.httpGet;
  if (!httpGet) throw new Error(`the nginx container has no ${kind} httpGet`);
  const port = typeof httpGet.port === 'number' ? httpGet.port : container.ports.find((p: any) => p.name === httpGet.port).containerPort;
  return { path: httpGet.path, port, scheme: httpGet.scheme ?? 'HTTP' };
}

function exporterArgs(manifests: Manifest[]): string[] {
  const deployment: any = manifests.find((m) => m.kind === 'Deployment');
  return deployment.spec.template.spec.containers.find((c: any) => c.name === 'metrics-exporter').args;
}
