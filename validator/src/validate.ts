import { readCustomResourceSchemas, shippedCrdFiles } from './custom-resources';
import { CROSS_OBJECT_RULES } from './rules';
import { apiTokenNotAutomounted } from './rules/service-accounts';
import { CustomResourceSchemas, DEFAULT_VERSIONS, defaultSchemasDir, schemaRule } from './schema-validation';
import { ManifestDocument, Violation } from './types';

/** Options of {@link validateManifests}. */
export interface ValidateOptions {
  /** Kubernetes versions whose schemas every document must satisfy (default: DEFAULT_VERSIONS). */
  versions?: string[];
  /** Folder holding `<version>/_definitions.json` (default: $K8S_SCHEMAS_DIR, else the schemas shipped in this package). */
  schemasDir?: string;
  /**
   * Files holding CustomResourceDefinitions (YAML or JSON) whose custom resources are validated
   * against their schemas, besides the CRDs this package ships (default: none).
   */
  crdFiles?: string[];
  /**
   * Reject every pod that gets an API token automounted, so that only pods mounting a projected
   * ServiceAccount token hold one (default: false; the docs' own examples rely on automounting).
   */
  noAutomountedTokens?: boolean;
  /**
   * Objects that exist in the cluster already, as `Kind/namespace/name` (e.g. `Secret/default/my-tls`
   * for a TLS Secret made by hand): references to them are not reported as missing (default: none).
   */
  inClusterObjects?: string[];
}

const customResourcesByFiles = new Map<string, CustomResourceSchemas>();

/** The shipped CRDs plus `crdFiles`, read and compiled once per set of files. */
function customResourcesFor(crdFiles: readonly string[]): CustomResourceSchemas {
  const files = [...shippedCrdFiles(), ...crdFiles];
  const key = JSON.stringify(files);
  if (!customResourcesByFiles.has(key)) customResourcesByFiles.set(key, new CustomResourceSchemas(readCustomResourceSchemas(files)));
  return customResourcesByFiles.get(key)!;
}

/** Schema checks for every version, then the cross-object rules; an empty result means valid. */
export function validateManifests(docs: ManifestDocument[], options: ValidateOptions = {}): Violation[] {
  const schemas = schemaRule({
    versions: options.versions ?? DEFAULT_VERSIONS,
    schemasDir: options.schemasDir ?? defaultSchemasDir(),
    customResources: customResourcesFor(options.crdFiles ?? []),
  });
  const tokenRules = options.noAutomountedTokens ? [apiTokenNotAutomounted] : [];
  const inCluster = new Set(options.inClusterObjects ?? []);
  return [schemas, ...CROSS_OBJECT_RULES, ...tokenRules].flatMap(rule => rule(docs))
    .filter(violation => violation.missingObject === undefined || !inCluster.has(violation.missingObject));
}
