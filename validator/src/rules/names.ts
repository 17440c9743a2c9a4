import { childPath } from '../field-path';
import { asArray, asRecord, violationAt } from '../k8s-objects';
import {
  checkFormat, dataKey, dns1035Label, dns1123Label, dns1123Subdomain, FormatCheck, labelKey, labelValue, pathSegmentName,
} from '../name-formats';
import { podTemplateOf } from '../pod-templates';
import { ManifestDocument, Rule, Violation } from '../types';

interface NameFormat {
  check: FormatCheck;
  fix: string;
}

const SUBDOMAIN: NameFormat = { check: dns1123Subdomain, fix: 'use lower case letters, digits, \'-\' and \'.\' (at most 253 characters)' };
const RBAC_NAME: NameFormat = { check: pathSegmentName, fix: 'drop \'/\' and \'%\' from the name' };

/** The API server's name rule per kind (apimachinery's ValidateObjectMeta callers); the rest use DNS-1123 subdomains. */
const NAME_FORMAT_BY_KIND: Record<string, NameFormat> = {
  Service: { check: dns1035Label, fix: 'use lower case letters, digits and \'-\', starting with a letter (at most 63 characters)' },
  Namespace: { check: dns1123Label, fix: 'use lower case letters, digits and \'-\' (at most 63 characters)' },
  Role: RBAC_NAME,
  ClusterRole: RBAC_NAME,
  RoleBinding: RBAC_NAME,
  ClusterRoleBinding: RBAC_NAME,
};

/** metadata.name (per kind) and metadata.namespace, as the API server validates them. */
export const objectNames: Rule = docs => docs.flatMap(doc => {
  const { metadata, kind } = asRecord(doc.object);
  const nameFormat = NAME_FORMAT_BY_KIND[kind] ?? SUBDOMAIN;
  return [
    ...checkFormat(doc, 'object-name', 'metadata.name', metadata?.name, nameFormat.check, nameFormat.fix),
    ...checkFormat(doc, 'object-name', 'metadata.namespace', metadata?.namespace, dns1123Label, 'use an existing namespace name (a DNS-1123 label)'),
  ];
});

/** Secret and ConfigMap keys become file names when mounted; the API server restricts their characters. */
export const dataKeySyntax: Rule = docs => docs
  .filter(doc => doc.object?.kind === 'Secret' || doc.object?.kind === 'ConfigMap')
  .flatMap(doc => ['data', 'stringData', 'binaryData'].flatMap(field => Object.keys(asRecord(doc.object[field])).flatMap(key =>
    checkFormat(doc, 'data-key-syntax', childPath(field, key), key, dataKey, 'rename the key using letters, digits, \'-\', \'_\' and \'.\''))));

/** Kinds whose spec.selector is a metav1.LabelSelector (Service and ReplicationController use a plain map). */
const LABEL_SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'PodDisruptionBudget']);

/** Every label map of a document: its own labels, its pod template's labels and its selectors' matchLabels. */
function labelMapsOf(doc: ManifestDocument): Array<{ path: string; labels: Record<string, unknown> }> {
  const object = doc.object;
  const template = podTemplateOf(doc);
  const hasMapSelector = object?.kind === 'Service' || object?.kind === 'ReplicationController';
  const maps = [
    { path: 'metadata.labels', labels: object?.metadata?.labels },
    ...(template ? [{ path: template.labelsPath, labels: template.labels }] : []),
    ...(hasMapSelector ? [{ path: 'spec.selector', labels: object.spec?.selector }] : []),
    ...labelSelectorsOf(object).map(({ path, selector }) => ({ path: `${path}.matchLabels`, labels: selector?.matchLabels })),
  ];
  // A Pod is its own template: keep each path once.
  const byPath = new Map(maps.map(map => [map.path, asRecord(map.labels)]));
  return [...byPath].map(([path, labels]) => ({ path, labels }));
}

function labelSelectorsOf(object: any): Array<{ path: string; selector: any }> {
  const selectors = [
    ...(LABEL_SELECTOR_KINDS.has(object?.kind) ? [{ path: 'spec.selector', selector: object.spec?.selector }] : []),
    ...(object?.kind === 'NetworkPolicy' ? [{ path: 'spec.podSelector', selector: object.spec?.podSelector }] : []),
  ];
  return selectors.filter(({ selector }) => selector);
}

const LABEL_KEY_FIX = 'use an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\'';
const LABEL_VALUE_FIX = 'use at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit (or an empty value)';

function labelMapViolations(doc: ManifestDocument, path: string, labels: Record<string, unknown>): Violation[] {
  return Object.entries(labels).flatMap(([key, value]) => {
    const valuePath = childPath(path, key);
    const valueViolations = typeof value === 'string'
      ? checkFormat(doc, 'label-syntax', valuePath, value, labelValue, LABEL_VALUE_FIX)
      : [violationAt(doc, 'label-syntax', valuePath, `label value ${JSON.stringify(value)} is not a string`, 'quote the value in the YAML')];
    return [...checkFormat(doc, 'label-syntax', valuePath, key, labelKey, LABEL_KEY_FIX), ...valueViolations];
  });
}

function selectorExpressionViolations(doc: ManifestDocument, path: string, selector: any): Violation[] {
  return asArray(selector?.matchExpressions).flatMap((expression, index) => {
    const expressionPath = `${path}.matchExpressions[${index}]`;
    return [
      ...checkFormat(doc, 'label-syntax', `${expressionPath}.key`, expression?.key, labelKey, LABEL_KEY_FIX),
      ...asArray(expression?.values).flatMap((value, valueIndex) =>
        checkFormat(doc, 'label-syntax', `${expressionPath}.values[${valueIndex}]`, value, labelValue, LABEL_VALUE_FIX)),
    ];
  });
}

/** Label keys and values (labels, pod template labels, selectors) and annotation keys. */
export const labelSyntax: Rule = docs => docs.flatMap(doc => [
  ...labelMapsOf(doc).flatMap(({ path, labels }) => labelMapViolations(doc, path, labels)),
  ...labelSelectorsOf(doc.object).flatMap(({ path, selector }) => selectorExpressionViolations(doc, path, selector)),
  ...Object.keys(asRecord(doc.object?.metadata?.annotations)).flatMap(key =>
    checkFormat(doc, 'label-syntax', childPath('metadata.annotations', key), key, labelKey, LABEL_KEY_FIX)),
]);
