import { describeObject, violationAt } from '../k8s-objects';
import { objectIdentity } from '../name-formats';
import { ManifestDocument, Rule } from '../types';

function identityOf(object: any): string {
  return objectIdentity(object?.apiVersion, object?.kind, object?.metadata?.namespace, object?.metadata?.name);
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
