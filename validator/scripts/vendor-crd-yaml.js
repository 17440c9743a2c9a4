#!/usr/bin/env node
// Writes schemas/crds/<name>.json.gz from CRDs a project publishes as YAML (for those no npm package
// ships; scripts/vendor-crds.js covers the npm ones): the CustomResourceDefinitions in the given
// files, as one JSON array, with their documentation strings dropped (the validator reads only the
// schemas). Deterministic: the same inputs give the same bytes.
//
//   node scripts/vendor-crd-yaml.js <name> <crds.yaml>...
'use strict';
const fs = require('fs');
const path = require('path');
const { gzipSync } = require('zlib');
const YAML = require('yaml');

const [name, ...inputs] = process.argv.slice(2);
if (!name || inputs.length === 0) {
  console.error('usage: node scripts/vendor-crd-yaml.js <name> <crds.yaml>...');
  process.exit(2);
}

/** Drops `description` strings; a property named `description` (an object under `properties`) stays. */
function withoutDescriptions(value) {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value)
    .filter(([key, child]) => !(key === 'description' && typeof child === 'string'))
    .map(([key, child]) => [key, withoutDescriptions(child)]));
}

const crds = inputs.flatMap((file) => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => doc.toJS()))
  .filter((object) => object?.kind === 'CustomResourceDefinition')
  .map(withoutDescriptions);
if (crds.length === 0) {
  console.error(`no CustomResourceDefinition in ${inputs.join(', ')}`);
  process.exit(1);
}
const out = path.join(__dirname, '..', 'schemas', 'crds', `${name}.json.gz`);
fs.writeFileSync(out, gzipSync(JSON.stringify(crds), { level: 9 }));
console.error(`wrote ${path.relative(process.cwd(), out)}: ${crds.map((crd) => crd.metadata.name).join(', ')}`);
