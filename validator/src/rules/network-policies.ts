import { namespaceOf, ofKind, violationAt } from '../k8s-objects';
import { formatLabels, selectorMatches } from '../label-selectors';
import { podTemplatesOf } from '../pod-templates';
import { Rule } from '../types';

/** A NetworkPolicy whose podSelector selects no workload in its namespace protects nothing (usually a label typo). */
export const networkPolicySelectsWorkload: Rule = docs => ofKind(docs, 'NetworkPolicy').flatMap(policy => {
  const namespace = namespaceOf(policy.object);
  const selector = policy.object.spec?.podSelector;
  const templates = podTemplatesOf(docs).filter(template => template.namespace === namespace);
  if (templates.some(template => selectorMatches(selector, template.labels))) return [];
  const available = templates.map(template => formatLabels(template.labels)).join('; ') || 'no workloads';
  return [violationAt(policy, 'network-policy-selects-workload', 'spec.podSelector',
    `podSelector selects no workload in namespace ${namespace}, so the policy has no effect`,
    `match the pod template labels of a workload in ${namespace} (${available})`)];
});
