/**
 * Live TLS end-to-end test of synthesized manifests (any app's: the tutorial's, a consumer's), with
 * no cluster: the pod that the Service selects runs as a real nginx, under the pod's security
 * context and with the Secret and ConfigMap files the manifests give it, in a network namespace
 * where iptables plays kube-proxy and /etc/hosts plays cluster DNS (see emulated-cluster.ts).
 * Everything is read from the YAML, nothing from the constructs' inputs.
 *
 * Needs root, nginx, curl, openssl, iproute2 and iptables (.ci/install-e2e-deps.sh installs them),
 * and util-linux (essential in Debian).
 */
import { readFileSync } from 'node:fs';
import { selfSignedCertificate } from './certificates';
import { EmulatedCluster } from './emulated-cluster';
import {
  Manifest,
  PodSpec,
  readTlsServingApp,
  ServiceRoute,
  TlsServingApp,
  Volume,
  withSecretData,
  withServerPod,
} from './manifests';
import { documentRoots, listenPorts, ListenPort, routesByScheme, siteConfigs } from './nginx-config';
import { describeWhereSandboxRuns } from './prerequisites';
import type { PodResult } from './sandbox';

/** curl's exit code for a peer certificate that fails verification (CA or host name). */
const CURLE_PEER_FAILED_VERIFICATION = 60;

/**
 * How long the probe gets against the impostor certificate. A probe that retries on every error
 * (`--retry-all-errors`) keeps failing until its Job's deadline; not succeeding in this window,
 * when it succeeds at once against the real certificate, is its failure.
 */
const PROBE_REJECTION_WINDOW_MS = 3000;

/** Titles for the tests of `serviceDnsNames`, in its order. */
const DNS_NAME_FORMS = ['NAME', 'NAME.NAMESPACE', 'NAME.NAMESPACE.svc', 'NAME.NAMESPACE.svc.cluster.local'];

/** What the suite deploys, and hooks for tests of the app's own features. */
export interface TlsSuiteOptions {
  /** Names the network namespaces and temp dirs. */
  label: string;
  /**
   * The manifests `kubectl apply -f` would read (e.g. {@link readManifestFolder} of a synth's
   * output folder); called in beforeAll, after the enclosing describe's beforeAll.
   */
  manifests: () => Manifest[];
  /** Declares more tests against the running app, inside the suite. */
  moreTests?: (live: LiveTlsApp) => void;
}

/** The deployed app, for tests declared through {@link TlsSuiteOptions.moreTests}. */
export interface LiveTlsApp {
  /** The app as read from its manifests. */
  app(): TlsServingApp;
  /** The running emulated cluster. */
  cluster(): EmulatedCluster;
  /** curl argv for `https://<Service name><path>` on the Service's HTTPS port, trusting the Secret's tls.crt. */
  curlHttps(path: string): string[];
}

/**
 * Declares the TLS e2e suite for one app's manifests: every DNS name over HTTPS, plain HTTP, the
 * probe Job's own command, an impostor certificate, a wrong CA, the process identity, and a key
 * nginx cannot read. Skipped with a loud warning when the machine lacks what the sandbox needs,
 * failed instead under CI.
 */
export function describeTlsE2e(title: string, options: TlsSuiteOptions): void {
  describeWhereSandboxRuns(`the TLS e2e test (${title})`)(`TLS e2e on ${title}`, () => defineTlsTests(options));
}

function defineTlsTests({ label, manifests: readManifests, moreTests }: TlsSuiteOptions): void {
  let manifests: Manifest[];
  let app: TlsServingApp;
  /** Same manifests, but the TLS Secret holds a certificate without the Service's names. */
  let impostorApp: TlsServingApp;
  let cluster: EmulatedCluster | undefined;
  let impostorCluster: EmulatedCluster | undefined;
  let nginxListens: ListenPort[];
  let expectedPage: string;
  let serviceCaFile: string;
  let impostorCaFile: string;
  let untrustedCaFile: string;

  beforeAll(async () => {
    manifests = readManifests();
    app = readTlsServingApp(manifests);
    nginxListens = siteConfigs(app.server).flatMap((site) => listenPorts(site.text));

    const [impostor, untrusted] = await Promise.all([
      selfSignedCertificate({ commonName: app.service.name, organization: 'impostor' }, ['other.example']),
      selfSignedCertificate({ commonName: app.service.name, organization: 'untrusted' }, app.service.dnsNames),
    ]);
    impostorApp = readTlsServingApp(
      withSecretData(manifests, app.tlsSecret.name, { 'tls.crt': impostor.certificatePem, 'tls.key': impostor.privateKeyPem }),
    );

    cluster = await EmulatedCluster.start(app, label);
    impostorCluster = await EmulatedCluster.start(impostorApp, `${label}-impostor`);
    serviceCaFile = cluster.writeClientFile('service-ca.crt', app.tlsSecret.certificatePem);
    untrustedCaFile = cluster.writeClientFile('untrusted-ca.crt', untrusted.certificatePem);
    impostorCaFile = impostorCluster.writeClientFile('impostor-ca.crt', impostor.certificatePem);

    const root = siteConfigs(app.server).flatMap((site) => documentRoots(site.text))[0];
    if (!root) throw new Error('the nginx config sets no `root`, so the served page is unknown');
    expectedPage = await cluster.readServerFile(`${root}/index.html`);
  });

  afterAll(async () => {
    // Each step runs even if an earlier one fails.
    await Promise.allSettled([cluster?.stop(), impostorCluster?.stop()]);
  });

  const httpsRoute = () =>
    routesByScheme(app.service.routes, nginxListens).https ?? fail('no Service port reaches an nginx `listen ... ssl` port');
  const httpRoute = () =>
    routesByScheme(app.service.routes, nginxListens).http ?? fail('no Service port reaches a plain nginx `listen` port');
  const curlHttps = (caFile: string, host: string, path = '/') =>
    ['curl', '--fail', '--silent', '--show-error', '--cacert', caFile, url('https', host, httpsRoute(), path)];

  test('every Service port targets a port nginx listens on', () => {
    expect(nginxListens.map((listen) => listen.port)).toEqual(
      expect.arrayContaining(app.service.routes.map((route) => route.targetPort)),
    );
  });

  test.each(DNS_NAME_FORMS.map((form, index) => [form, index] as const))(
    'https://%s verifies against the Secret tls.crt and serves the nginx page',
    async (_form, index) => {
      const result = await cluster!.runClient(curlHttps(serviceCaFile, app.service.dnsNames[index]));
      expect(outcome(result)).toEqual({ exitCode: 0, stderr: '' });
      expect(result.stdout).toBe(expectedPage);
    },
  );

  test('plain http on the Service http port answers 200', async () => {
    const result = await cluster!.runClient([
      'curl', '--silent', '--show-error', '--output', '/dev/null', '--write-out', '%{http_code}',
      url('http', app.service.name, httpRoute()),
    ]);
    expect({ ...outcome(result), status: result.stdout }).toEqual({ exitCode: 0, stderr: '', status: '200' });
  });

  test('every probe Job command, exactly as synthesized, exits 0', async () => {
    for (const probe of app.probes) {
      const result = await cluster!.run(probe);
      expect({ probe: probe.id, ...outcome(result), stdout: result.stdout.slice(0, 200) }).toMatchObject({ exitCode: 0 });
    }
  });

  test('no probe Job command succeeds against a certificate without the Service names', async () => {
    // The impostor does serve (the SAN test below shows curl reaching it); the probes must refuse it.
    for (const probe of impostorApp.probes) {
      const result = await impostorCluster!.run(probe, PROBE_REJECTION_WINDOW_MS);
      expect({ probe: probe.id, exitCode: result.exitCode }).not.toEqual({ probe: probe.id, exitCode: 0 });
    }
  });

  test('curl rejects a certificate whose SANs lack the Service name', async () => {
    const result = await impostorCluster!.runClient(curlHttps(impostorCaFile, app.service.name));
    expect(outcome(result)).toEqual({
      exitCode: CURLE_PEER_FAILED_VERIFICATION,
      stderr: expect.stringMatching(/subject name .*target host name|does not match target host name/),
    });
  });

  test('curl rejects the server certificate when given a different CA', async () => {
    const result = await cluster!.runClient(curlHttps(untrustedCaFile, app.service.name));
    expect(outcome(result)).toEqual({
      exitCode: CURLE_PEER_FAILED_VERIFICATION,
      stderr: expect.stringMatching(/SSL certificate problem/),
    });
  });

  test('the nginx master runs as the runAsUser and runAsGroup of the manifest, with its fsGroup', () => {
    const { runAsUser, runAsGroup, fsGroup } = app.server.security;
    expect(processIds(cluster!.serverPid())).toEqual({
      uids: Array(4).fill(runAsUser),
      gids: Array(4).fill(runAsGroup),
      supplementaryGroups: [fsGroup],
    });
  });

  test('nginx does not start when the TLS key is readable by root only (a real cluster would crash-loop)', async () => {
    const ownerOnlyKey = readTlsServingApp(
      withServerPod(manifests, (pod) => {
        const secret = secretVolumeSource(pod, app.tlsSecret.name);
        secret.defaultMode = 0o400;
        // The certificate stays readable, so that nginx gets as far as loading the key.
        secret.items = [{ key: 'tls.crt', path: 'tls.crt', mode: 0o644 }, { key: 'tls.key', path: 'tls.key' }];
        // With an fsGroup the kubelet would make the key group-readable again (see volumeFileMode).
        delete pod.securityContext?.fsGroup;
      }),
    );
    expect(await startFailure(ownerOnlyKey, `${label}-0400`)).toMatch(/"\/etc\/nginx\/ssl\/tls\.key".*Permission denied/);
  });

  moreTests?.({
    app: () => app,
    cluster: () => cluster ?? fail('the emulated cluster did not start'),
    curlHttps: (path) => curlHttps(serviceCaFile, app.service.name, path),
  });
}

/** Why the server pod of `app` does not start; fails (after stopping it) if it does. */
async function startFailure(app: TlsServingApp, label: string): Promise<string> {
  let cluster: EmulatedCluster;
  try {
    cluster = await EmulatedCluster.start(app, label);
  } catch (error) {
    return (error as Error).message;
  }
  await cluster.stop();
  throw new Error(`${app.server.id} started, but was expected not to`);
}

/** The ids a process runs with, from /proc/<pid>/status: real, effective, saved and filesystem. */
function processIds(pid: number): { uids: number[]; gids: number[]; supplementaryGroups: number[] } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const ids = (field: string) => {
    const line = new RegExp(`^${field}:(.*)$`, 'm').exec(status) ?? fail(`no ${field} line in /proc/${pid}/status`);
    return line[1].trim().split(/\s+/).filter(Boolean).map(Number);
  };
  return { uids: ids('Uid'), gids: ids('Gid'), supplementaryGroups: ids('Groups') };
}

function secretVolumeSource(pod: PodSpec, secretName: string): NonNullable<Volume['secret']> {
  const volume = pod.volumes?.find((v) => v.secret?.secretName === secretName);
  return volume?.secret ?? fail(`the pod has no volume of Secret ${secretName}`);
}

function url(scheme: 'http' | 'https', host: string, route: ServiceRoute, path = '/'): string {
  const defaultPort = scheme === 'https' ? 443 : 80;
  return `${scheme}://${host}${route.port === defaultPort ? '' : `:${route.port}`}${path}`;
}

/** What a failed expectation should show: exit code and curl's error, not the page. */
function outcome(result: PodResult): { exitCode: number | null; stderr: string; timedOut?: true } {
  return { exitCode: result.exitCode, stderr: result.stderr, ...(result.timedOut ? { timedOut: true as const } : {}) };
}

function fail(message: string): never {
  throw new Error(message);
}
