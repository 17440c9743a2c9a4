import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { parseManifests } from './load-manifests';

/** The schema of one served version of a custom resource, from its CustomResourceDefinition. */
export interface CustomResourceSchema {
  readonly apiVersion: string;
  readonly kind: string;
  /** `spec.versions[].schema.openAPIV3Schema` of the CRD. */
  readonly schema: any;
  /** Where the CRD came from (a file), for messages. */
  readonly source: string;
}

/**
 * The CRDs shipped with this package: `schemas/crds/*.json.gz`, each a JSON array of
 * CustomResourceDefinition objects (see schemas/crds/SOURCES.md for their origin and licence).
 */
export function shippedCrdFiles(): string[] {
  const dir = path.resolve(__dirname, '..', 'schemas', 'crds');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter(name => name.endsWith('.json.gz')).sort().map(name => path.join(dir, name));
}

/**
 * Reads CustomResourceDefinitions from files: gzipped JSON arrays (what this package ships) or
 * YAML/JSON manifests (what a user points the validator at). Other documents in them are ignored.
 */
export function readCustomResourceSchemas(files: readonly string[]): CustomResourceSchema[] {
  return files.flatMap(file => crdObjectsIn(file).flatMap(crd => schemasOfCrd(crd, file)));
}

function crdObjectsIn(file: string): any[] {
  if (file.endsWith('.json.gz')) return JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8'));
  return parseManifests(fs.readFileSync(file, 'utf8'), file).map(doc => doc.object);
}

function schemasOfCrd(crd: any, source: string): CustomResourceSchema[] {
  if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec?.group || !crd.spec?.names?.kind) return [];
  return (crd.spec.versions ?? [])
    .filter((version: any) => version?.served !== false && version?.schema?.openAPIV3Schema)
    .map((version: any) => ({
      apiVersion: `${crd.spec.group}/${version.name}`,
      kind: crd.spec.names.kind,
      schema: version.schema.openAPIV3Schema,
      source,
    }));
}
