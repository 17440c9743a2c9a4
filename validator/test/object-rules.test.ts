import { validateManifests } from '../src';
import { expectViolation, extraDocs, objectOf, rulesOf, tutorialDocs } from './fixtures';

describe('object names', () => {
  test('a Service name must be a DNS-1035 label (start with a letter)', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Service', 'my-nginx').metadata.name = '1-nginx';

    const violations = validateManifests(docs);

    expect(rulesOf(violations)).toEqual(['object-name']);
    expectViolation(violations, 'object-name', 'metadata.name', 'Service/default/1-nginx');
  });

  test('other names must be DNS-1123 subdomains', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Secret', 'nginxsecret').metadata.name = 'Nginx_Secret';
    objectOf(docs, 'Deployment', 'my-nginx').spec.template.spec.volumes[0].secret.secretName = 'Nginx_Secret';

    const violations = validateManifests(docs);

    expect(rulesOf(violations)).toEqual(['object-name']);
    expectViolation(violations, 'object-name', 'metadata.name', 'Secret/default/Nginx_Secret');
  });

  test('dots are fine in a Deployment name but not in a Service name', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').metadata.name = 'my.nginx';
    expect(validateManifests(docs)).toEqual([]);

    objectOf(docs, 'Service', 'my-nginx').metadata.name = 'my.nginx';
    expectViolation(validateManifests(docs), 'object-name', 'metadata.name', 'Service/default/my.nginx');
  });

  test('RBAC names may contain colons', () => {
    const docs = extraDocs('rbac.yaml', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:nginx-reader' }, rules: [],
    });
    expect(validateManifests(docs)).toEqual([]);
  });
});

describe('data keys', () => {
  test('Secret and ConfigMap keys may only use letters, digits, \'-\', \'_\' and \'.\'', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'ConfigMap', 'nginxconfigmap').data['conf.d/default.conf'] = 'server {}';

    expectViolation(validateManifests(docs), 'data-key-syntax', 'data["conf.d/default.conf"]', 'ConfigMap/default/nginxconfigmap');
  });
});

describe('label syntax', () => {
  test('label values with spaces are rejected, in labels and in selectors', () => {
    const docs = tutorialDocs();
    const service = objectOf(docs, 'Service', 'my-nginx');
    service.metadata.labels.run = 'my nginx';
    service.spec.selector = { run: 'my nginx' };

    const violations = validateManifests(docs);

    expectViolation(violations, 'label-syntax', 'metadata.labels.run', 'Service/default/my-nginx');
    expectViolation(violations, 'label-syntax', 'spec.selector.run', 'Service/default/my-nginx');
  });

  test('label keys with an invalid prefix are rejected, with the key quoted in the path', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.template.metadata.labels['Example.com/app'] = 'nginx';

    expectViolation(validateManifests(docs), 'label-syntax', 'spec.template.metadata.labels["Example.com/app"]', 'Deployment/default/my-nginx');
  });
});

describe('duplicate objects', () => {
  test('the same kind, namespace and name twice is rejected, naming both files', () => {
    const docs = [...tutorialDocs(), ...extraDocs('again.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nginxconfigmap' }, data: {} })];

    const violation = expectViolation(validateManifests(docs), 'duplicate-object', 'metadata.name', 'ConfigMap/default/nginxconfigmap');
    expect(violation.file).toBe('again.yaml');
    expect(violation.message).toContain('tutorial.yaml');
  });

  test('the same name in another namespace or of another kind is fine', () => {
    const docs = [...tutorialDocs(), ...extraDocs('other.yaml',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nginxconfigmap', namespace: 'other' }, data: {} },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'nginxconfigmap' }, data: {} })];

    expect(rulesOf(validateManifests(docs))).not.toContain('duplicate-object');
  });
});

describe('workload selectors', () => {
  test('a Deployment selector must match its pod template labels', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.selector.matchLabels = { run: 'nginx' };

    const violation = expectViolation(validateManifests(docs), 'workload-selector-matches-template', 'spec.selector', 'Deployment/default/my-nginx');
    expect(violation.problem).toContain('run=my-nginx');
  });

  test('matchExpressions count too', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.selector = { matchExpressions: [{ key: 'run', operator: 'In', values: ['my-nginx'] }] };
    expect(validateManifests(docs)).toEqual([]);

    objectOf(docs, 'Deployment', 'my-nginx').spec.selector.matchExpressions[0].operator = 'NotIn';
    expectViolation(validateManifests(docs), 'workload-selector-matches-template', 'spec.selector', 'Deployment/default/my-nginx');
  });

  test('an empty selector is rejected', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.selector = {};

    expectViolation(validateManifests(docs), 'workload-selector-matches-template', 'spec.selector', 'Deployment/default/my-nginx');
  });
});
