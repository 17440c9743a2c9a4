import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ApiServerProxyAccess, apiServerProxyCurlCommand, CurlProbe, CurlProbeMode, ProbeRoute, SecureNginxApp } from '../lib';
import { findObject, synthObjects, tempDir } from './support';

const store = tempDir('api-probe-store');

describe('apiServerProxyCurlCommand', () => {
  // Page 001: `curl $APISERVER/api --header "Authorization: Bearer $TOKEN"`, from a pod with the
  // token and ca.crt at /var/run/secrets/kubernetes.io/serviceaccount/ (and without --insecure).
  const [shell, flag, script] = apiServerProxyCurlCommand({
    proxyPath: '/api/v1/namespaces/kube-system/services/https:elasticsearch-logging:/proxy/_cluster/health?pretty=true', retries: 3, maxTimeSeconds: 30,
  });

  test('the docs request from a pod: bearer token read from the mounted file, ca.crt verifying the API server', () => {
    expect([shell, flag]).toEqual(['sh', '-c']);
    expect(script).toContain('--header "Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/serviceaccount/token)"');
    expect(script).toContain('--cacert /var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
    expect(script).not.toMatch(/--insecure|(^| )-k( |$)/);
    expect(script).toMatch(/^exec curl --fail /);
    expect(script.endsWith(" 'https://kubernetes.default.svc/api/v1/namespaces/kube-system/services/https:elasticsearch-logging:/proxy/_cluster/health?pretty=true'")).toBe(true);
  });
});

describe('CurlProbe through the API server proxy', () => {
  let probe!: CurlProbe;
  const objects = synthObjects((chart) => {
    const nginx = new SecureNginxApp(chart, 'Nginx', { serviceType: kplus.ServiceType.CLUSTER_IP, certificateStoreDir: store });
    probe = new CurlProbe(chart, 'Probe', {
      target: nginx.endpoint.asHttpsTarget(), mode: CurlProbeMode.JOB, route: ProbeRoute.API_SERVER_PROXY, name: 'curl-via-api-server',
    });
  });
  const job = findObject(objects, 'Job', 'curl-via-api-server');
  const pod = job.spec.template.spec;

  test('the Role allows only get on services/proxy, only for the proxied name the probe requests', () => {
    const role = findObject(objects, 'Role', 'curl-via-api-server');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['services/proxy'], resourceNames: ['https:my-nginx:https'], verbs: ['get'] }]);
    expect(probe.url).toBe('https://kubernetes.default.svc/api/v1/namespaces/default/services/https:my-nginx:https/proxy/');
    expect(pod.containers[0].command[2]).toContain(probe.url);
    expect(findObject(objects, 'RoleBinding', 'curl-via-api-server')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'curl-via-api-server' },
      subjects: [{ kind: 'ServiceAccount', name: 'curl-via-api-server', namespace: 'default' }],
    });
  });

  test('only this pod gets a token: projected, 600 s, API server audience; the ServiceAccount mounts none', () => {
    expect(findObject(objects, 'ServiceAccount', 'curl-via-api-server').automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('curl-via-api-server');
    expect(pod.volumes).toEqual([{
      name: 'api-credentials',
      projected: {
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'api-credentials', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]);
    for (const o of objects.filter((x) => x.kind === 'Deployment')) expect(o.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('a token lifetime under 600 s is rejected naming the construct and field', () => {
    const chart = Testing.chart();
    const nginx = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store });
    expect(() => new ApiServerProxyAccess(chart, 'Access', { name: 'p', namespace: 'default', target: { namespace: 'default', serviceName: nginx.name, port: 443 }, tokenExpirationSeconds: 60 }))
      .toThrow(/ApiServerProxyAccess at '.*Access' has invalid props:[\s\S]*tokenExpirationSeconds: 60 is not allowed: use an integer >= 600/);
  });
});
