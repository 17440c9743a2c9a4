import { asArray, describeObject, ofKind, violationAt } from '../k8s-objects';
import { checkFormat, dns1123Label, ianaServiceName, inPortRange, NODE_PORT_RANGE, nodePortClash, PORT_RANGE } from '../name-formats';
import { containersOf, podTemplatesOf } from '../pod-templates';
import { ManifestDocument, Rule, Violation } from '../types';

interface PortField {
  doc: ManifestDocument;
  path: string;
  value: number;
}

function servicePorts(service: ManifestDocument): Array<{ port: any; path: string }> {
  return asArray(service.object.spec?.ports).map((port, index) => ({ port, path: `spec.ports[${index}]` }));
}

function containerPorts(docs: ManifestDocument[]): Array<{ doc: ManifestDocument; port: any; path: string }> {
  return podTemplatesOf(docs).flatMap(template => containersOf(template).flatMap(({ container, path }) =>
    asArray(container?.ports).map((port, index) => ({ doc: template.doc, port, path: `${path}.ports[${index}]` }))));
}

/** Every field holding a TCP/UDP port number (a string targetPort is a name, checked by portNames). */
function portNumberFields(docs: ManifestDocument[]): PortField[] {
  const ofServices = ofKind(docs, 'Service').flatMap(service => servicePorts(service).flatMap(({ port, path }) => [
    { doc: service, path: `${path}.port`, value: port?.port },
    { doc: service, path: `${path}.targetPort`, value: port?.targetPort },
  ]));
  const ofContainers = containerPorts(docs).flatMap(({ doc, port, path }) => [
    { doc, path: `${path}.containerPort`, value: port?.containerPort },
    { doc, path: `${path}.hostPort`, value: port?.hostPort },
  ]);
  return [...ofServices, ...ofContainers].filter((field): field is PortField => typeof field.value === 'number');
}

/** Port numbers must be 1-65535; the schema only says int32. */
export const portRanges: Rule = docs => portNumberFields(docs)
  .filter(({ value }) => !inPortRange(value, PORT_RANGE))
  .map(({ doc, path, value }) => violationAt(doc, 'port-range', path, `port ${value} is outside ${PORT_RANGE.min}-${PORT_RANGE.max}`,
    `use a port number between ${PORT_RANGE.min} and ${PORT_RANGE.max}`));

/** Service port names must be present when there are several, unique, and DNS labels. */
function servicePortNameViolations(service: ManifestDocument): Violation[] {
  const ports = servicePorts(service);
  return ports.flatMap(({ port, path }, index) => {
    const unnamed = port?.name === undefined;
    const firstWithName = ports.findIndex(other => other.port?.name === port?.name);
    return [
      ...(unnamed && ports.length > 1 ? [violationAt(service, 'port-name', `${path}.name`,
        'a Service with several ports must name each of them', 'give the port a name, e.g. "http"')] : []),
      ...(!unnamed && firstWithName !== index ? [violationAt(service, 'port-name', `${path}.name`,
        `port name "${port.name}" is already used by spec.ports[${firstWithName}]`, 'give every port a distinct name')] : []),
      ...checkFormat(service, 'port-name', `${path}.name`, port?.name, dns1123Label, 'use lower case letters, digits and \'-\''),
      ...checkFormat(service, 'port-name', `${path}.targetPort`, port?.targetPort, ianaServiceName, 'use a port number or a valid container port name'),
    ];
  });
}

/** Port names as the API server validates them: container ports and targetPorts are IANA service names. */
export const portNames: Rule = docs => [
  ...ofKind(docs, 'Service').flatMap(servicePortNameViolations),
  ...containerPorts(docs).flatMap(({ doc, port, path }) =>
    checkFormat(doc, 'port-name', `${path}.name`, port?.name, ianaServiceName, 'use at most 15 lower case letters, digits and \'-\', with at least one letter')),
];

interface NodePortClaim {
  service: ManifestDocument;
  path: string;
  nodePort: number;
  protocol: string;
}

function nodePortClaims(docs: ManifestDocument[]): NodePortClaim[] {
  return ofKind(docs, 'Service').flatMap(service => servicePorts(service)
    .filter(({ port }) => typeof port?.nodePort === 'number')
    .map(({ port, path }) => ({ service, path: `${path}.nodePort`, nodePort: port.nodePort, protocol: port.protocol ?? 'TCP' })));
}

function nodePortViolations(claim: NodePortClaim, earlierClaims: NodePortClaim[]): Violation[] {
  const { service, path, nodePort } = claim;
  const type = service.object.spec?.type ?? 'ClusterIP';
  const clash = nodePortClash(claim, earlierClaims);
  return [
    ...(type === 'NodePort' || type === 'LoadBalancer' ? [] : [violationAt(service, 'service-node-port', path,
      `nodePort may only be set on NodePort or LoadBalancer Services, not ${type}`, 'remove the nodePort or change spec.type to NodePort')]),
    ...(inPortRange(nodePort, NODE_PORT_RANGE) ? [] : [violationAt(service, 'service-node-port', path,
      `nodePort ${nodePort} is outside the node port range ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
      `pick a nodePort between ${NODE_PORT_RANGE.min} and ${NODE_PORT_RANGE.max}, or leave it out to have one allocated`)]),
    ...(clash ? [violationAt(service, 'service-node-port', path,
      `nodePort ${nodePort} is already used by ${describeObject(clash.service.object)} ${clash.path} (${clash.service.file}); node ports are cluster-wide`,
      'pick a different nodePort, or leave it out to have one allocated')] : []),
  ];
}

/** Node ports: only on NodePort/LoadBalancer Services, within the default range, and unique in the cluster. */
export const nodePorts: Rule = docs => {
  const claims = nodePortClaims(docs);
  return claims.flatMap((claim, index) => nodePortViolations(claim, claims.slice(0, index)));
};
