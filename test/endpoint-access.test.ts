import * as kplus from 'cdk8s-plus-28';
import { describeEndpointAccess, renderAccessMarkdown } from '../lib';

const NGINX = {
  serviceName: 'my-nginx', namespace: 'default', type: kplus.ServiceType.NODE_PORT, caFile: '/etc/nginx/ssl/tls.crt',
  ports: [{ name: 'http', port: 8080, tls: false }, { name: 'https', port: 443, tls: true, nodePort: 30443 }],
};

describe('describeEndpointAccess', () => {
  const access = describeEndpointAccess(NGINX);

  test('DNS names and the kubelet variables', () => {
    expect(access.dnsNames).toEqual(['my-nginx', 'my-nginx.default', 'my-nginx.default.svc', 'my-nginx.default.svc.cluster.local']);
    const names = access.envVars.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['MY_NGINX_SERVICE_HOST', 'MY_NGINX_SERVICE_PORT', 'MY_NGINX_SERVICE_PORT_HTTP', 'MY_NGINX_SERVICE_PORT_HTTPS']));
  });

  test('per port: the tutorial curl check, proxy paths (https: prefix for TLS), node addresses', () => {
    const [http, https] = access.ports;
    expect(https.curlCommand).toBe('curl https://my-nginx/ --cacert /etc/nginx/ssl/tls.crt');
    expect(https.apiServerProxyPath).toBe('/api/v1/namespaces/default/services/https:my-nginx:https/proxy/');
    expect(https.kubectlProxyUrl).toBe('http://localhost:8001/api/v1/namespaces/default/services/https:my-nginx:https/proxy/');
    expect(https.nodeAddress).toBe('<node-ip>:30443');
    expect(http.curlCommand).toBe('curl http://my-nginx:8080/');
    expect(http.apiServerProxyPath).toBe('/api/v1/namespaces/default/services/my-nginx:http/proxy/');
    expect(http.nodeAddress).toBe(`<node-ip>:$(kubectl get svc my-nginx -n default -o jsonpath='{.spec.ports[?(@.name=="http")].nodePort}')`);
  });

  test('ClusterIP has no node addresses; ExternalName has no variables; LoadBalancer tells how to find its address', () => {
    expect(describeEndpointAccess({ ...NGINX, type: kplus.ServiceType.CLUSTER_IP }).ports.every((p) => p.nodeAddress === undefined)).toBe(true);
    const alias = describeEndpointAccess({ serviceName: 'my-service', namespace: 'default', type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'my.database.example.com', ports: [] });
    expect(alias.envVars).toEqual([]);
    expect(alias.externalName).toBe('my.database.example.com');
    expect(describeEndpointAccess({ ...NGINX, type: kplus.ServiceType.LOAD_BALANCER }).loadBalancerAddressCommand)
      .toBe("kubectl get svc my-nginx -n default -o jsonpath='{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}'");
  });

  test('the Markdown lists it all, with the ordering caveat of env vars and the admitted peers', () => {
    const networkPolicy = { name: 'my-nginx-allow-curl', rules: [{ peers: [{ text: 'pods app=curlpod in this namespace' }], targetPorts: ['http', 'https'] }] };
    const md = renderAccessMarkdown('Access', [describeEndpointAccess({
      ...NGINX, ports: NGINX.ports.map((p) => ({ ...p, targetPort: p.name })), networkPolicy,
    })]);
    expect(md).toContain('## Service `my-nginx` (NodePort, namespace `default`)');
    expect(md).toContain('- `my-nginx.default.svc.cluster.local`');
    expect(md).toContain('MY_NGINX_SERVICE_PORT_HTTPS=443');
    expect(md).toContain('created **after** this Service exists');
    expect(md).toContain('`curl https://my-nginx/ --cacert /etc/nginx/ssl/tls.crt`');
    expect(md).toContain('`http://localhost:8001/api/v1/namespaces/default/services/https:my-nginx:https/proxy/`');
    expect(md).toContain('- pods app=curlpod in this namespace (ports http, https)');
    expect(md).toContain('`curl https://my-nginx/ --cacert /etc/nginx/ssl/tls.crt` — allowed only from pods app=curlpod in this namespace');
    expect(md).toMatch(/API server proxy: `[^`]+` — \*\*refused by NetworkPolicy `my-nginx-allow-curl`: the API server connects from its own address/);
    expect(md).toMatch(/from outside, on any node: `https:\/\/<node-ip>:30443\/` — \*\*refused by NetworkPolicy `my-nginx-allow-curl`/);
  });

  test('without a NetworkPolicy no route is marked; a policy admitting nobody on a port refuses pods too', () => {
    expect(access.ports.every((p) => p.admission === undefined)).toBe(true);
    const networkPolicy = { name: 'p', rules: [{ peers: [{ text: 'pods app=a in this namespace' }], targetPorts: ['http'] }] };
    const [http, https] = describeEndpointAccess({ ...NGINX, ports: NGINX.ports.map((p) => ({ ...p, targetPort: p.name })), networkPolicy }).ports;
    expect(http.admission?.fromPods.allowed).toBe(true);
    expect(https.admission?.fromPods).toEqual({ allowed: false, detail: 'refused by NetworkPolicy `p`: it admits no pod on this port' });
  });
});
