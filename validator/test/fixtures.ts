import { stringify } from 'yaml';
import { ManifestDocument, parseManifests, Violation } from '../src';

/** The secured my-nginx set of the "Connecting Applications with Services" tutorial. */
export const TUTORIAL_YAML = `
apiVersion: v1
kind: Secret
metadata:
  name: nginxsecret
type: kubernetes.io/tls
data:
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
  tls.key: cGxhY2Vob2xkZXIsIG5vdCBhIGtleQ==  # 'placeholder, not a key'
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: nginxconfigmap
data:
  default.conf: |
    server {
      listen 8080 default_server;
      listen 8443 ssl;

      root /usr/share/nginx/html;
      index index.html;

      server_name localhost;
      ssl_certificate /etc/nginx/ssl/tls.crt;
      ssl_certificate_key /etc/nginx/ssl/tls.key;

      location / {
        try_files $uri $uri/ =404;
      }
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 1
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      volumes:
        - name: secret-volume
          secret:
            secretName: nginxsecret
        - name: configmap-volume
          configMap:
            name: nginxconfigmap
      containers:
        - name: nginxhttps
          image: bprashanth/nginxhttps:1.0
          ports:
            - name: http
              containerPort: 8080
            - name: https
              containerPort: 8443
          volumeMounts:
            - mountPath: /etc/nginx/ssl
              name: secret-volume
            - mountPath: /etc/nginx/conf.d
              name: configmap-volume
---
apiVersion: v1
kind: Service
metadata:
  name: my-nginx
  labels:
    run: my-nginx
spec:
  type: NodePort
  ports:
    - name: http
      port: 8080
      targetPort: http
      protocol: TCP
    - name: https
      port: 443
      targetPort: https
      protocol: TCP
  selector:
    run: my-nginx
`;

export const TUTORIAL_FILE = 'tutorial.yaml';

/** A fresh copy of the tutorial documents, for a test to break one thing in. */
export function tutorialDocs(): ManifestDocument[] {
  return parseManifests(TUTORIAL_YAML, TUTORIAL_FILE);
}

/** The object of the given kind and name in a document list (throws when absent, to keep tests honest). */
export function objectOf(docs: ManifestDocument[], kind: string, name: string): any {
  const doc = docs.find(candidate => candidate.object.kind === kind && candidate.object.metadata?.name === name);
  if (!doc) throw new Error(`fixture has no ${kind} ${name}`);
  return doc.object;
}

/** Documents parsed from extra YAML objects, as if they were written to another file. */
export function extraDocs(file: string, ...objects: object[]): ManifestDocument[] {
  return parseManifests(objects.map(object => stringify(object)).join('---\n'), file);
}

/** Asserts a violation of `rule` at `path` whose message names the file, object and path; returns the first. */
export function expectViolation(violations: Violation[], rule: string, path: string, object: string): Violation {
  const matching = violations.filter(violation => violation.rule === rule && violation.path === path);
  expect(matching).not.toHaveLength(0);
  for (const violation of matching) {
    expect(violation.message).toContain(`${violation.file}: ${object} ${path}: `);
  }
  return matching[0];
}

/** The rule names of a violation list, for asserting that a change breaks exactly one thing. */
export function rulesOf(violations: Violation[]): string[] {
  return [...new Set(violations.map(violation => violation.rule))].sort();
}
