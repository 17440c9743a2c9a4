import { asArray, dataKeysOf, findObject, missingObjectViolation, violationAt } from '../k8s-objects';
import { volumeSourceRefs } from '../mounted-files';
import { containersOf, PodTemplate, podTemplatesOf } from '../pod-templates';
import { ManifestDocument, Rule, Violation } from '../types';

/** Problems with one volume's Secret/ConfigMap sources: missing objects and missing `items` keys. */
function volumeSourceViolations(template: PodTemplate, volume: any, volumePath: string, docs: ManifestDocument[]): Violation[] {
  return volumeSourceRefs(volume).filter(ref => !ref.optional).flatMap(ref => {
    const source = findObject(docs, ref.kind, template.namespace, ref.name);
    if (!source) {
      return [missingObjectViolation(template.doc, 'volume-source-exists', `${volumePath}.${ref.namePath}`,
        { kind: ref.kind, namespace: template.namespace, name: ref.name },
        `${ref.kind} "${ref.name}" is not in the manifests (namespace ${template.namespace}); the pod would be stuck in ContainerCreating`,
        `add ${ref.kind} ${template.namespace}/${ref.name} to the manifests, fix the name, or set optional: true`)];
    }
    const keys = dataKeysOf(source.object);
    return asArray(ref.items).flatMap((item, index) => keys.includes(item?.key) ? [] : [
      violationAt(template.doc, 'volume-source-exists', `${volumePath}.${ref.path}.items[${index}].key`,
        `${ref.kind} ${template.namespace}/${ref.name} (${source.file}) has no key "${item?.key}" (it has ${keys.join(', ') || 'no keys'})`,
        `use one of the existing keys, or add "${item?.key}" to the ${ref.kind}`),
    ]);
  });
}

/** Secret/ConfigMap volumes must refer to objects (and keys) in the output set, or the pod never starts. */
export const volumeSourcesExist: Rule = docs => podTemplatesOf(docs).flatMap(template =>
  asArray(template.spec.volumes).flatMap((volume, index) =>
    volumeSourceViolations(template, volume, `${template.specPath}.volumes[${index}]`, docs)));

/** Every volumeMount must name a volume of the pod (the API server rejects it otherwise). */
export const volumeMountsDeclared: Rule = docs => podTemplatesOf(docs).flatMap(template => {
  const volumeNames = asArray(template.spec.volumes).map(volume => volume?.name);
  return containersOf(template).flatMap(({ container, path }) =>
    asArray(container?.volumeMounts).flatMap((mount, index) => volumeNames.includes(mount?.name) ? [] : [
      violationAt(template.doc, 'volume-mount-declared', `${path}.volumeMounts[${index}].name`,
        `volume "${mount?.name}" is not declared in ${template.specPath}.volumes (declared: ${volumeNames.join(', ') || 'none'})`,
        `add a volume named "${mount?.name}" or mount one of the declared volumes`),
    ]));
});

/** Two mounts on one path in one container are rejected by the API server ("must be unique"). */
export const mountPathsUnique: Rule = docs => podTemplatesOf(docs).flatMap(template =>
  containersOf(template).flatMap(({ container, path }) => {
    const mounts = asArray(container?.volumeMounts);
    return mounts.flatMap((mount, index) => {
      const first = mounts.findIndex(other => other?.mountPath === mount?.mountPath);
      return first === index ? [] : [violationAt(template.doc, 'volume-mount-path-unique', `${path}.volumeMounts[${index}].mountPath`,
        `mountPath ${mount?.mountPath} is already used by ${path}.volumeMounts[${first}]`,
        'mount the volume elsewhere, or combine the sources into one projected volume')];
    });
  }));
