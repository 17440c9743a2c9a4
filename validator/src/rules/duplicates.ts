import { apiGroupOf, describeObject, namespaceOf, violationAt } from '../k8s-objects';
import { ManifestDocument, Rule } from '../types';

/** What the API server identifies an object by: one object per group, kind, namespace and name. */
function identityOf(object: any): string {
  return JSON.stringify([apiGroupOf(object?.apiVersion), object?.kind, namespaceOf(object) ?? '', object?.metadata?.name]);
}

/** A second object with the same identity would overwrite the first on `kubectl apply`. */
export const duplicateObjects: Rule = docs => {
  const firstByIdentity = new Map<string, ManifestDocument>();
  return docs.flatMap(doc => {
    if (!doc.object?.kind || !doc.object?.metadata?.name) return [];
    const identity = identityOf(doc.object);
    const first = firstByIdentity.get(identity);
    if (!first) {
      firstByIdentity.set(identity, doc);
      return [];
    }
    return [violationAt(doc, 'duplicate-object', 'metadata.name',
      `${describeObject(doc.object)} is also defined in ${first.file} (document ${first.index + 1}); the later one silently replaces the earlier`,
      'rename one of them or remove the duplicate')];
  });
};
