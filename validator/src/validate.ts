import { CROSS_OBJECT_RULES } from './rules';
import { DEFAULT_VERSIONS, defaultSchemasDir, schemaRule } from './schema-validation';
import { ManifestDocument, Violation } from './types';

/** Options of {@link validateManifests}. */
export interface ValidateOptions {
  /** Kubernetes versions whose schemas every document must satisfy (default: DEFAULT_VERSIONS). */
  versions?: string[];
  /** Folder holding `<version>/_definitions.json` (default: $K8S_SCHEMAS_DIR, else the schemas shipped in this package). */
  schemasDir?: string;
}

/** Schema checks for every version, then the cross-object rules; an empty result means valid. */
export function validateManifests(docs: ManifestDocument[], options: ValidateOptions = {}): Violation[] {
  const schemas = schemaRule({
    versions: options.versions ?? DEFAULT_VERSIONS,
    schemasDir: options.schemasDir ?? defaultSchemasDir(),
  });
  return [schemas, ...CROSS_OBJECT_RULES].flatMap(rule => rule(docs));
}
