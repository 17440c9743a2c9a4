import { asArray, asRecord } from './k8s-objects';

/** metav1.LabelSelector: an empty selector selects everything. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export type Labels = Record<string, string>;

/** Whether a set-based selector (Deployment, NetworkPolicy, ...) selects objects with these labels. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  const matchLabels = Object.entries(asRecord(selector?.matchLabels));
  const expressions = asArray(selector?.matchExpressions);
  return matchLabels.every(([key, value]) => labels[key] === value)
    && expressions.every(expression => expressionMatches(expression, labels));
}

function expressionMatches(expression: { key: string; operator: string; values?: string[] }, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
  const values = asArray(expression.values);
  switch (expression.operator) {
    case 'In': return has && values.includes(labels[expression.key]);
    case 'NotIn': return !has || !values.includes(labels[expression.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    default: return false;
  }
}

export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return Object.keys(asRecord(selector?.matchLabels)).length === 0 && asArray(selector?.matchExpressions).length === 0;
}

/** `a=1,b=2`, for messages. */
export function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  return pairs.length ? pairs.join(',') : '(none)';
}
