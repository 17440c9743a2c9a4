import { effectiveNamespace } from './name-formats';
import { producedObject } from './produced-objects';
import { redactKeyMaterial } from './redact';
import { ManifestDocument, Violation } from './types';

/** The namespace an object ends up in, or undefined for cluster-scoped kinds. */
export function namespaceOf(object: any): string | undefined {
  return effectiveNamespace(object?.kind, object?.metadata?.namespace);
}

/** `Kind/namespace/name` for namespaced objects, `Kind/name` for cluster-scoped ones. */
export function describeObject(object: any): string {
  const namespace = namespaceOf(object);
  const name = object?.metadata?.name ?? '<unnamed>';
  return [object?.kind ?? '<no kind>', namespace, name].filter(part => part !== undefined).join('/');
}

/** Builds a violation whose message names the file, the object and the field path (never key material). */
export function violationAt(doc: ManifestDocument, rule: string, unsafePath: string, unsafeProblem: string, unsafeFix: string): Violation {
  const [path, problem, fix] = [unsafePath, unsafeProblem, unsafeFix].map(redactKeyMaterial);
  const location = redactKeyMaterial(`${doc.file}: ${describeObject(doc.object)} ${path || '(document)'}`);
  return {
    rule,
    file: doc.file,
    kind: redactKeyMaterial(String(doc.object?.kind ?? '')),
    name: redactKeyMaterial(String(doc.object?.metadata?.name ?? '')),
    namespace: namespaceOf(doc.object),
    path,
    message: `${location}: ${problem}. Fix: ${fix}`,
    problem,
    fix,
  };
}

/**
 * A reference to an object that is not in the manifests. The fix also names the way out when the
 * object exists in the cluster already (an existing TLS Secret, a ServiceAccount made elsewhere).
 */
export function missingObjectViolation(doc: ManifestDocument, rule: string, path: string,
  missing: { kind: string; namespace?: string; name: unknown }, problem: string, fix: string): Violation {
  const missingObject = [missing.kind, missing.namespace, String(missing.name)].filter(part => part !== undefined).join('/');
  return {
    ...violationAt(doc, rule, path, problem, `${fix}; if it exists in the cluster already, declare it: inClusterObjects: [${missingObject}] (CLI: --in-cluster ${missingObject})`),
    missingObject,
  };
}

/** The value if it is a list, otherwise an empty list (malformed input is the schema rule's job). */
export function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** The value if it is a map, otherwise an empty map. */
export function asRecord(value: unknown): Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, any> : {};
}

export function ofKind(docs: ManifestDocument[], kind: string): ManifestDocument[] {
  return docs.filter(doc => doc.object?.kind === kind);
}

/**
 * The first document of that kind, namespace and name (core kinds only, as references carry no
 * group), or the Secret or ConfigMap a controller makes from one (see produced-objects.ts).
 */
export function findObject(docs: ManifestDocument[], kind: string, namespace: string | undefined, name: unknown): ManifestDocument | undefined {
  return ofKind(docs, kind).find(doc => doc.object.metadata?.name === name && namespaceOf(doc.object) === namespace)
    ?? producedObject(docs, kind, namespace, name);
}

/** The keys a Secret or ConfigMap provides, from `data`, `stringData` and `binaryData`. */
export function dataKeysOf(object: any): string[] {
  return [object?.data, object?.stringData, object?.binaryData].flatMap(map => Object.keys(asRecord(map)));
}
