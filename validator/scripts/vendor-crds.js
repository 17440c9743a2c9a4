#!/usr/bin/env node
// Regenerates schemas/crds/*.json.gz from npm packages (see schemas/crds/SOURCES.md).
//
// No npm package ships the upstream CRD YAML of Gateway API, Istio, prometheus-operator, cert-manager
// or trust-manager. The @kubernetes-models packages below ship each kind's openAPIV3Schema, converted by their crd-generate from the
// upstream CRDs (the URLs in each package's package.json "crd-generate" field). This script fetches
// the exact tarballs with `npm pack` (integrity checked), reads the schemas their models register,
// undoes crd-generate's JSON-Schema additions, and wraps each in a CustomResourceDefinition.
//
// Usage: node validator/scripts/vendor-crds.js   (needs the npm registry; run by hand, not in tests)
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');

const OUT_DIR = path.resolve(__dirname, '..', 'schemas', 'crds');

const SOURCES = [
  {
    file: 'gateway-api.json.gz',
    package: '@kubernetes-models/gateway-api',
    version: '0.5.1',
    integrity: 'sha512-VsB6ipjcLCvOPmAbqxiK9dEEwD/yYGs5lkBTRFG2EcVGFy4o+JMWrTHuAXvaLtycGG67/qWJhHW8MtUhKJLdBg==',
    upstream: 'Gateway API v1.0.0 standard-install.yaml and experimental-install.yaml',
    group: 'gateway.networking.k8s.io',
    kinds: [
      { kind: 'Gateway', plural: 'gateways', versions: ['v1'] },
      { kind: 'HTTPRoute', plural: 'httproutes', versions: ['v1'] },
    ],
  },
  {
    file: 'istio-networking.json.gz',
    package: '@kubernetes-models/istio',
    version: '2.3.0',
    integrity: 'sha512-tA3/4u54DAVJerwCKDC/kJmBMgDfjuc2OC+bigI8oqi+1aZGmJco/c6txfLYXSevdFcgeIWf6hQ/eyxj6GyZ2g==',
    upstream: 'Istio 1.18.0 manifests/charts/base/crds/crd-all.gen.yaml',
    group: 'networking.istio.io',
    kinds: [
      { kind: 'VirtualService', plural: 'virtualservices', versions: ['v1alpha3', 'v1beta1'] },
      { kind: 'DestinationRule', plural: 'destinationrules', versions: ['v1alpha3', 'v1beta1'] },
    ],
    // Istio 1.22 added v1, serving the v1beta1 schema unchanged: "Istio APIs had identical contents
    // replicated across multiple versions ... These schemas are identical except in the package they
    // reside in" (Istio 1.23 upgrade notes). The package predates v1, so v1 gets v1beta1's schema.
    aliases: { v1: 'v1beta1' },
  },
  {
    file: 'prometheus-operator-servicemonitor.json.gz',
    package: '@kubernetes-models/prometheus-operator',
    version: '1.6.3',
    integrity: 'sha512-K5OTYnqWB40puLsntlQjvMz5viH0NNorPBjnB8CRdq1k/u7aIXOH+yk5wzxX0FZQeo2qy3cETVUjjYkEF8IOcQ==',
    upstream: 'prometheus-operator example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
    group: 'monitoring.coreos.com',
    kinds: [
      { kind: 'ServiceMonitor', plural: 'servicemonitors', versions: ['v1'] },
    ],
  },
  {
    // 4.3.1 is the last version whose models embed schemas; later ones ship compiled validators only.
    file: 'cert-manager.json.gz',
    package: '@kubernetes-models/cert-manager',
    version: '4.3.1',
    integrity: 'sha512-TPSQxSOWv3iCkvQFm0/ffRHc978SlbI1pMyaKGtLQvY5GqZxGpxiT2uYfwZGs4X18ZGCI4Zb869cjQmRKx34iA==',
    upstream: 'cert-manager v1.11.2 cert-manager.crds.yaml',
    group: 'cert-manager.io',
    kinds: [
      { kind: 'Certificate', plural: 'certificates', versions: ['v1'] },
      { kind: 'CertificateRequest', plural: 'certificaterequests', versions: ['v1'] },
      { kind: 'Issuer', plural: 'issuers', versions: ['v1'] },
      { kind: 'ClusterIssuer', plural: 'clusterissuers', versions: ['v1'], scope: 'Cluster' },
    ],
  },
  {
    file: 'trust-manager.json.gz',
    package: '@kubernetes-models/cert-manager',
    version: '4.3.1',
    integrity: 'sha512-TPSQxSOWv3iCkvQFm0/ffRHc978SlbI1pMyaKGtLQvY5GqZxGpxiT2uYfwZGs4X18ZGCI4Zb869cjQmRKx34iA==',
    upstream: 'trust-manager v0.4.0 deploy/crds/trust.cert-manager.io_bundles.yaml',
    group: 'trust.cert-manager.io',
    kinds: [{ kind: 'Bundle', plural: 'bundles', versions: ['v1alpha1'], scope: 'Cluster' }],
  },
];

function packTarball(source, dir) {
  const spec = `${source.package}@${source.version}`;
  const name = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
  const tarball = path.join(dir, name);
  const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  if (integrity !== source.integrity) throw new Error(`${spec}: integrity ${integrity}, expected ${source.integrity}`);
  execFileSync('tar', ['xzf', tarball, '-C', dir]);
  return path.join(dir, 'package');
}

/** Runs a model's CommonJS file with stub dependencies and returns the schema it registers. */
function registeredSchema(file) {
  let schema;
  const stubs = {
    '@kubernetes-models/base': {
      Model: Object.assign(class {}, { setSchema: (_model, _id, register) => register() }),
      createTypeMetaGuard: () => () => true,
      setSchema: (_model, _id, register) => register(),
    },
    '@kubernetes-models/validate': { register: (_id, registered) => { schema = registered; } },
  };
  const isSchemaModule = (id) => id.startsWith('@kubernetes-models/apimachinery/') || id.startsWith('kubernetes-models/_schemas/');
  const requireStub = (id) => stubs[id] ?? (isSchemaModule(id) ? { addSchema: () => {} } : undefined);
  const module = { exports: {} };
  vm.runInNewContext(`(function (exports, require, module) {${fs.readFileSync(file, 'utf8')}\n})`, {})(module.exports, requireStub, module);
  if (!schema) throw new Error(`${file} registers no schema`);
  return schema;
}

/** Values, not schemas: copied as they are. */
const LITERAL_KEYWORDS = new Set(['default', 'enum', 'example']);

/**
 * crd-generate made the openAPIV3Schema a JSON Schema: `nullable` on optional fields, metadata as a
 * oneOf of an ObjectMeta $ref and null, and `properties: {}` on maps and on objects that keep
 * unknown fields. The CRD has `metadata: {type: object}`, no `nullable`, maps as
 * `additionalProperties` alone, and `x-kubernetes-preserve-unknown-fields` (e.g. on Istio's status).
 */
function toOpenApiV3(schema) {
  if (Array.isArray(schema)) return schema.map(toOpenApiV3);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if (key === 'properties') out.properties = convertProperties(value);
    else out[key] = LITERAL_KEYWORDS.has(key) ? value : toOpenApiV3(value);
  }
  if (out.properties && Object.keys(out.properties).length === 0) {
    delete out.properties;
    if (out.additionalProperties === undefined) out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out;
}

function convertProperties(properties) {
  return Object.fromEntries(Object.entries(properties).map(([name, property]) =>
    [name, name === 'metadata' && JSON.stringify(property).includes('ObjectMeta') ? { type: 'object' } : toOpenApiV3(property)]));
}

/** crd-generate pinned apiVersion and kind with enums; a CRD types them as strings (the API server routes by them). */
function withoutTypeMetaEnums(schema) {
  for (const field of ['apiVersion', 'kind']) schema.properties[field] = { type: 'string' };
  return schema;
}

function crdOf(source, packageDir, { kind, plural, versions, scope = 'Namespaced' }) {
  const schemas = Object.fromEntries(versions.map((version) =>
    [version, withoutTypeMetaEnums(toOpenApiV3(registeredSchema(path.join(packageDir, source.group, version, `${kind}.js`))))]));
  for (const [alias, of] of Object.entries(source.aliases ?? {})) schemas[alias] = schemas[of];
  const leftover = JSON.stringify(schemas).match(/"\$ref":"[^"]+"/);
  if (leftover) throw new Error(`${kind}: unresolved ${leftover[0]}`);
  const storageVersion = Object.keys(schemas).sort().pop();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${source.group}`,
      annotations: {
        'cdk8s-manifest-validator/schema-source': `${source.package}@${source.version} (its crd-generate output of ${source.upstream})`,
        ...(source.aliases ? { 'cdk8s-manifest-validator/version-aliases': JSON.stringify(source.aliases) } : {}),
      },
    },
    spec: {
      group: source.group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: Object.entries(schemas).map(([name, openAPIV3Schema]) => ({
        name, served: true, storage: name === storageVersion, schema: { openAPIV3Schema },
      })),
    },
  };
}

function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vendor-crds-'));
  try {
    for (const source of SOURCES) {
      const packageDir = packTarball(source, fs.mkdtempSync(path.join(work, 'pkg-')));
      const crds = source.kinds.map((kind) => crdOf(source, packageDir, kind));
      // mtime 0 in the gzip header: regenerating the same input gives the same bytes.
      fs.writeFileSync(path.join(OUT_DIR, source.file), zlib.gzipSync(`${JSON.stringify(crds)}\n`, { level: 9 }));
      console.log(`${source.file}: ${crds.map((crd) => crd.metadata.name).join(', ')} from ${source.package}@${source.version}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
