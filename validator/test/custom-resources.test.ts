import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseManifests, validateManifests } from '../src';
import { readCustomResourceSchemas } from '../src/custom-resources';

/** A CRD in the shape controllers publish them: a structural schema with int-or-string and preserved maps. */
const WIDGET_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: { type: string }
            kind: { type: string }
            metadata: { type: object }
            spec:
              type: object
              required: [size]
              properties:
                size: { type: integer, format: int32, minimum: 1 }
                port:
                  anyOf: [{ type: integer }, { type: string }]
                  x-kubernetes-int-or-string: true
                labels: { type: object, additionalProperties: { type: string } }
                extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
    - name: v1alpha1
      served: false
      storage: false
      schema:
        openAPIV3Schema: { type: object }
`;

function widget(spec: Record<string, unknown>, apiVersion = 'example.com/v1'): string {
  return JSON.stringify({ apiVersion, kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec });
}

describe('custom resources', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
  const crdFile = path.join(dir, 'widget-crd.yaml');
  fs.writeFileSync(crdFile, WIDGET_CRD);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const validate = (text: string) => validateManifests(parseManifests(text, 'widget.yaml'), { crdFiles: [crdFile] });

  test('reads only the served versions of a CRD', () => {
    expect(readCustomResourceSchemas([crdFile]).map(schema => schema.apiVersion)).toEqual(['example.com/v1']);
  });

  test('a resource matching its CRD schema passes, int-or-string and preserved fields included', () => {
    expect(validate(widget({ size: 2, port: 'https', labels: { a: 'b' }, extra: { anything: [1] } }))).toEqual([]);
    expect(validate(widget({ size: 2, port: 8443 }))).toEqual([]);
  });

  test('unknown fields, wrong types and missing required fields are violations naming the field and the CRD', () => {
    const messages = validate(widget({ sise: 2, port: true })).map(violation => violation.message);

    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/spec\.sise: unknown field "sise".*rejected by the example.com\/v1 Widget CRD schema from widget-crd.yaml.*did you mean spec\.size/),
      expect.stringContaining('spec.size: required field "size" is missing'),
      expect.stringContaining('spec.port: must be of type integer or string but is true (boolean)'),
    ]));
    expect(messages).toHaveLength(3);
    expect(validate(widget({ size: 0 }))[0].message).toContain('spec.size');
  });

  test('without its CRD a custom resource is an unknown kind, with the fix to pass the CRD', () => {
    const [violation] = validateManifests(parseManifests(widget({ size: 1 }), 'widget.yaml'));

    expect(violation.rule).toBe('known-kind');
    expect(violation.fix).toContain('CustomResourceDefinition');
  });

  test('a version the CRD does not serve is an unknown kind that names the served apiVersion', () => {
    const [violation] = validate(widget({ size: 1 }, 'example.com/v1alpha1'));

    expect(violation).toMatchObject({ rule: 'known-kind', fix: 'use apiVersion example.com/v1 for Widget' });
  });
});

describe('the shipped ServiceMonitor CRD', () => {
  const monitor = (endpoint: Record<string, unknown>) => JSON.stringify({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [endpoint] },
  });

  test('validates a ServiceMonitor without being given the CRD', () => {
    expect(validateManifests(parseManifests(monitor({ port: 'metrics', interval: '30s' }), 'monitor.yaml'))).toEqual([]);
  });

  test('rejects a misspelt field and a wrong type', () => {
    const messages = validateManifests(parseManifests(monitor({ prot: 'metrics', honorLabels: 'yes' }), 'monitor.yaml')).map(v => v.message);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/spec\.endpoints\[0\]\.honorLabels: must be of type boolean/),
      expect.stringMatching(/spec\.endpoints\[0\]\.prot: unknown field "prot".*did you mean spec\.endpoints\[0\]\.port/),
    ]));
    expect(messages).toHaveLength(2);
  });
});
