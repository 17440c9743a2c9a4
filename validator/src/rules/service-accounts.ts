import { asArray, findObject, missingObjectViolation, namespaceOf, ofKind, violationAt } from '../k8s-objects';
import { podTemplatesOf } from '../pod-templates';
import { ManifestDocument, Rule } from '../types';

/** The shortest `expirationSeconds` the API server accepts for a projected ServiceAccount token. */
const MIN_TOKEN_EXPIRATION_SECONDS = 600;

const RBAC_FIELDS = ['verbs', 'resources', 'apiGroups'] as const;

/** A wildcard grants every verb, resource or group, including those added later: name them instead. */
export const rbacNoWildcards: Rule = docs => [...ofKind(docs, 'Role'), ...ofKind(docs, 'ClusterRole')].flatMap(role =>
  asArray(role.object.rules).flatMap((rule, index) => RBAC_FIELDS.flatMap(field =>
    asArray(rule?.[field]).some(value => typeof value === 'string' && (value === '*' || value.endsWith('/*'))) ? [
      violationAt(role, 'rbac-no-wildcards', `rules[${index}].${field}`,
        `${field} ${JSON.stringify(rule[field])} uses a wildcard, which grants everything (present and future) in it`,
        `list exactly the ${field} the subject needs, e.g. ${field === 'verbs' ? '["get"]' : field === 'resources' ? '["services/proxy"]' : '[""]'}`),
    ] : [])));

/**
 * Every pod gets its ServiceAccount's token mounted unless it or its ServiceAccount says
 * `automountServiceAccountToken: false`. A pod that needs the API mounts a projected token itself.
 */
export const apiTokenNotAutomounted: Rule = docs => podTemplatesOf(docs).flatMap(template => {
  const { spec } = template;
  if (spec.automountServiceAccountToken === false) return [];
  const accountName = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
  const account = findObject(docs, 'ServiceAccount', template.namespace, accountName);
  if (spec.automountServiceAccountToken === undefined && account?.object.automountServiceAccountToken === false) return [];
  return [violationAt(template.doc, 'api-token-not-automounted', `${template.specPath}.automountServiceAccountToken`,
    `the pod gets ServiceAccount ${accountName}'s API token mounted${spec.automountServiceAccountToken === true ? ' (asked for)' : ' by default'}, a credential for anyone who gets into a container`,
    `set ${template.specPath}.automountServiceAccountToken: false; a pod that calls the API mounts a projected serviceAccountToken volume with a short expirationSeconds`)];
});

/** The API server rejects projected tokens shorter-lived than ten minutes. */
export const projectedTokenExpiration: Rule = docs => podTemplatesOf(docs).flatMap(template =>
  asArray(template.spec.volumes).flatMap((volume, volumeIndex) => asArray(volume?.projected?.sources).flatMap((source, index) => {
    const seconds = source?.serviceAccountToken?.expirationSeconds;
    if (seconds === undefined || seconds >= MIN_TOKEN_EXPIRATION_SECONDS) return [];
    return [violationAt(template.doc, 'projected-token-expiration',
      `${template.specPath}.volumes[${volumeIndex}].projected.sources[${index}].serviceAccountToken.expirationSeconds`,
      `${seconds} is below ${MIN_TOKEN_EXPIRATION_SECONDS}, the shortest token lifetime the API server issues`,
      `use at least ${MIN_TOKEN_EXPIRATION_SECONDS} (the kubelet renews the token at 80% of its lifetime)`)];
  })));

/** A RoleBinding to a Role or ServiceAccount that is not there grants nothing (usually a name typo). */
export const roleBindingReferences: Rule = docs => ofKind(docs, 'RoleBinding').flatMap(binding => {
  const namespace = namespaceOf(binding.object);
  const roleRef = binding.object.roleRef;
  const missingRole = roleRef?.kind === 'Role' && !findObject(docs, 'Role', namespace, roleRef.name) ? [
    missingObjectViolation(binding, 'role-binding-references', 'roleRef.name', { kind: 'Role', namespace, name: roleRef.name },
      `Role ${namespace}/${roleRef.name} is not in the manifests`,
      `add the Role to the manifests or fix roleRef.name (Roles: ${names(ofKind(docs, 'Role'), namespace)})`),
  ] : [];
  const missingAccounts = asArray(binding.object.subjects).flatMap((subject, index) => {
    const subjectNamespace = subject?.namespace ?? namespace;
    if (subject?.kind !== 'ServiceAccount' || findObject(docs, 'ServiceAccount', subjectNamespace, subject.name)) return [];
    return [missingObjectViolation(binding, 'role-binding-references', `subjects[${index}].name`,
      { kind: 'ServiceAccount', namespace: subjectNamespace, name: subject.name },
      `ServiceAccount ${subjectNamespace}/${subject.name} is not in the manifests`,
      `add the ServiceAccount or fix the subject (ServiceAccounts: ${names(ofKind(docs, 'ServiceAccount'), subjectNamespace)})`)];
  });
  return [...missingRole, ...missingAccounts];
});

function names(docs: ManifestDocument[], namespace: string | undefined): string {
  return docs.filter(doc => namespaceOf(doc.object) === namespace).map(doc => doc.object.metadata?.name).join(', ') || 'none';
}
