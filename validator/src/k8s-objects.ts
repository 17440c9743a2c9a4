import { producedObject } from './produced-objects';
import { ManifestDocument, Violation } from './types';

/** Built-in kinds that live outside namespaces; every other kind is namespaced. */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ClusterTrustBundle',
  'ComponentStatus', 'CSIDriver', 'CSINode', 'CustomResourceDefinition', 'DeviceClass', 'FlowSchema',
  'IngressClass', 'IPAddress', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume', 'PriorityClass',
  'PriorityLevelConfiguration', 'RuntimeClass', 'ServiceCIDR', 'StorageClass', 'StorageVersionMigration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration',
  'VolumeAttachment', 'VolumeAttributesClass',
]);

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> `` (the core group). */
export function apiGroupOf(apiVersion: unknown): string {
  const text = String(apiVersion ?? '');
  return text.includes('/') ? text.slice(0, text.lastIndexOf('/')) : '';
}

/** The namespace an object ends up in, or undefined for cluster-scoped kinds. */
export function namespaceOf(object: any): string | undefined {
  if (CLUSTER_SCOPED_KINDS.has(object?.kind)) return undefined;
  return object?.metadata?.namespace ?? 'default';
}

/** `Kind/namespace/name` for namespaced objects, `Kind/name` for cluster-scoped ones. */
export function describeObject(object: any): string {
  const namespace = namespaceOf(object);
  const name = object?.metadata?.name ?? '<unnamed>';
  return [object?.kind ?? '<no kind>', namespace, name].filter(part => part !== undefined).join('/');
}

/** Builds a violation whose message names the file, the object and the field path. */
export function violationAt(doc: ManifestDocument, rule: string, path: string, problem: string, fix: string): Violation {
  const location = `${doc.file}: ${describeObject(doc.object)} ${path || '(document)'}`;
  return {
    rule,
    file: doc.file,
    kind: String(doc.object?.kind ?? ''),
    name: String(doc.object?.metadata?.name ?? ''),
    namespace: namespaceOf(doc.object),
    path,
    message: `${location}: ${problem}. Fix: ${fix}`,
    problem,
    fix,
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
