import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  backendTlsPolicySpec, destinationRuleSpec, ExposedEndpoint, httpRouteSpec, legacyKongIngress, SecureNginxApp, virtualServiceSpec,
} from '../lib';
import { findObject, synthObjects, tempDir } from './support';

const store = tempDir('routes-store');
const HOST = 'my-nginx.example.com';

describe('Istio', () => {
  test('the page\'s VirtualService: host my-service, subsets v1 80 and v2 20', () => {
    const subsets = [{ name: 'v1', labels: { version: 'v1' }, weight: 80 }, { name: 'v2', labels: { version: 'v2' }, weight: 20 }];
    expect(virtualServiceSpec('my-service', subsets)).toEqual({
      hosts: ['my-service'],
      http: [{ route: [{ destination: { host: 'my-service', subset: 'v1' }, weight: 80 }, { destination: { host: 'my-service', subset: 'v2' }, weight: 20 }] }],
    });
    expect(destinationRuleSpec('my-service', subsets)).toEqual({
      host: 'my-service', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
  });

  test('weights must add up to 100, naming the construct and field', () => {
    const chart = Testing.chart();
    const endpoint = new ExposedEndpoint(chart, 'Svc', { name: 'my-service', backend: { podLabels: { app: 'a' }, containerPorts: [{ name: 'http', number: 8080 }] } });
    expect(() => endpoint.addIstioTrafficSplit({ subsets: [{ name: 'v1', labels: { version: 'v1' }, weight: 80 }, { name: 'v2', labels: { version: 'v2' }, weight: 30 }] }))
      .toThrow(/IstioTrafficSplit at '.*' has invalid props:[\s\S]*subsets: the weights add up to 110: make them add up to 100/);
  });
});

describe('Gateway API', () => {
  test('HTTPRoute spec: hostnames, PathPrefix, backendRef by Service port number, parentRef to the Gateway', () => {
    expect(httpRouteSpec({ gateway: { name: 'my-gateway' }, hostnames: [HOST], pathPrefix: '/', serviceName: 'my-nginx', servicePort: 8080 })).toEqual({
      parentRefs: [{ name: 'my-gateway' }],
      hostnames: [HOST],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'my-nginx', port: 8080 }] }],
    });
    expect(backendTlsPolicySpec({ serviceName: 'my-nginx', portName: 'https', caConfigMapName: 'my-nginx-backend-ca', hostname: 'my-nginx.default.svc' })).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'my-nginx', sectionName: 'https' }],
      validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'my-nginx-backend-ca' }], hostname: 'my-nginx.default.svc' },
    });
  });

  test('routing to the TLS port adds a BackendTLSPolicy trusting the backend certificate for NAME.NS.svc', () => {
    let pem = '';
    const objects = synthObjects((chart) => {
      const nginx = new SecureNginxApp(chart, 'Nginx', { serviceType: kplus.ServiceType.CLUSTER_IP, extraSans: [HOST], certificateStoreDir: store });
      pem = nginx.certificatePem;
      nginx.endpoint.addGatewayRoute({ hostnames: [HOST], gateway: { name: 'gw' }, listener: { gatewayClassName: 'example', tls: nginx.backend.tls! }, port: 'https' });
    });
    expect(findObject(objects, 'HTTPRoute', 'my-nginx').spec.rules[0].backendRefs).toEqual([{ name: 'my-nginx', port: 443 }]);
    expect(findObject(objects, 'ConfigMap', 'my-nginx-backend-ca').data['ca.crt']).toBe(pem);
    expect(findObject(objects, 'BackendTLSPolicy', 'my-nginx-backend-tls').spec.validation.hostname).toBe('my-nginx.default.svc');
    expect(findObject(objects, 'Gateway', 'gw').spec.listeners[0]).toMatchObject({
      protocol: 'HTTPS', port: 443, hostname: HOST, tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'my-nginx-tls' }] },
    });
  });

  test('a listener certificate that does not cover the hostnames is rejected', () => {
    const chart = Testing.chart();
    const nginx = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store });
    expect(() => nginx.endpoint.addGatewayRoute({ hostnames: ['shop.example.com'], gateway: { name: 'gw' }, listener: { gatewayClassName: 'example', tls: nginx.backend.tls! } }))
      .toThrow(/GatewayRoute at '.*' has invalid props:[\s\S]*listener.tls: the certificate in Secret my-nginx-tls does not cover shop.example.com/);
  });
});

describe('Kong', () => {
  test('the page\'s legacy KongIngress, reproducible on request', () => {
    // Page 004: apiVersion configuration.konghq.com/v1, kind KongIngress, name example-kong-ingress, proxy.path /example.
    expect(legacyKongIngress({ name: 'example-kong-ingress' }, '/example')).toEqual({
      apiVersion: 'configuration.konghq.com/v1', kind: 'KongIngress', metadata: { name: 'example-kong-ingress' }, proxy: { path: '/example' },
    });
  });

  test('current Kong: an Ingress of class kong with strip-path and plugins, Service annotations for the upstream', () => {
    const objects = synthObjects((chart) => {
      const nginx = new SecureNginxApp(chart, 'Nginx', { serviceType: kplus.ServiceType.CLUSTER_IP, extraSans: [HOST], certificateStoreDir: store });
      nginx.endpoint.addKongRoute({
        host: HOST, path: '/example', port: 'https', upstreamPath: '/app', plugins: [{ name: 'limit', plugin: 'rate-limiting', config: { minute: 5 } }],
      });
    });
    const ingress = findObject(objects, 'Ingress', 'my-nginx-kong');
    expect(ingress.spec.ingressClassName).toBe('kong');
    expect(ingress.metadata.annotations).toEqual({ 'konghq.com/strip-path': 'true', 'konghq.com/plugins': 'limit' });
    expect(ingress.spec.rules[0].http.paths[0]).toEqual({ path: '/example', pathType: 'Prefix', backend: { service: { name: 'my-nginx', port: { name: 'https' } } } });
    expect(findObject(objects, 'Service', 'my-nginx').metadata.annotations).toEqual({ 'konghq.com/protocol': 'https', 'konghq.com/path': '/app' });
    expect(findObject(objects, 'KongPlugin', 'limit')).toMatchObject({ apiVersion: 'configuration.konghq.com/v1', plugin: 'rate-limiting', config: { minute: 5 } });
  });

  test('the legacy form binds the KongIngress with konghq.com/override instead of konghq.com/path', () => {
    const objects = synthObjects((chart) => {
      const nginx = new SecureNginxApp(chart, 'Nginx', { serviceType: kplus.ServiceType.CLUSTER_IP, extraSans: [HOST], certificateStoreDir: store });
      nginx.endpoint.addKongRoute({ host: HOST, upstreamPath: '/example', legacyKongIngress: true });
    });
    expect(findObject(objects, 'Service', 'my-nginx').metadata.annotations).toEqual({ 'konghq.com/override': 'my-nginx-kong-ingress' });
    expect(findObject(objects, 'KongIngress', 'my-nginx-kong-ingress').proxy).toEqual({ path: '/example' });
  });
});
