import { violationAt } from './k8s-objects';
import { FormatCheck } from '../../lib/api-rules';
import { ManifestDocument, Violation } from './types';

// The API server's rules, shared with the constructs that must satisfy them.
export * from '../../lib/api-rules';

/** Applies a format check to one field of a document; non-strings are left to the schema rule. */
export function checkFormat(doc: ManifestDocument, rule: string, path: string, value: unknown, check: FormatCheck, fix: string): Violation[] {
  const problem = typeof value === 'string' ? check(value) : undefined;
  return problem ? [violationAt(doc, rule, path, problem, fix)] : [];
}
