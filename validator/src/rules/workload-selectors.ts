import { violationAt } from '../k8s-objects';
import { formatLabels, isEmptySelector, selectorMatches } from '../label-selectors';
import { podTemplateOf } from '../pod-templates';
import { Rule } from '../types';

/** Kinds whose controller adopts pods by spec.selector (a metav1.LabelSelector). */
const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/**
 * The API server rejects a workload whose selector does not match its own pod template labels
 * ("selector does not match template labels"), and an empty selector, which would adopt every pod.
 */
export const workloadSelectorMatchesTemplate: Rule = docs => docs.flatMap(doc => {
  const kind = doc.object?.kind;
  const template = podTemplateOf(doc);
  const selector = doc.object?.spec?.selector;
  // A missing selector is the schema's finding; a Job's is optional (generated when absent).
  if (!template || selector === undefined || !SELECTOR_KINDS.has(kind)) return [];
  if (isEmptySelector(selector)) {
    return [violationAt(doc, 'workload-selector-matches-template', 'spec.selector', `an empty selector is invalid for a ${kind}`,
      `set spec.selector.matchLabels to the pod template labels (${formatLabels(template.labels)})`)];
  }
  if (selectorMatches(selector, template.labels)) return [];
  return [violationAt(doc, 'workload-selector-matches-template', 'spec.selector',
    `selector does not match the pod template labels at ${template.labelsPath} (${formatLabels(template.labels)})`,
    `make spec.selector.matchLabels a subset of ${template.labelsPath}`)];
});
