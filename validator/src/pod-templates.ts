import { asArray, asRecord, namespaceOf } from './k8s-objects';
import { Labels } from './label-selectors';
import { ManifestDocument } from './types';

/** The pod a workload creates: its labels and PodSpec, with the field paths to both. */
export interface PodTemplate {
  doc: ManifestDocument;
  namespace: string;
  labels: Labels;
  labelsPath: string;
  spec: any;
  specPath: string;
}

export interface ContainerAt {
  container: any;
  path: string;
}

/** Where each pod-creating kind keeps its pod template (a Pod is its own template). */
const POD_TEMPLATE_FIELDS: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export function podTemplateOf(doc: ManifestDocument): PodTemplate | undefined {
  const fields = POD_TEMPLATE_FIELDS[doc.object?.kind];
  const template = fields?.reduce((value, field) => value?.[field], doc.object);
  if (!template) return undefined;
  const prefix = fields.map(field => `${field}.`).join('');
  return {
    doc,
    namespace: namespaceOf(doc.object) ?? 'default',
    labels: asRecord(template.metadata?.labels),
    labelsPath: `${prefix}metadata.labels`,
    spec: asRecord(template.spec),
    specPath: `${prefix}spec`,
  };
}

export function podTemplatesOf(docs: ManifestDocument[]): PodTemplate[] {
  return docs.flatMap(doc => podTemplateOf(doc) ?? []);
}

/** App and init containers (native sidecars are init containers and may serve ports). */
export function containersOf(template: PodTemplate): ContainerAt[] {
  return (['containers', 'initContainers'] as const).flatMap(field =>
    asArray(template.spec[field]).map((container, index) => ({ container, path: `${template.specPath}.${field}[${index}]` })));
}

/** `http=8080/TCP, 8443/TCP`, for messages. */
export function formatContainerPorts(ports: any[]): string {
  const described = ports.map(port => `${port.name ? `${port.name}=` : ''}${port.containerPort}/${port.protocol ?? 'TCP'}`);
  return described.length ? described.join(', ') : '(none)';
}
