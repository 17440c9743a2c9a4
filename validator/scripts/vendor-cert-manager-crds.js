#!/usr/bin/env node
// Regenerates schemas/crds/cert-manager.json.gz and schemas/crds/trust-manager.json.gz from the npm
// package @kubernetes-models/cert-manager@4.3.1, whose models embed the openAPIV3Schema of
// cert-manager v1.11.2's and trust-manager v0.4.0's CRDs as JSON Schema. (Later versions of the
// package ship compiled validators only.) The package adds `nullable: true` to optional fields,
// wraps some schemas in `oneOf [schema, null]`, replaces metadata by a $ref and requires
// apiVersion/kind; this script undoes exactly that and wraps each schema in its
// CustomResourceDefinition. Needs the npm registry and `tar`; the output is byte-for-byte reproducible.
// Usage: node validator/scripts/vendor-cert-manager-crds.js
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const PACKAGE = '@kubernetes-models/cert-manager@4.3.1';
const OUTPUT_DIR = path.resolve(__dirname, '..', 'schemas', 'crds');

/** The CRDs we vendor: the package's model file, and the CRD facts the model does not carry. */
const CRDS = {
  'cert-manager.json.gz': [
    { model: 'cert-manager.io/v1/Certificate.js', group: 'cert-manager.io', version: 'v1', kind: 'Certificate', plural: 'certificates', scope: 'Namespaced' },
    { model: 'cert-manager.io/v1/CertificateRequest.js', group: 'cert-manager.io', version: 'v1', kind: 'CertificateRequest', plural: 'certificaterequests', scope: 'Namespaced' },
    { model: 'cert-manager.io/v1/Issuer.js', group: 'cert-manager.io', version: 'v1', kind: 'Issuer', plural: 'issuers', scope: 'Namespaced' },
    { model: 'cert-manager.io/v1/ClusterIssuer.js', group: 'cert-manager.io', version: 'v1', kind: 'ClusterIssuer', plural: 'clusterissuers', scope: 'Cluster' },
  ],
  'trust-manager.json.gz': [
    { model: 'trust.cert-manager.io/v1alpha1/Bundle.js', group: 'trust.cert-manager.io', version: 'v1alpha1', kind: 'Bundle', plural: 'bundles', scope: 'Cluster' },
  ],
};

function unpackPackage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-manager-crds-'));
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', path.join(dir, tarball), '-C', dir]);
  return { dir, packageDir: path.join(dir, 'package') };
}

/** Runs a model file with its imports stubbed, capturing the schema it registers. */
function registeredSchema(file) {
  let captured;
  const stubs = {
    '@kubernetes-models/validate': { register: (_id, schema) => { captured = schema; } },
    '@kubernetes-models/base': { Model: class {}, setSchema: (_model, _id, register) => register(), createTypeMetaGuard: () => () => true },
  };
  const loader = new Module(file);
  loader.filename = file;
  loader.paths = [];
  loader.require = (id) => stubs[id] ?? (id.startsWith('@kubernetes-models/apimachinery') ? { addSchema() {} } : require(id));
  loader._compile(fs.readFileSync(file, 'utf8'), file);
  if (!captured) throw new Error(`${file} registered no schema`);
  return captured;
}

/** Undoes the package's changes to the CRD's openAPIV3Schema. */
function crdSchema(schema) {
  if (Array.isArray(schema)) return schema.map(crdSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const nullBranch = (s) => s && s.type === 'null';
  if (Array.isArray(schema.oneOf) && schema.oneOf.length === 2 && schema.oneOf.some(nullBranch)) {
    const other = schema.oneOf.find((s) => !nullBranch(s));
    // `{}` is how the package writes x-kubernetes-preserve-unknown-fields.
    if (other.$ref === 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta#') return { type: 'object' };
    return Object.keys(other).length === 0 ? { 'x-kubernetes-preserve-unknown-fields': true } : crdSchema(other);
  }
  const result = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if (key === 'properties' && schema.additionalProperties && Object.keys(value).length === 0) continue;
    result[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value).map(([name, property]) => [name, crdSchema(property)]))
      : crdSchema(value);
  }
  return result;
}

function customResourceDefinition(entry, schema) {
  const openAPIV3Schema = crdSchema(schema);
  openAPIV3Schema.properties.apiVersion = { type: 'string' };
  openAPIV3Schema.properties.kind = { type: 'string' };
  openAPIV3Schema.required = (openAPIV3Schema.required ?? []).filter((field) => field !== 'apiVersion' && field !== 'kind');
  if (openAPIV3Schema.required.length === 0) delete openAPIV3Schema.required;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${entry.plural}.${entry.group}` },
    spec: {
      group: entry.group,
      names: { kind: entry.kind, listKind: `${entry.kind}List`, plural: entry.plural, singular: entry.kind.toLowerCase() },
      scope: entry.scope,
      versions: [{ name: entry.version, served: true, storage: true, schema: { openAPIV3Schema } }],
    },
  };
}

const { dir, packageDir } = unpackPackage();
try {
  for (const [file, entries] of Object.entries(CRDS)) {
    const crds = entries.map((entry) => customResourceDefinition(entry, registeredSchema(path.join(packageDir, entry.model))));
    // No file name or time in the gzip header, so the output depends on the input only.
    fs.writeFileSync(path.join(OUTPUT_DIR, file), zlib.gzipSync(JSON.stringify(crds), { level: 9 }));
    console.log(`${file}: ${crds.map((crd) => crd.metadata.name).join(', ')}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
