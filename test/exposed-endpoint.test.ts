import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  CertificateSource, CertManagerAuthority, CurlProbe, CurlProbeMode, EndpointBackend, ExposedEndpoint, ExposedEndpointProps, SecureNginxApp, serviceDnsNames, ServingCertificate,
} from '../lib';
import { dnsNameMatches, networkPolicyRule } from '../lib/exposed-endpoint';
import { findObject, synthObjects, tempDir } from './support';

const store = tempDir('endpoint-store');
const BACKEND: EndpointBackend = {
  podLabels: { app: 'MyApp' },
  containerPorts: [{ name: 'web', number: 9376 }, { name: 'metrics', number: 9090 }],
};

function endpointObjects(props: ExposedEndpointProps, more?: (e: ExposedEndpoint) => void): any[] {
  return synthObjects((chart) => {
    const endpoint = new ExposedEndpoint(chart, 'Endpoint', props);
    more?.(endpoint);
  });
}

describe('ExposedEndpoint Service types (the docs examples)', () => {
  test('ClusterIP is the default: selector and a numeric targetPort', () => {
    const service = findObject(endpointObjects({ name: 'my-service', backend: BACKEND, ports: [{ port: 80, targetPort: 9376 }] }), 'Service', 'my-service');
    expect(service.spec).toEqual({ type: 'ClusterIP', selector: { app: 'MyApp' }, ports: [{ port: 80, targetPort: 9376, protocol: 'TCP' }] });
  });

  test('NodePort with the fixed nodePort 30007', () => {
    const service = findObject(endpointObjects({
      name: 'my-service', type: kplus.ServiceType.NODE_PORT, backend: BACKEND, ports: [{ port: 80, targetPort: 9376, nodePort: 30007 }],
    }), 'Service', 'my-service');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports).toEqual([{ port: 80, targetPort: 9376, nodePort: 30007, protocol: 'TCP' }]);
  });

  test('LoadBalancer, and a NodePort the cluster picks', () => {
    const service = findObject(endpointObjects({
      name: 'my-service', type: kplus.ServiceType.LOAD_BALANCER, backend: BACKEND, ports: [{ port: 80, targetPort: 9376 }],
    }), 'Service', 'my-service');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports[0].nodePort).toBeUndefined();
  });

  test('ExternalName: a CNAME, no selector, no ports', () => {
    const service = findObject(endpointObjects({
      name: 'my-service', type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'my.database.example.com',
    }), 'Service', 'my-service');
    expect(service.spec).toEqual({ type: 'ExternalName', externalName: 'my.database.example.com' });
  });

  test('default ports: one per named container port, targeted by name', () => {
    const service = findObject(endpointObjects({ name: 'svc', backend: BACKEND }), 'Service', 'svc');
    expect(service.spec.ports).toEqual([
      { name: 'web', port: 9376, targetPort: 'web', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(service.metadata.labels).toEqual({ app: 'MyApp' });
  });

  test('backendOf a cdk8s-plus Deployment selects its pods and knows its ports', () => {
    const objects = synthObjects((chart) => {
      const deployment = new kplus.Deployment(chart, 'Web', { containers: [{ image: 'nginx', ports: [{ name: 'http', number: 8080 }] }] });
      new ExposedEndpoint(chart, 'Endpoint', { name: 'web', backend: ExposedEndpoint.backendOf(deployment) });
    });
    const service = findObject(objects, 'Service', 'web');
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
  });
});

describe('ExposedEndpoint.addIngress', () => {
  test('the docs example: host, path / with pathType Prefix, backend service port', () => {
    const objects = endpointObjects({ name: 'my-service', backend: BACKEND, ports: [{ port: 80, targetPort: 9376 }] },
      (e) => e.addIngress({ host: 'example.com', name: 'example-ingress' }));
    expect(findObject(objects, 'Ingress', 'example-ingress').spec).toEqual({
      rules: [{ host: 'example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'my-service', port: { number: 80 } } } }] } }],
    });
  });

  test('TLS termination with a Secret whose certificate covers the host, class and named port', () => {
    let app!: SecureNginxApp;
    const objects = synthObjects((chart) => {
      app = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store, extraSans: ['*.example.com'] });
      app.endpoint.addIngress({ host: 'shop.example.com', path: '/shop', className: 'nginx', tls: app.backend.tls });
    });
    const ingress = findObject(objects, 'Ingress', 'my-nginx');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'my-nginx-tls' }]);
    expect(ingress.spec.rules[0].http.paths[0]).toEqual({ path: '/shop', pathType: 'Prefix', backend: { service: { name: 'my-nginx', port: { name: 'http' } } } });
    expect(app.endpoint.access.ingressUrl).toBe('https://shop.example.com/shop');
  });

  test('refuses a TLS host the certificate does not cover, naming the field', () => {
    const chart = Testing.chart();
    const app = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store });
    expect(() => app.endpoint.addIngress({ host: 'shop.example.com', tls: app.backend.tls }))
      .toThrow(/ExposedEndpoint at '.*Nginx\/Endpoint'[\s\S]*addIngress.tls: the certificate in Secret my-nginx-tls does not cover host shop.example.com/);
  });

  test('refuses a port the Service does not have', () => {
    const e = new ExposedEndpoint(Testing.chart(), 'E', { name: 'svc', backend: BACKEND });
    expect(() => e.addIngress({ host: 'a.example.com', port: 'admin' })).toThrow(/addIngress.port: "admin" is not a port of Service svc: use one of web, metrics/);
  });
});

describe('ExposedEndpoint.allowFrom', () => {
  test('the docs example: only app: frontend may reach app: backend', () => {
    expect(networkPolicyRule([{ podLabels: { app: 'frontend' } }], [])).toEqual({ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }] });
  });

  test('limits the admitted peers to the target ports; namespace peers combine both selectors', () => {
    const objects = endpointObjects({ name: 'backend', backend: { podLabels: { app: 'backend' }, containerPorts: [{ name: 'http', number: 8080 }] } },
      (e) => e.allowFrom([{ podLabels: { app: 'frontend' } }, { podLabels: { app: 'prometheus' }, namespaceLabels: { team: 'ops' } }]));
    const policy = findObject(objects, 'NetworkPolicy', 'backend-allow-listed');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'backend' } });
    expect(policy.spec.ingress).toEqual([{
      from: [
        { podSelector: { matchLabels: { app: 'frontend' } } },
        { podSelector: { matchLabels: { app: 'prometheus' } }, namespaceSelector: { matchLabels: { team: 'ops' } } },
      ],
      ports: [{ port: 'http', protocol: 'TCP' }],
    }]);
  });

  test('refuses no peers, a peer that selects everything, and an ipBlock mixed with selectors or malformed', () => {
    const e = new ExposedEndpoint(Testing.chart(), 'E', { name: 'svc', backend: BACKEND });
    expect(() => e.allowFrom([])).toThrow(/allowFrom.peers: no peers/);
    expect(() => e.allowFrom([{}])).toThrow(/allowFrom.peers\[0\]: selects every pod/);
    expect(() => e.allowFrom([{ ipBlock: '10.0.0.0/8', podLabels: { a: 'b' } }])).toThrow(/allowFrom.peers\[0\]: ipBlock cannot be combined with podLabels/);
    expect(() => e.allowFrom([{ ipBlock: '10.0.0.0/33' }])).toThrow(/allowFrom.peers\[0\].ipBlock: "10.0.0.0\/33" is not a CIDR/);
    expect(() => e.allowFrom([{ podLabels: { a: 'b' }, ipBlockExcept: ['10.0.0.0/8'] }])).toThrow(/allowFrom.peers\[0\].ipBlockExcept: only applies with ipBlock/);
  });
});

describe('ExposedEndpoint NetworkPolicy: the ingress controller, external traffic, extra ports', () => {
  const backend = { podLabels: { app: 'web' }, containerPorts: [{ name: 'http', number: 8080 }, { name: 'metrics', number: 9113 }] };
  const policyOf = (build: (e: ExposedEndpoint) => void) => findObject(endpointObjects({
    name: 'web', type: kplus.ServiceType.NODE_PORT, backend, ports: [{ name: 'http', port: 80, targetPort: 'http' }],
  }, build), 'NetworkPolicy', 'web-allow-listed');
  const FRONTEND = { podSelector: { matchLabels: { app: 'frontend' } } };
  const INGRESS_NGINX = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };

  test('addIngress admits the ingress controller on the backend port, whether called before or after allowFrom', () => {
    const expected = [
      { from: [FRONTEND], ports: [{ port: 'http', protocol: 'TCP' }] },
      { from: [INGRESS_NGINX], ports: [{ port: 'http', protocol: 'TCP' }] },
    ];
    expect(policyOf((e) => { e.addIngress({ host: 'web.example.com' }); e.allowFrom([{ podLabels: { app: 'frontend' } }]); }).spec.ingress).toEqual(expected);
    expect(policyOf((e) => { e.allowFrom([{ podLabels: { app: 'frontend' } }]); e.addIngress({ host: 'web.example.com' }); }).spec.ingress).toEqual(expected);
  });

  test('the controller is configurable', () => {
    const policy = policyOf((e) => {
      e.allowFrom([{ podLabels: { app: 'frontend' } }]);
      e.addIngress({ host: 'web.example.com', controller: { namespaceLabels: { 'kubernetes.io/metadata.name': 'traefik' }, podLabels: { 'app.kubernetes.io/name': 'traefik' } } });
    });
    expect(policy.spec.ingress[1].from).toEqual([{
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
    }]);
  });

  test('allowExternalTraffic admits every address on the Service target ports; allowPeersOnPort one more port', () => {
    const policy = policyOf((e) => {
      e.allowExternalTraffic();
      e.allowPeersOnPort([{ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }], 'metrics');
      e.allowFrom([{ podLabels: { app: 'frontend' } }]);
    });
    expect(policy.spec.ingress).toEqual([
      { from: [FRONTEND], ports: [{ port: 'http', protocol: 'TCP' }] },
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ port: 'http', protocol: 'TCP' }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'metrics', protocol: 'TCP' }] },
    ]);
  });

  test('without allowFrom nothing is isolated: no NetworkPolicy at all', () => {
    const objects = endpointObjects({ name: 'web', backend, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }, (e) => {
      e.addIngress({ host: 'web.example.com' });
      e.allowExternalTraffic();
    });
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('allowPeersOnPort refuses a port the backend does not declare', () => {
    const e = new ExposedEndpoint(Testing.chart(), 'E', { name: 'svc', backend });
    expect(() => e.allowPeersOnPort([{ podLabels: { app: 'prometheus' } }], 'admin')).toThrow(/allowPeersOnPort.port: admin is not a container port of the backend/);
  });

  test('the access map marks each route allowed or refused by the policy', () => {
    const chart = Testing.chart();
    const e = new ExposedEndpoint(chart, 'E', { name: 'web', type: kplus.ServiceType.NODE_PORT, backend, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    e.allowFrom([{ podLabels: { app: 'frontend' } }]);
    e.addIngress({ host: 'web.example.com' });
    const before = e.access;
    expect(before.ports[0].admission?.fromPods).toEqual({
      allowed: true, detail: 'allowed only from pods app=frontend in this namespace; any pod in namespaces kubernetes.io/metadata.name=ingress-nginx',
    });
    expect(before.ports[0].admission?.fromApiServer.allowed).toBe(false);
    expect(before.ports[0].admission?.fromOutside?.allowed).toBe(false);
    expect(before.ingressAdmission?.allowed).toBe(true);
    e.allowExternalTraffic();
    expect(e.access.ports[0].admission?.fromApiServer).toEqual({ allowed: true, detail: "allowed if the API server's address is in 0.0.0.0/0, ::/0" });
    expect(e.access.ports[0].admission?.fromOutside).toEqual({ allowed: true, detail: 'allowed from addresses 0.0.0.0/0, ::/0' });
  });

  test('every object the endpoint makes carries the common labels and annotations', () => {
    const objects = endpointObjects({
      name: 'web', backend, ports: [{ name: 'http', port: 80, targetPort: 'http' }], commonLabels: { team: 'shop' }, commonAnnotations: { owner: 'shop@example.com' },
    }, (e) => { e.allowFrom([{ podLabels: { app: 'frontend' } }]); e.addIngress({ host: 'web.example.com' }); e.addDebugService('debug', 'true'); });
    expect(objects.map((o) => o.kind).sort()).toEqual(['Ingress', 'NetworkPolicy', 'Service', 'Service']);
    for (const o of objects) expect(o.metadata).toMatchObject({ labels: { team: 'shop' }, annotations: { owner: 'shop@example.com' } });
  });
});

describe('ExposedEndpoint.addDebugService', () => {
  test('selects the backend labels plus the label you put on one pod', () => {
    const objects = endpointObjects({ name: 'my-nginx', type: kplus.ServiceType.NODE_PORT, backend: BACKEND, ports: [{ name: 'web', port: 80, targetPort: 'web', nodePort: 30080 }] },
      (e) => e.addDebugService('debug', 'true'));
    const debug = findObject(objects, 'Service', 'my-nginx-debug');
    expect(debug.spec).toEqual({ type: 'ClusterIP', selector: { app: 'MyApp', debug: 'true' }, ports: [{ name: 'web', port: 80, targetPort: 'web', protocol: 'TCP' }] });
  });

  test('refuses a label that is not one', () => {
    const e = new ExposedEndpoint(Testing.chart(), 'E', { name: 'svc', backend: BACKEND });
    expect(() => e.addDebugService('debug me', 'yes!')).toThrow(/addDebugService.key: "debug me" is invalid[\s\S]*addDebugService.value: "yes!" is invalid/);
  });
});

describe('ExposedEndpoint as a CurlProbe target', () => {
  test('needs a TLS backend whose certificate covers the endpoint names', () => {
    const chart = Testing.chart();
    const app = new SecureNginxApp(chart, 'Nginx', { certificateStoreDir: store, name: 'web', extraSans: ['web-lb', 'web-lb.default', 'web-lb.default.svc', 'web-lb.default.svc.cluster.local'] });
    const lb = new ExposedEndpoint(chart, 'Lb', { name: 'web-lb', type: kplus.ServiceType.LOAD_BALANCER, backend: app.backend, ports: [{ name: 'https', port: 443, targetPort: 'https' }] });
    expect(lb.asHttpsTarget()).toMatchObject({ namespace: 'default', httpsPort: 443, serviceDnsNames: lb.serviceDnsNames });
    expect(() => new ExposedEndpoint(chart, 'Other', { name: 'other', backend: app.backend, ports: [{ name: 'https', port: 443, targetPort: 'https' }] }))
      .toThrow(/name: the backend's certificate \(Secret web-tls\) does not cover other, other.default, other.default.svc, other.default.svc.cluster.local/);
    const plain = new ExposedEndpoint(chart, 'Plain', { name: 'plain', backend: BACKEND });
    expect(() => plain.asHttpsTarget()).toThrow(/no TLS port with a TLS backend/);
  });
});

describe('ExposedEndpoint with a ServingCertificate for your own workload', () => {
  test('a cert-manager certificate (no PEM at synth time) is checked by its requested names, and probed through its trust', () => {
    const chart = Testing.chart();
    const api = new kplus.Deployment(chart, 'Api', { containers: [{ image: 'example/api:1.0', ports: [{ name: 'https', number: 8443 }] }] });
    const certificate = new ServingCertificate(chart, 'ApiCert', {
      secretName: 'api-tls', dnsNames: serviceDnsNames('api', 'default'), source: CertificateSource.certManager(new CertManagerAuthority(chart, 'Ca')),
    });
    const endpoint = new ExposedEndpoint(chart, 'ApiSvc', { name: 'api', backend: ExposedEndpoint.backendOf(api, certificate), ports: [{ name: 'https', port: 443, targetPort: 'https' }] });
    expect(certificate.certificatePem).toBeUndefined();
    expect(() => endpoint.addIngress({ host: 'api.example.com', port: 'https', tls: certificate }))
      .toThrow(/addIngress.tls: the certificate in Secret api-tls does not cover host api.example.com \(it covers api, api.default/);
    expect(() => new ExposedEndpoint(chart, 'Other', { name: 'other', backend: ExposedEndpoint.backendOf(api, certificate), ports: [{ name: 'https', port: 443, targetPort: 'https' }] }))
      .toThrow(/name: the backend's certificate \(Secret api-tls\) does not cover other, /);
    new CurlProbe(chart, 'Probe', { target: endpoint.asHttpsTarget(), mode: CurlProbeMode.JOB, namespace: 'qa' });
    const job = Testing.synth(chart).find((o) => o.kind === 'Job');
    expect(job.spec.template.spec.volumes).toEqual([{ name: 'ca-volume', configMap: { name: 'cdk8s-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }]);
    expect(endpoint.access.ports[0].curlCommand).toBe('curl https://api/ --cacert /etc/nginx/ssl/ca.crt');
  });
});

describe('ExposedEndpoint rejects bad input, naming the construct and the field', () => {
  const build = (props: Partial<ExposedEndpointProps>) => () => new ExposedEndpoint(Testing.chart() as Construct, 'Bad', { name: 'svc', backend: BACKEND, ...props });
  test.each<[string, Partial<ExposedEndpointProps>, RegExp]>([
    ['ExternalName with ports', { type: kplus.ServiceType.EXTERNAL_NAME, backend: undefined, externalName: 'db.example.com', ports: [{ port: 5432 }] }, /ports: an ExternalName Service is a DNS alias and forwards no ports/],
    ['ExternalName without a name', { type: kplus.ServiceType.EXTERNAL_NAME, backend: undefined }, /externalName: required for type ExternalName/],
    ['port name not IANA_SVC_NAME', { ports: [{ name: 'HTTP_PORT', port: 80 }] }, /ports\[0\].name: "HTTP_PORT" is not a valid port name: must contain only lower case/],
    ['port name too long', { ports: [{ name: 'a-very-long-port-name', port: 80 }] }, /ports\[0\].name: "a-very-long-port-name" is not a valid port name: must be no more than 15 characters/],
    ['targetPort name matching no container port', { ports: [{ name: 'web', port: 80, targetPort: 'http' }] }, /ports\[0\].targetPort: "http" names no container port of the backend \(it has web, metrics\)/],
    ['duplicate nodePorts', { type: kplus.ServiceType.NODE_PORT, ports: [{ name: 'a', port: 80, nodePort: 30007 }, { name: 'b', port: 81, nodePort: 30007 }] }, /ports\[1\].nodePort: 30007 is used by another port/],
    ['nodePort outside the range', { type: kplus.ServiceType.NODE_PORT, ports: [{ port: 80, nodePort: 80 }] }, /ports\[0\].nodePort: 80 is outside the default NodePort range/],
    ['nodePort on ClusterIP', { ports: [{ port: 80, nodePort: 30007 }] }, /ports\[0\].nodePort: node ports need type NodePort or LoadBalancer, not ClusterIP/],
    ['unnamed ports when several', { ports: [{ port: 80 }, { port: 81 }] }, /ports\[0\].name: required when a Service has several ports/],
    ['port out of range', { ports: [{ port: 0 }] }, /ports\[0\].port: 0 is not a valid port/],
    ['no backend', { backend: undefined }, /backend: required/],
    ['service name not DNS-1035', { name: '1-svc' }, /name: "1-svc" is invalid: a DNS-1035 label/],
  ])('%s', (_label, props, message) => {
    expect(build(props)).toThrow(new RegExp(`ExposedEndpoint at '.*Bad' has invalid props:[\\s\\S]*${message.source}`));
  });
});

describe('dnsNameMatches', () => {
  test('exact names, and wildcards for exactly one leftmost label', () => {
    expect(dnsNameMatches('a.example.com', 'a.example.com')).toBe(true);
    expect(dnsNameMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(dnsNameMatches('*.example.com', 'a.b.example.com')).toBe(false);
    expect(dnsNameMatches('*.example.com', 'example.com')).toBe(false);
    expect(dnsNameMatches('a.example.com', 'b.example.com')).toBe(false);
  });
});
