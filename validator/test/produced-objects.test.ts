import { parseManifests, validateManifests } from '../src';

/** A pod mounting `key` of a Secret or ConfigMap `name`, in namespace `namespace`. */
function podMounting(kind: 'secret' | 'configMap', name: string, key: string, namespace = 'web'): string {
  const source = kind === 'secret' ? { secretName: name, items: [{ key, path: key }] } : { name, items: [{ key, path: key }] };
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace },
    spec: { containers: [{ name: 'c', image: 'curlimages/curl:8.10.1', volumeMounts: [{ name: 'ca', mountPath: '/ca' }] }], volumes: [{ name: 'ca', [kind]: source }] },
  });
}

const issuer = (spec: object) => JSON.stringify({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'ca' }, spec });
const certificate = JSON.stringify({
  apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web-tls', namespace: 'web' },
  spec: { secretName: 'web-tls', dnsNames: ['web'], issuerRef: { name: 'ca', kind: 'ClusterIssuer', group: 'cert-manager.io' } },
});
const bundle = (target: object) => JSON.stringify({
  apiVersion: 'trust.cert-manager.io/v1alpha1', kind: 'Bundle', metadata: { name: 'web-ca' },
  spec: { sources: [{ secret: { name: 'ca', key: 'ca.crt' } }], target: { configMap: { key: 'ca.crt' }, ...target } },
});
const namespace = (name: string, labels: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

function mountViolations(...documents: string[]): string[] {
  return validateManifests(parseManifests(documents.join('\n---\n'), 'set.yaml'))
    .filter(violation => violation.rule === 'volume-source-exists').map(violation => violation.problem);
}

describe('objects that controllers make', () => {
  test('the Secret of a cert-manager Certificate exists for pods: tls.crt, tls.key, and ca.crt from a CA issuer', () => {
    expect(mountViolations(issuer({ ca: { secretName: 'ca' } }), certificate, podMounting('secret', 'web-tls', 'ca.crt'))).toEqual([]);
    expect(mountViolations(issuer({ selfSigned: {} }), certificate, podMounting('secret', 'web-tls', 'tls.key'))).toEqual([]);
    expect(mountViolations(issuer({ ca: { secretName: 'ca' } }), certificate, podMounting('secret', 'other-tls', 'tls.crt')))
      .toEqual(['Secret "other-tls" is not in the manifests (namespace web); the pod would be stuck in ContainerCreating']);
    expect(mountViolations(issuer({ ca: { secretName: 'ca' } }), certificate, podMounting('secret', 'web-tls', 'tls.crt', 'qa')))
      .toEqual(['Secret "web-tls" is not in the manifests (namespace qa); the pod would be stuck in ContainerCreating']);
  });

  test('an ACME issuer writes no ca.crt', () => {
    expect(mountViolations(issuer({ acme: { server: 'https://acme.example/dir' } }), certificate, podMounting('secret', 'web-tls', 'ca.crt')))
      .toEqual([expect.stringContaining('has no key "ca.crt" (it has tls.crt, tls.key)')]);
  });

  test('a trust-manager Bundle\'s ConfigMap is in every namespace it targets, with its key', () => {
    expect(mountViolations(bundle({}), podMounting('configMap', 'web-ca', 'ca.crt', 'anywhere'))).toEqual([]);
    expect(mountViolations(bundle({}), podMounting('configMap', 'web-ca', 'tls.crt'))).toEqual([expect.stringContaining('has no key "tls.crt" (it has ca.crt)')]);
    const selected = bundle({ namespaceSelector: { matchLabels: { trust: 'yes' } } });
    expect(mountViolations(selected, namespace('web', { trust: 'yes' }), podMounting('configMap', 'web-ca', 'ca.crt'))).toEqual([]);
    expect(mountViolations(selected, namespace('web', { trust: 'no' }), podMounting('configMap', 'web-ca', 'ca.crt'))).toHaveLength(1);
    // Labels of a namespace outside the set are unknown, except its name label.
    expect(mountViolations(selected, podMounting('configMap', 'web-ca', 'ca.crt'))).toEqual([]);
    expect(mountViolations(bundle({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'qa' } } }), podMounting('configMap', 'web-ca', 'ca.crt'))).toHaveLength(1);
  });
});
