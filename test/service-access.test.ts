import {
  apiServerProxyPath,
  kubectlProxyUrl,
  serviceDnsNames,
  serviceEnvVarPrefix,
  UrlScheme,
  serviceEnvVars,
} from '../lib/service-access';

describe('serviceDnsNames', () => {
  test('the four names cluster DNS answers, as in the docs', () => {
    expect(serviceDnsNames('my-service', 'default')).toEqual([
      'my-service', 'my-service.default', 'my-service.default.svc', 'my-service.default.svc.cluster.local',
    ]);
    expect(serviceDnsNames('web', 'shop', 'corp.internal')[3]).toBe('web.shop.svc.corp.internal');
  });
});

describe('serviceEnvVars', () => {
  test('the docs example: my-nginx with one unnamed port 80', () => {
    const vars = Object.fromEntries(serviceEnvVars('my-nginx', [{ port: 80 }], '10.0.162.149').map((v) => [v.name, v.value]));
    expect(vars.MY_NGINX_SERVICE_HOST).toBe('10.0.162.149');
    expect(vars.MY_NGINX_SERVICE_PORT).toBe('80');
    expect(vars.MY_NGINX_PORT).toBe('tcp://10.0.162.149:80');
    expect(vars.MY_NGINX_PORT_80_TCP_ADDR).toBe('10.0.162.149');
    expect(vars.MY_NGINX_PORT_80_TCP_PROTO).toBe('tcp');
  });

  test('named ports get _SERVICE_PORT_<NAME>, like KUBERNETES_SERVICE_PORT_HTTPS', () => {
    const names = serviceEnvVars('kubernetes', [{ name: 'https', port: 443 }]).map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KUBERNETES_SERVICE_PORT_HTTPS']));
    const both = serviceEnvVars('my-nginx', [{ name: 'http', port: 8080 }, { name: 'https-alt', port: 443 }]);
    expect(both.find((v) => v.name === 'MY_NGINX_SERVICE_PORT')?.value).toBe('8080');
    expect(both.find((v) => v.name === 'MY_NGINX_SERVICE_PORT_HTTPS_ALT')?.value).toBe('443');
  });

  test('no ports, no variables; prefix upper-cases and turns dashes into underscores', () => {
    expect(serviceEnvVars('db', [])).toEqual([]);
    expect(serviceEnvVarPrefix('my-long-name')).toBe('MY_LONG_NAME');
  });
});

describe('apiServerProxyPath', () => {
  const base = { namespace: 'kube-system', serviceName: 'elasticsearch-logging' };

  test('the docs examples', () => {
    expect(apiServerProxyPath({ ...base, path: '_search?q=user:kimchy' }))
      .toBe('/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy/_search?q=user:kimchy');
    expect(apiServerProxyPath({ ...base, scheme: UrlScheme.HTTPS, path: '_cluster/health?pretty=true' }))
      .toBe('/api/v1/namespaces/kube-system/services/https:elasticsearch-logging:/proxy/_cluster/health?pretty=true');
    expect(apiServerProxyPath(base)).toBe('/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy/');
  });

  test('port by name or number, over http or https', () => {
    expect(apiServerProxyPath({ namespace: 'default', serviceName: 'my-nginx', port: 'http' }))
      .toBe('/api/v1/namespaces/default/services/my-nginx:http/proxy/');
    expect(apiServerProxyPath({ namespace: 'default', serviceName: 'my-nginx', port: 443, scheme: UrlScheme.HTTPS }))
      .toBe('/api/v1/namespaces/default/services/https:my-nginx:443/proxy/');
    expect(apiServerProxyPath({ namespace: 'default', serviceName: 'my-nginx', path: '/index.html' }))
      .toBe('/api/v1/namespaces/default/services/my-nginx/proxy/index.html');
  });

  test('through kubectl proxy', () => {
    const p = apiServerProxyPath({ ...base });
    expect(kubectlProxyUrl(p)).toBe('http://localhost:8001/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy/');
    expect(kubectlProxyUrl(p, 8080)).toBe('http://localhost:8080/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy/');
  });
});
