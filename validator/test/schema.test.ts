import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateManifests } from '../src';
import { defaultSchemasDir, rejectUnknownFields } from '../src/schema-validation';
import { expectViolation, extraDocs, objectOf, rulesOf, TUTORIAL_FILE, tutorialDocs } from './fixtures';

const ALL_VERSIONS = 'v1.28.0, v1.30.0, v1.36.0';

describe('schema validation', () => {
  test('the tutorial set is valid', () => {
    expect(validateManifests(tutorialDocs())).toEqual([]);
  });

  test('an unknown field is rejected, suggesting the field that was meant', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.replica = 2;

    const violations = validateManifests(docs);

    expect(rulesOf(violations)).toEqual(['schema']);
    const violation = expectViolation(violations, 'schema', 'spec.replica', 'Deployment/default/my-nginx');
    expect(violation.message).toContain(TUTORIAL_FILE);
    expect(violation.message).toContain(ALL_VERSIONS);
    expect(violation.fix).toContain('spec.replicas');
  });

  test('an unknown field deep in a list gets an indexed field path', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.template.spec.containers[0].ports[1].nmae = 'https';

    expectViolation(validateManifests(docs), 'schema', 'spec.template.spec.containers[0].ports[1].nmae', 'Deployment/default/my-nginx');
  });

  test('a value of the wrong type is rejected', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').spec.replicas = 'two';

    const violation = expectViolation(validateManifests(docs), 'schema', 'spec.replicas', 'Deployment/default/my-nginx');
    expect(violation.problem).toContain('integer');
  });

  test('a Deployment without the required spec.selector is rejected', () => {
    const docs = tutorialDocs();
    delete objectOf(docs, 'Deployment', 'my-nginx').spec.selector;

    const violations = validateManifests(docs);

    expect(rulesOf(violations)).toEqual(['schema']);
    const violation = expectViolation(violations, 'schema', 'spec.selector', 'Deployment/default/my-nginx');
    expect(violation.problem).toContain('required');
  });

  test('an object without metadata.name is rejected', () => {
    const docs = tutorialDocs();
    delete objectOf(docs, 'ConfigMap', 'nginxconfigmap').metadata.name;

    expectViolation(validateManifests(docs), 'schema', 'metadata.name', 'ConfigMap/default/<unnamed>');
  });

  test('int-or-string fields accept both a number and a name, and nothing else', () => {
    const docs = tutorialDocs();
    const ports = objectOf(docs, 'Service', 'my-nginx').spec.ports;
    ports[0].targetPort = 8080;
    ports[1].targetPort = 'https';
    expect(validateManifests(docs)).toEqual([]);

    ports[1].targetPort = true;
    const violation = expectViolation(validateManifests(docs), 'schema', 'spec.ports[1].targetPort', 'Service/default/my-nginx');
    expect(violation.problem).toContain('string or integer');
  });

  test('Secret data must be base64, as the API server decodes it', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Secret', 'nginxsecret').data['tls.key'] = 'not base64!';

    expectViolation(validateManifests(docs), 'schema', 'data["tls.key"]', 'Secret/default/nginxsecret');
  });

  test('a field only newer versions know is reported for the older version only', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Service', 'my-nginx').spec.trafficDistribution = 'PreferClose';

    const violation = expectViolation(validateManifests(docs), 'schema', 'spec.trafficDistribution', 'Service/default/my-nginx');
    expect(violation.message).toContain('v1.28.0 schema');
    expect(validateManifests(docs, { versions: ['v1.30.0', 'v1.36.0'] })).toEqual([]);
  });

  test('an apiVersion/kind no version serves is rejected, naming the served apiVersion', () => {
    const docs = extraDocs('old.yaml', { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} });

    const violation = expectViolation(validateManifests(docs), 'known-kind', 'apiVersion', 'Ingress/default/web');
    expect(violation.fix).toContain('networking.k8s.io/v1');
  });

  test('null fields count as unset, as in the API server', () => {
    const docs = tutorialDocs();
    objectOf(docs, 'Deployment', 'my-nginx').metadata.creationTimestamp = null;

    expect(validateManifests(docs)).toEqual([]);
  });

  test('K8S_SCHEMAS_DIR overrides the schema folder', () => {
    const schemasDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-schemas-'));
    fs.symlinkSync(path.join(defaultSchemasDir(), 'v1.30.0'), path.join(schemasDir, 'v1.30.0'));
    const previous = process.env.K8S_SCHEMAS_DIR;
    process.env.K8S_SCHEMAS_DIR = schemasDir;
    try {
      expect(validateManifests(tutorialDocs(), { versions: ['v1.30.0'] })).toEqual([]);
      expect(() => validateManifests(tutorialDocs())).toThrow(`No Kubernetes v1.28.0 schema at ${schemasDir}`);
    } finally {
      if (previous === undefined) delete process.env.K8S_SCHEMAS_DIR;
      else process.env.K8S_SCHEMAS_DIR = previous;
      fs.rmSync(schemasDir, { recursive: true });
    }
  });

  test('a missing schema version is a clear error, not a violation', () => {
    const missingDir = path.join(os.tmpdir(), 'no-such-k8s-schemas');
    expect(() => validateManifests(tutorialDocs(), { schemasDir: missingDir })).toThrow(/No Kubernetes v1.28.0 schema at .*K8S_SCHEMAS_DIR/);
  });
});

describe('rejectUnknownFields', () => {
  test('closes object schemas with properties, recursively, and leaves maps and preserved objects open', () => {
    const schema: any = {
      properties: {
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        nested: { properties: { a: { type: 'string' } } },
        raw: { properties: { a: {} }, 'x-kubernetes-preserve-unknown-fields': true },
        list: { type: 'array', items: { properties: { b: {} } } },
      },
    };

    rejectUnknownFields(schema);

    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.labels.additionalProperties).toEqual({ type: 'string' });
    expect(schema.properties.nested.additionalProperties).toBe(false);
    expect(schema.properties.raw.additionalProperties).toBeUndefined();
    expect(schema.properties.list.items.additionalProperties).toBe(false);
  });
});
