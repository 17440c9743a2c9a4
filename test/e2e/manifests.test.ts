// Unit tests of the e2e test's pure parts: reading manifests, security contexts, nginx configs, and pod entrypoint scripts.
import { parseManifests, readTlsServingApp, withSecretData, withServerPod } from './manifests';
import { listenPorts, mainNginxConfig, routesByScheme, siteConfigs } from './nginx-config';
import { effectiveSecurityContext, processIdentity } from './pod-security';
import { podEntrypointScript } from './sandbox';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const octal = (mode: number) => mode.toString(8);

const MANIFESTS = `
apiVersion: v1
kind: Secret
metadata: { name: tls, namespace: web }
type: kubernetes.io/tls
data: { tls.crt: ${b64('CERT')}, tls.key: ${b64('KEY')} }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: conf, namespace: web }
data:
  default.conf: "server { listen 8080; listen [::]:8443 ssl; root /srv/html; }"
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: web }
spec:
  template:
    metadata: { labels: { run: web, tier: front } }
    spec:
      securityContext: { runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true, fsGroup: 2000 }
      volumes:
        - { name: certs, secret: { secretName: tls, defaultMode: 256 } }
        - { name: conf, configMap: { name: conf } }
        - { name: tmp, emptyDir: {} }
      containers:
        - name: sidecar
          ports: [{ name: metrics, containerPort: 9100 }]
        - name: nginx
          securityContext: { runAsUser: 101, readOnlyRootFilesystem: true }
          ports: [{ name: http, containerPort: 8080 }, { name: https, containerPort: 8443 }]
          volumeMounts:
            - { name: certs, mountPath: /etc/nginx/ssl, readOnly: true }
            - { name: conf, mountPath: /etc/nginx/conf.d }
            - { name: tmp, mountPath: /tmp }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: web }
spec:
  selector: { run: web }
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: https, port: 443, targetPort: 8443 }
---
apiVersion: batch/v1
kind: Job
metadata: { name: probe, namespace: web }
spec:
  template:
    spec:
      volumes: [{ name: ca, secret: { secretName: tls, items: [{ key: tls.crt, path: ca/bundle.pem, mode: 256 }] } }]
      containers:
        - name: curl
          command: [sh, -c]
          args: ["curl --cacert /ca/ca/bundle.pem https://web/"]
          env: [{ name: SSL_CERT_DIR, value: /nowhere }]
          volumeMounts: [{ name: ca, mountPath: /ca }]
`;

describe('readTlsServingApp', () => {
  const app = readTlsServingApp(parseManifests([MANIFESTS]));

  test('names the Service as cluster DNS does, in its namespace', () => {
    expect(app.service.dnsNames).toEqual(['web', 'web.web', 'web.web.svc', 'web.web.svc.cluster.local']);
  });

  test('resolves named and numeric targetPorts against the container that declares them', () => {
    expect(app.service.routes).toEqual([
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ]);
    expect(app.server.id).toBe('Deployment/web/nginx');
  });

  test('projects Secret and ConfigMap keys as read-only files, with group and modes as the fsGroup change leaves them', () => {
    expect(app.server.mounts.map(({ mountPath, readOnly, source, gid, directoryMode, files }) => ({
      mountPath,
      readOnly,
      source,
      gid,
      directoryMode: octal(directoryMode),
      files: files.map((f) => [f.path, f.content.toString(), octal(f.mode)]),
    }))).toEqual([
      // defaultMode 0400: the kubelet adds group read for the fsGroup.
      { mountPath: '/etc/nginx/ssl', readOnly: true, source: 'Secret/tls', gid: 2000, directoryMode: '2777', files: [['tls.crt', 'CERT', '440'], ['tls.key', 'KEY', '440']] },
      { mountPath: '/etc/nginx/conf.d', readOnly: true, source: 'ConfigMap/conf', gid: 2000, directoryMode: '2777', files: [['default.conf', expect.any(String), '644']] },
      { mountPath: '/tmp', readOnly: false, source: 'emptyDir', gid: 2000, directoryMode: '2777', files: [] },
    ]);
  });

  test('without an fsGroup, volume files keep their mode and group root', () => {
    const withoutFsGroup = readTlsServingApp(
      withServerPod(parseManifests([MANIFESTS]), (pod) => {
        delete pod.securityContext?.fsGroup;
      }),
    );
    expect(withoutFsGroup.server.mounts.map((m) => [m.gid, octal(m.directoryMode), ...m.files.map((f) => octal(f.mode))])).toEqual([
      [0, '777', '400', '400'],
      [0, '777', '644'],
      [0, '777'],
    ]);
  });

  test('takes the container securityContext over the pod one, and fsGroup from the pod', () => {
    expect(app.server.security).toEqual({
      runAsUser: 101,
      runAsGroup: 3000,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      fsGroup: 2000,
      supplementalGroups: [],
    });
    expect(processIdentity(app.server.security, app.server.id)).toEqual({ uid: 101, gid: 3000, groups: [2000] });
  });

  test('finds the probe Job by its curl URL, honouring items, and keeps command + args as written', () => {
    expect(app.tlsSecret).toEqual({ name: 'tls', certificatePem: 'CERT' });
    expect(app.probes).toHaveLength(1);
    expect(app.probes[0].namespace).toBe('web');
    expect(app.probes[0].command).toEqual(['sh', '-c', 'curl --cacert /ca/ca/bundle.pem https://web/']);
    expect(app.probes[0].env).toEqual({ SSL_CERT_DIR: '/nowhere' });
    expect(app.probes[0].mounts[0].files.map((f) => [f.path, f.content.toString(), octal(f.mode)])).toEqual([
      ['ca/bundle.pem', 'CERT', '400'],
    ]);
    expect(octal(app.probes[0].mounts[0].subdirectoryMode)).toBe('755');
  });

  test('withSecretData replaces the served certificate everywhere the Secret is mounted', () => {
    const replaced = readTlsServingApp(withSecretData(parseManifests([MANIFESTS]), 'tls', { 'tls.crt': 'OTHER' }));
    expect(replaced.tlsSecret.certificatePem).toBe('OTHER');
    expect(replaced.probes[0].mounts[0].files[0].content.toString()).toBe('OTHER');
    expect(replaced.server.mounts[0].files.map((f) => f.content.toString())).toEqual(['OTHER', 'KEY']);
  });

  test('says which object is missing or ambiguous', () => {
    const withoutJob = MANIFESTS.slice(0, MANIFESTS.indexOf('apiVersion: batch/v1'));
    expect(() => readTlsServingApp(parseManifests([withoutJob]))).toThrow(/expected at least one Job running curl against .*web\\.web\\.svc.* \(the curl probe\), found 0/);
    const secondService = 'apiVersion: v1\nkind: Service\nmetadata: { name: web2, namespace: web }\nspec: { selector: { tier: front }, ports: [{ port: 443, targetPort: 8443 }] }';
    expect(() => readTlsServingApp(parseManifests([MANIFESTS, secondService]))).toThrow(
      'expected exactly one Service forwarding to a container that mounts a kubernetes.io/tls Secret, found 2: web, web2',
    );
    // A metrics Service selects the same pods, but forwards to the sidecar, which mounts no Secret.
    const metricsService = 'apiVersion: v1\nkind: Service\nmetadata: { name: web-metrics, namespace: web }\nspec: { selector: { run: web }, ports: [{ port: 9100, targetPort: metrics }] }';
    expect(readTlsServingApp(parseManifests([MANIFESTS, metricsService])).service.name).toBe('web');
    const unrelatedService = 'apiVersion: v1\nkind: Service\nmetadata: { name: db, namespace: web }\nspec: { selector: { run: db } }';
    expect(readTlsServingApp(parseManifests([MANIFESTS, unrelatedService])).service.name).toBe('web');
  });
});

describe('processIdentity', () => {
  test('refuses uid 0 under runAsNonRoot, as the kubelet does', () => {
    const rootUser = effectiveSecurityContext({ runAsNonRoot: true, runAsGroup: 0 }, { runAsUser: 0 });
    expect(() => processIdentity(rootUser, 'Deployment/web/nginx')).toThrow(
      "Deployment/web/nginx: container's runAsUser breaks non-root policy",
    );
  });

  test("refuses to guess the image's user", () => {
    expect(() => processIdentity(effectiveSecurityContext({ runAsGroup: 101 }), 'Job/probe/curl')).toThrow(/runAsUser and runAsGroup must both be set/);
  });
});

describe('nginx config', () => {
  test('reads listen ports and which are ssl', () => {
    const config = `server {
      listen 80 default_server; # listen 9999;
      listen [::]:80 ipv6only=on;
      listen 127.0.0.1:443 ssl http2;
      listen localhost;
      listen unix:/run/nginx.sock;
    }`;
    expect(listenPorts(config)).toEqual([{ port: 80, ssl: false }, { port: 443, ssl: true }]);
  });

  test('tells the https route from the http route by the ssl flag of the port it reaches', () => {
    const routes = [{ port: 443, targetPort: 8443 }, { port: 8080, targetPort: 8080 }];
    expect(routesByScheme(routes, [{ port: 8080, ssl: false }, { port: 8443, ssl: true }])).toEqual({
      https: routes[0],
      http: routes[1],
    });
  });

  test('the main config includes the site configs from their mount directory and writes only to its run dir', () => {
    const app = readTlsServingApp(parseManifests([MANIFESTS]));
    expect(siteConfigs(app.server).map((site) => `${site.directory}/${site.fileName}`)).toEqual(['/etc/nginx/conf.d/default.conf']);
    const main = mainNginxConfig('/run/x', ['/etc/nginx/conf.d/*.conf']);
    expect(main).toContain('include /etc/nginx/conf.d/*.conf;');
    const paths = [...main.matchAll(/(?:pid|_path|access_log)\s+(\S+);/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((path) => path.startsWith('/run/x/'))).toBe(true);
  });
});

describe('podEntrypointScript', () => {
  const onHost = new Set(['/', '/etc', '/etc/nginx', '/etc/hosts', '/tmp']);
  const exists = (path: string) => onHost.has(path);

  test('overlays the nearest existing ancestor of missing mount points, once, before binding', () => {
    const script = podEntrypointScript(
      {
        mounts: [
          { source: '/s/ssl', target: '/etc/nginx/ssl', readOnly: true },
          { source: '/s/conf', target: '/etc/nginx/conf.d', readOnly: true },
          { source: '/s/hosts', target: '/etc/hosts', readOnly: true },
          { source: '/s/tmp', target: '/tmp', readOnly: false },
        ],
        identity: { uid: 101, gid: 101, groups: [2000] },
        readOnlyRootFilesystem: true,
      },
      '/scratch',
      exists,
    );
    expect(script.split('\n')).toEqual([
      'set -eu',
      "mount -t tmpfs pod-scratch '/scratch'",
      "mkdir -p '/scratch/0/upper' '/scratch/0/work'",
      "mount -t overlay pod-overlay -o 'lowerdir=/etc/nginx,upperdir=/scratch/0/upper,workdir=/scratch/0/work' '/etc/nginx'",
      "mount --bind '/s/hosts' '/etc/hosts'",
      "mount -o remount,bind,ro '/etc/hosts'",
      "mkdir -p '/etc/nginx/conf.d'",
      "mount --bind '/s/conf' '/etc/nginx/conf.d'",
      "mount -o remount,bind,ro '/etc/nginx/conf.d'",
      "mkdir -p '/etc/nginx/ssl'",
      "mount --bind '/s/ssl' '/etc/nginx/ssl'",
      "mount -o remount,bind,ro '/etc/nginx/ssl'",
      "mount --bind '/s/tmp' '/tmp'",
      "mount -o remount,bind,ro '/'",
      "mount -o remount,bind,ro '/etc/nginx'",
      'exec setpriv --reuid=101 --regid=101 --groups=2000 --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"',
    ]);
  });

  test('leaves the root filesystem writable unless asked, and clears supplementary groups when there are none', () => {
    const script = podEntrypointScript({ mounts: [], identity: { uid: 0, gid: 0, groups: [] }, readOnlyRootFilesystem: false }, '/scratch', exists);
    expect(script.split('\n')).toEqual([
      'set -eu',
      'exec setpriv --reuid=0 --regid=0 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"',
    ]);
  });

  test('refuses mount points that would need a new directory in /', () => {
    const pod = { mounts: [{ source: '/s', target: '/certs', readOnly: true }], identity: { uid: 0, gid: 0, groups: [] }, readOnlyRootFilesystem: false };
    expect(() => podEntrypointScript(pod, '/scratch', exists)).toThrow(/directly under \//);
  });
});
