import { asArray, asRecord, describeObject, namespaceOf, ofKind, violationAt } from '../k8s-objects';
import { formatLabels, isEmptySelector, selectorMatches } from '../label-selectors';
import { containersOf, formatContainerPorts, PodTemplate, podTemplatesOf } from '../pod-templates';
import { ManifestDocument, Rule, Violation } from '../types';

/** Services that route to pods: they have a selector and are not ExternalName aliases. */
function selectingServices(docs: ManifestDocument[]): ManifestDocument[] {
  return ofKind(docs, 'Service').filter(service =>
    service.object.spec?.type !== 'ExternalName' && !isEmptySelector({ matchLabels: service.object.spec?.selector }));
}

/** The pod templates in the Service's namespace whose labels its selector matches. */
function selectedTemplates(service: ManifestDocument, docs: ManifestDocument[]): PodTemplate[] {
  const selector = { matchLabels: asRecord(service.object.spec?.selector) };
  return podTemplatesOf(docs).filter(template =>
    template.namespace === namespaceOf(service.object) && selectorMatches(selector, template.labels));
}

function describeTemplates(templates: PodTemplate[]): string {
  const described = templates.map(template => `${describeObject(template.doc.object)} (${formatLabels(template.labels)})`);
  return described.length ? described.join('; ') : 'none';
}

/** A Service selecting no pod template gets no endpoints: connections to it are refused. */
export const serviceSelectsWorkload: Rule = docs => selectingServices(docs).flatMap(service => {
  if (selectedTemplates(service, docs).length) return [];
  const namespace = namespaceOf(service.object);
  const candidates = podTemplatesOf(docs).filter(template => template.namespace === namespace);
  return [violationAt(service, 'service-selector-matches-workload', 'spec.selector',
    `selector ${formatLabels(service.object.spec.selector)} matches the pod template labels of no workload in namespace ${namespace}, so the Service has no endpoints`,
    `make spec.selector a subset of the pod template labels of the workload to route to (workloads in ${namespace}: ${describeTemplates(candidates)})`)];
});

/** A violation when a Service port's target (targetPort, or port when absent) is not declared by the selected containers. */
function unreachedTargetPort(service: ManifestDocument, port: any, index: number, templates: PodTemplate[]): Violation[] {
  const target = port?.targetPort ?? port?.port;
  // Anything but a number or a name is a schema violation, reported there.
  if (typeof target !== 'number' && typeof target !== 'string') return [];
  const protocol = port?.protocol ?? 'TCP';
  const containerPorts = templates.flatMap(containersOf).flatMap(({ container }) => asArray(container?.ports));
  const reached = containerPorts.some(containerPort => (containerPort?.protocol ?? 'TCP') === protocol
    && (typeof target === 'number' ? containerPort.containerPort === target : containerPort.name === target));
  if (reached) return [];
  const byName = typeof target === 'string';
  const path = port?.targetPort === undefined ? `spec.ports[${index}].port` : `spec.ports[${index}].targetPort`;
  return [violationAt(service, 'service-target-port', path,
    `target port ${JSON.stringify(target)}/${protocol} is not a ${byName ? 'named ' : ''}container port of the selected workloads `
    + `${describeTemplates(templates)}, which declare ${formatContainerPorts(containerPorts)}`,
    byName
      ? `set targetPort to one of the declared port names or numbers, or name the container port "${target}"`
      : `set targetPort to one of the declared container ports, or declare containerPort ${target} on the container`)];
}

/** Every Service port must reach a port the selected containers declare (by number, or by name for named targetPorts). */
export const serviceTargetPorts: Rule = docs => selectingServices(docs).flatMap(service => {
  const templates = selectedTemplates(service, docs);
  // A selector matching nothing is serviceSelectsWorkload's finding.
  if (!templates.length) return [];
  return asArray(service.object.spec?.ports).flatMap((port, index) => unreachedTargetPort(service, port, index, templates));
});

/** An ExternalName Service is a DNS alias; a selector on it does nothing and signals a mix-up. */
export const externalNameWithoutSelector: Rule = docs => ofKind(docs, 'Service')
  .filter(service => service.object.spec?.type === 'ExternalName' && !isEmptySelector({ matchLabels: service.object.spec?.selector }))
  .map(service => violationAt(service, 'external-name-service-selector', 'spec.selector',
    'an ExternalName Service resolves to spec.externalName and never routes to the pods its selector matches',
    'remove spec.selector, or change spec.type to ClusterIP to route to pods'));
