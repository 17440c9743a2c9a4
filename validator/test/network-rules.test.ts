import { validateManifests } from '../src';
import { expectViolation, extraDocs, objectOf, rulesOf, tutorialDocs } from './fixtures';

const SERVICE = 'Service/default/my-nginx';

/** The tutorial set and its Service's spec, for a test to change. */
function tutorialWithServiceSpec() {
  const docs = tutorialDocs();
  return { docs, spec: objectOf(docs, 'Service', 'my-nginx').spec };
}

function ingress(spec: object) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec };
}

function ingressTo(service: string, port: object) {
  return ingress({ rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port } } }] } }] });
}

const INGRESS_BACKEND = 'spec.rules[0].http.paths[0].backend.service';

describe('Service selectors and target ports', () => {
  test('a selector matching no workload is rejected', () => {
    const { docs, spec } = tutorialWithServiceSpec();
    spec.selector = { run: 'nginx' };

    const violations = validateManifests(docs);

    expect(rulesOf(violations)).toEqual(['service-selector-matches-workload']);
    const violation = expectViolation(violations, 'service-selector-matches-workload', 'spec.selector', SERVICE);
    expect(violation.fix).toContain('run=my-nginx');
  });

  test('a workload in another namespace does not count', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').metadata.namespace = 'web';

    expect(rulesOf(validateManifests(docs))).toContain('service-selector-matches-workload');
  });

  test('a named targetPort must be a named container port', () => {
    const { docs, spec } = tutorialWithServiceSpec();
    spec.ports[1].targetPort = 'htps';

    const violation = expectViolation(validateManifests(docs), 'service-target-port', 'spec.ports[1].targetPort', SERVICE);
    expect(violation.problem).toContain('https=8443/TCP');
  });

  test('a numeric targetPort must be a declared container port, and a missing one means the port itself', () => {
    const { docs, spec } = tutorialWithServiceSpec();
    spec.ports[0].targetPort = 8080;
    expect(validateManifests(docs)).toEqual([]);

    delete spec.ports[1].targetPort;
    expectViolation(validateManifests(docs), 'service-target-port', 'spec.ports[1].port', SERVICE);
  });

  test('an ExternalName Service must not have a selector', () => {
    const { docs, spec } = tutorialWithServiceSpec();
    Object.assign(spec, { type: 'ExternalName', externalName: 'nginx.example.com' });
    spec.ports.forEach((port: any) => delete port.nodePort);

    expectViolation(validateManifests(docs), 'external-name-service-selector', 'spec.selector', SERVICE);
  });
});

describe('ports', () => {
  test('a nodePort outside 30000-32767 is rejected', () => {
    const { docs, spec } = tutorialWithServiceSpec();
    spec.ports[0].nodePort = 8080;

    const violations = validateManifests(docs);

    expect(rulesOf(violations)).toEqual(['service-node-port']);
    expectViolation(violations, 'service-node-port', 'spec.ports[0].nodePort', SERVICE);
  });

  test('a nodePort used by two Services is rejected on the second', () => {
    const { docs, spec } = tutorialWithServiceSpec();
    spec.ports[0].nodePort = 30080;
    const other = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'other' },
      spec: { type: 'NodePort', selector: { run: 'my-nginx' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }] } };

    const violation = expectViolation(validateManifests([...docs, ...extraDocs('other.yaml', other)]),
      'service-node-port', 'spec.ports[0].nodePort', 'Service/default/other');
    expect(violation.problem).toContain(SERVICE);
  });

  test('a nodePort on a ClusterIP Service is rejected', () => {
    const { docs, spec } = tutorialWithServiceSpec();
    delete spec.type;
    spec.ports[1].nodePort = 30443;

    expectViolation(validateManifests(docs), 'service-node-port', 'spec.ports[1].nodePort', SERVICE);
  });

  test('port numbers must be 1-65535', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.template.spec.containers[0].ports[0].containerPort = 80800;

    expectViolation(validateManifests(docs), 'port-range', 'spec.template.spec.containers[0].ports[0].containerPort', 'Deployment/default/my-nginx');
  });

  test('container port names must be IANA service names (at most 15 characters)', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.template.spec.containers[0].ports[1].name = 'https-with-a-long-name';

    expectViolation(validateManifests(docs), 'port-name', 'spec.template.spec.containers[0].ports[1].name', 'Deployment/default/my-nginx');
  });

  test('the ports of a multi-port Service must be named', () => {
    const { docs, spec } = tutorialWithServiceSpec();
    delete spec.ports[1].name;

    expectViolation(validateManifests(docs), 'port-name', 'spec.ports[1].name', SERVICE);
  });
});

describe('Ingress', () => {
  test('a backend Service and port present in the set are fine, by name or number', () => {
    expect(validateManifests([...tutorialDocs(), ...extraDocs('ingress.yaml', ingressTo('my-nginx', { name: 'https' }))])).toEqual([]);
    expect(validateManifests([...tutorialDocs(), ...extraDocs('ingress.yaml', ingressTo('my-nginx', { number: 443 }))])).toEqual([]);
  });

  test('a backend Service missing from the set is rejected', () => {
    const violations = validateManifests([...tutorialDocs(), ...extraDocs('ingress.yaml', ingressTo('nginx', { number: 80 }))]);

    expect(rulesOf(violations)).toEqual(['ingress-backend-service']);
    expectViolation(violations, 'ingress-backend-service', `${INGRESS_BACKEND}.name`, 'Ingress/default/web');
  });

  test('a backend port the Service does not expose is rejected', () => {
    const violations = validateManifests([...tutorialDocs(), ...extraDocs('ingress.yaml', ingressTo('my-nginx', { number: 8443 }))]);

    const violation = expectViolation(violations, 'ingress-backend-service', `${INGRESS_BACKEND}.port.number`, 'Ingress/default/web');
    expect(violation.problem).toContain('https=443');
  });

  test('a TLS secretName must be a kubernetes.io/tls Secret in the set', () => {
    const withTls = (secretName: string) => extraDocs('ingress.yaml', ingress({
      tls: [{ hosts: ['nginx.example.com'], secretName }],
      defaultBackend: { service: { name: 'my-nginx', port: { name: 'https' } } },
    }));
    expect(validateManifests([...tutorialDocs(), ...withTls('nginxsecret')])).toEqual([]);

    expectViolation(validateManifests([...tutorialDocs(), ...withTls('web-tls')]), 'ingress-tls-secret', 'spec.tls[0].secretName', 'Ingress/default/web');
  });
});

describe('NetworkPolicy', () => {
  const policy = (podSelector: object) => extraDocs('policy.yaml', {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'nginx' }, spec: { podSelector, policyTypes: ['Ingress'] },
  });

  test('a podSelector must select a workload in its namespace', () => {
    expect(validateManifests([...tutorialDocs(), ...policy({ matchLabels: { run: 'my-nginx' } })])).toEqual([]);

    const violations = validateManifests([...tutorialDocs(), ...policy({ matchLabels: { app: 'nginx' } })]);
    expectViolation(violations, 'network-policy-selects-workload', 'spec.podSelector', 'NetworkPolicy/default/nginx');
  });
});
