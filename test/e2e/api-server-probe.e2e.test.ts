/**
 * Live test of the API-server-proxy probe (dist/steps/05-api-server-proxy), with no cluster: the
 * probe Job's own command runs, under the Job's security context, in a network namespace where
 * `kubernetes.default.svc` is a stand-in HTTPS server (real nginx) that answers 200 only for the
 * path the Role grants and only with the bearer token the pod's projected volume holds. The pod gets
 * the projected volume's three files (token, ca.crt, namespace) at the mountPath of the manifest.
 *
 * It proves the command, the URL, the token and CA file paths and the header; it does not prove
 * what only a cluster can: RBAC evaluation, token issuance and audience, or the proxying itself.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests } from '../../validator/src';
import { synthesizeInto } from '../support';
import { selfSignedCertificate } from './certificates';
import { mainNginxConfig } from './nginx-config';
import { effectiveSecurityContext, processIdentity } from './pod-security';
import { describeWhereSandboxRuns } from './prerequisites';
import { BindMount, NetworkSandbox, PodResult, RunningPod } from './sandbox';

const STEP = 'steps/05-api-server-proxy';
/** The `kubernetes` Service (443) and, behind it as kube-proxy forwards it, the API server's port. */
const KUBERNETES_SERVICE = { ip: '127.0.0.30', port: 443 };
const API_SERVER = { ip: '127.0.0.31', port: 6443 };
/** The stand-in runs unprivileged, as the real API server's port needs no privilege either. */
const STAND_IN_UID = 101;
const API_SERVER_HOST = 'kubernetes.default.svc';
/** How long the probe gets where it must not succeed (it retries on every error until its deadline). */
const REJECTION_WINDOW_MS = 3000;
const RUN_TIMEOUT_MS = 20_000;

const describeIfRunnable = describeWhereSandboxRuns('the API server probe e2e test');

/** The probe Job of the step, and what the pod sees. */
interface ProbePod {
  command: string[];
  credentialsPath: string;
  identity: { uid: number; gid: number; groups: number[] };
  readOnlyRootFilesystem: boolean;
  /** The path the Role allows `get` on: `/api/v1/namespaces/NS/services/RESOURCE_NAME/proxy/`. */
  grantedPath: string;
  namespace: string;
}

function readProbePod(objects: any[]): ProbePod {
  const job = only(objects.filter((o) => o.kind === 'Job' && o.spec.template.spec.serviceAccountName), 'Job with a serviceAccountName');
  const pod = job.spec.template.spec;
  const container = only(pod.containers, 'container of the probe Job');
  const volume = only(pod.volumes.filter((v: any) => v.projected?.sources?.some((s: any) => s.serviceAccountToken)), 'projected token volume');
  const mount = only(container.volumeMounts.filter((m: any) => m.name === volume.name), 'mount of the token volume');
  const binding = only(objects.filter((o) => o.kind === 'RoleBinding'
    && o.subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === pod.serviceAccountName)), 'RoleBinding of the probe\'s ServiceAccount');
  const role = only(objects.filter((o) => o.kind === 'Role' && o.metadata.name === binding.roleRef.name), 'Role of the RoleBinding');
  const rule = only(role.rules, 'rule of the Role');
  const security = effectiveSecurityContext(pod.securityContext, container.securityContext);
  return {
    command: container.command,
    credentialsPath: mount.mountPath,
    identity: processIdentity(security, `Job/${job.metadata.name}`),
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    grantedPath: `/api/v1/namespaces/${role.metadata.namespace}/services/${only(rule.resourceNames, 'resourceName')}/proxy/`,
    namespace: job.metadata.namespace,
  };
}

/** nginx standing in for the API server: 200 for the granted path with the right token, 401 for another token, 404 elsewhere. */
function standInConfig(path: string, token: string, certificateFile: string, keyFile: string): string {
  return `server {
  listen ${API_SERVER.ip}:${API_SERVER.port} ssl;
  ssl_certificate ${certificateFile};
  ssl_certificate_key ${keyFile};
  location = ${path} {
    if ($http_authorization != "Bearer ${token}") { return 401 "wrong token\\n"; }
    return 200 "proxied\\n";
  }
  location / { return 404 "no such path\\n"; }
}
`;
}

describeIfRunnable('API server proxy probe e2e (stand-in API server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-e2e-apiserver-'));
  let probe: ProbePod;
  let sandbox: NetworkSandbox | undefined;
  let standIn: RunningPod | undefined;
  const token = randomBytes(24).toString('hex');
  let credentials: { good: string; wrongToken: string };
  let hostsFile: string;

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    synthesizeInto(join(dir, 'dist'), join(dir, 'certificates'));
    probe = readProbePod(loadManifests([join(dir, 'dist', STEP)]).map((doc) => doc.object));
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    rmSync(join(dir, 'certificates'), { recursive: true, force: true });

    const apiServerTls = await selfSignedCertificate({ commonName: 'kube-apiserver', organization: 'stand-in' }, [API_SERVER_HOST]);
    const runDir = join(dir, 'nginx');
    mkdirSync(runDir, { mode: 0o755 });
    writeFileSync(join(runDir, 'tls.crt'), apiServerTls.certificatePem);
    writeFileSync(join(runDir, 'tls.key'), apiServerTls.privateKeyPem, { mode: 0o600 });
    for (const file of ['', 'tls.key']) chownSync(join(runDir, file), STAND_IN_UID, STAND_IN_UID);
    writeFileSync(join(runDir, 'stand-in.conf'), standInConfig(probe.grantedPath, token, join(runDir, 'tls.crt'), join(runDir, 'tls.key')));
    writeFileSync(join(runDir, 'nginx.conf'), mainNginxConfig(runDir, [join(runDir, 'stand-in.conf')]));
    hostsFile = join(dir, 'hosts');
    writeFileSync(hostsFile, `127.0.0.1 localhost\n${KUBERNETES_SERVICE.ip} ${API_SERVER_HOST}\n`);
    // The projected volume as the kubelet writes it: root-owned, mode 0644 (projected's defaultMode).
    const volume = (name: string, tokenValue: string) => {
      const volumeDir = join(dir, name);
      mkdirSync(volumeDir, { mode: 0o755 });
      writeFileSync(join(volumeDir, 'token'), tokenValue, { mode: 0o644 });
      writeFileSync(join(volumeDir, 'ca.crt'), apiServerTls.certificatePem, { mode: 0o644 });
      writeFileSync(join(volumeDir, 'namespace'), probe.namespace, { mode: 0o644 });
      return volumeDir;
    };
    credentials = { good: volume('credentials', token), wrongToken: volume('wrong-credentials', randomBytes(24).toString('hex')) };

    sandbox = await NetworkSandbox.create('cdk8s-e2e-api', dir);
    await sandbox.forwardTcp(KUBERNETES_SERVICE, API_SERVER);
    standIn = sandbox.startPod({
      mounts: [], env: {}, identity: { uid: STAND_IN_UID, gid: STAND_IN_UID, groups: [] }, readOnlyRootFilesystem: false,
      command: ['nginx', '-p', `${runDir}/`, '-e', 'stderr', '-c', join(runDir, 'nginx.conf')],
    }, join(dir, 'nginx.log'));
    const deadline = Date.now() + 5000;
    while (!existsSync(join(runDir, 'nginx.pid'))) {
      if (standIn.hasExited || Date.now() > deadline) throw new Error(`stand-in nginx did not start:\n${readFileSync(join(dir, 'nginx.log'), 'utf8')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  afterAll(async () => {
    await sandbox?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const mounts = (credentialsDir: string): BindMount[] => [
    { source: credentialsDir, target: probe.credentialsPath, readOnly: true },
    { source: hostsFile, target: '/etc/hosts', readOnly: true },
  ];
  const runProbe = (credentialsDir: string, timeoutMs = RUN_TIMEOUT_MS): Promise<PodResult> => sandbox!.runPod({
    mounts: mounts(credentialsDir), env: {}, command: probe.command, identity: probe.identity, readOnlyRootFilesystem: probe.readOnlyRootFilesystem,
  }, timeoutMs);
  const statusOf = async (path: string, tokenValue: string): Promise<string> => {
    const result = await sandbox!.runPod({
      mounts: mounts(credentials.good), env: {}, identity: probe.identity, readOnlyRootFilesystem: true,
      command: ['curl', '--silent', '--output', '/dev/null', '--write-out', '%{http_code}', '--cacert', `${probe.credentialsPath}/ca.crt`,
        '--header', `Authorization: Bearer ${tokenValue}`, `https://${API_SERVER_HOST}${path}`],
    }, RUN_TIMEOUT_MS);
    return result.stdout;
  };

  test('the stand-in answers 200 only for the granted path with the token, so a pass below means something', async () => {
    expect(await statusOf(probe.grantedPath, token)).toBe('200');
    expect(await statusOf(probe.grantedPath, 'not-the-token')).toBe('401');
    expect(await statusOf(probe.grantedPath.replace(/:[^:/]*\/proxy\/$/, ':/proxy/'), token)).toBe('404');
  });

  test('the probe Job command, exactly as synthesized, reaches the granted path with the pod\'s token and exits 0', async () => {
    const result = await runProbe(credentials.good);
    expect({ exitCode: result.exitCode, stderr: result.stderr, stdout: result.stdout })
      .toEqual({ exitCode: 0, stderr: '', stdout: `200 https://${API_SERVER_HOST}${probe.grantedPath}\n` });
  });

  test('the probe does not succeed when its projected token is not the one the API server accepts', async () => {
    const result = await runProbe(credentials.wrongToken, REJECTION_WINDOW_MS);
    expect(result.exitCode).not.toBe(0);
  });
});

function only<T = any>(items: T[] | undefined, what: string): T {
  if (!items || items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items?.length ?? 0}`);
  return items[0];
}
