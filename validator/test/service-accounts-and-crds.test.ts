import { parseManifests, validateManifests } from '../src';
import { readCustomResourceSchemas, shippedCrdFiles } from '../src/custom-resources';

const validate = (yaml: string, noAutomountedTokens = false) =>
  validateManifests(parseManifests(yaml, 'test.yaml'), { versions: ['v1.30.0'], noAutomountedTokens });

const ROLE = (verbs: string, resources: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: probe }
rules:
  - { apiGroups: [""], resources: ${resources}, resourceNames: ["https:my-nginx:https"], verbs: ${verbs} }
`;

const POD = (automount: string, extraVolumes = '') => `
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  ${automount}
  containers: [{ name: c, image: 'curlimages/curl:8.10.1' }]
  ${extraVolumes}
`;

describe('RBAC and API tokens', () => {
  test('wildcard verbs or resources are rejected; named ones pass', () => {
    expect(validate(ROLE('["get"]', '["services/proxy"]'))).toEqual([]);
    const messages = validate(ROLE('["*"]', '["services/*"]')).map((v) => `${v.rule} ${v.path}`);
    expect(messages).toEqual(['rbac-no-wildcards rules[0].verbs', 'rbac-no-wildcards rules[0].resources']);
  });

  test('a RoleBinding must name a Role and ServiceAccount of the set', () => {
    const binding = `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: probe }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: probe }
subjects: [{ kind: ServiceAccount, name: probe, namespace: default }]
`;
    expect(validate(binding).map((v) => v.path)).toEqual(['roleRef.name', 'subjects[0].name']);
    expect(validate(`${binding}---${ROLE('["get"]', '["services/proxy"]')}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: probe }\n`)).toEqual([]);
  });

  test('with noAutomountedTokens, a pod that gets a token automounted is rejected (pod or ServiceAccount may opt out)', () => {
    expect(validate(POD(''))).toEqual([]);
    expect(validate(POD(''), true).map((v) => `${v.rule} ${v.path}`)).toEqual(['api-token-not-automounted spec.automountServiceAccountToken']);
    expect(validate(POD('automountServiceAccountToken: false'), true)).toEqual([]);
    const optedOutAccount = `apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: quiet }\nautomountServiceAccountToken: false\n---${POD('serviceAccountName: quiet')}`;
    expect(validate(optedOutAccount, true)).toEqual([]);
  });

  test('projected tokens need at least 600 s; the cluster-published kube-root-ca.crt needs no ConfigMap in the set', () => {
    const volumes = (seconds: number) => `volumes:
    - name: t
      projected:
        sources:
          - serviceAccountToken: { path: token, expirationSeconds: ${seconds} }
          - configMap: { name: kube-root-ca.crt, items: [{ key: ca.crt, path: ca.crt }] }`;
    expect(validate(POD('automountServiceAccountToken: false', volumes(600)), true)).toEqual([]);
    expect(validate(POD('automountServiceAccountToken: false', volumes(60)), true).map((v) => v.rule)).toEqual(['projected-token-expiration']);
  });
});

describe('shipped CRDs', () => {
  test('Gateway API v1 Gateway and HTTPRoute, Istio VirtualService and DestinationRule (v1 with the v1beta1 schema)', () => {
    const served = readCustomResourceSchemas(shippedCrdFiles()).map((schema) => `${schema.apiVersion} ${schema.kind}`);
    expect(served).toEqual(expect.arrayContaining([
      'gateway.networking.k8s.io/v1 Gateway', 'gateway.networking.k8s.io/v1 HTTPRoute',
      'networking.istio.io/v1 VirtualService', 'networking.istio.io/v1beta1 VirtualService',
      'networking.istio.io/v1 DestinationRule', 'networking.istio.io/v1beta1 DestinationRule',
    ]));
  });

  test('the page\'s VirtualService passes; a misspelt field or a wrong type is rejected', () => {
    const vs = (route: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: my-service }
spec:
  hosts: [my-service]
  http:
    - route:
        - ${route}
`;
    expect(validate(vs('{ destination: { host: my-service, subset: v1 }, weight: 80 }'))).toEqual([]);
    expect(validate(vs('{ destination: { host: my-service, subset: v1 }, wieght: 80 }'))[0].message)
      .toMatch(/spec\.http\[0\]\.route\[0\]\.wieght: unknown field.*networking\.istio\.io\/v1 VirtualService CRD/);
    expect(validate(vs('{ destination: { host: my-service }, weight: "80" }'))[0].path).toBe('spec.http[0].route[0].weight');
  });

  test('an HTTPRoute with a path match type Gateway API does not know is rejected', () => {
    const route = (type: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r }
spec:
  parentRefs: [{ name: my-gateway }]
  hostnames: [my-nginx.example.com]
  rules: [{ matches: [{ path: { type: ${type}, value: / } }], backendRefs: [{ name: my-nginx, port: 8080 }] }]
`;
    expect(validate(route('PathPrefix'))).toEqual([]);
    expect(validate(route('Prefix'))[0].problem).toMatch(/must be one of "Exact", "PathPrefix", "RegularExpression"/);
  });
});
