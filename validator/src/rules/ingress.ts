import { asArray, findObject, missingObjectViolation, namespaceOf, ofKind, violationAt } from '../k8s-objects';
import { ManifestDocument, Rule, Violation } from '../types';

/** The service backends of an Ingress: the default backend and every rule path's backend. */
function serviceBackends(ingress: ManifestDocument): Array<{ service: any; path: string }> {
  const spec = ingress.object.spec;
  const ruleBackends = asArray(spec?.rules).flatMap((rule, ruleIndex) => asArray(rule?.http?.paths).map((path, pathIndex) =>
    ({ service: path?.backend?.service, path: `spec.rules[${ruleIndex}].http.paths[${pathIndex}].backend.service` })));
  return [{ service: spec?.defaultBackend?.service, path: 'spec.defaultBackend.service' }, ...ruleBackends]
    .filter(backend => backend.service);
}

function backendViolations(ingress: ManifestDocument, backend: { service: any; path: string }, docs: ManifestDocument[]): Violation[] {
  const namespace = namespaceOf(ingress.object);
  const service = findObject(docs, 'Service', namespace, backend.service.name);
  if (!service) {
    return [missingObjectViolation(ingress, 'ingress-backend-service', `${backend.path}.name`,
      { kind: 'Service', namespace, name: backend.service.name },
      `Service "${backend.service.name}" is not in the manifests (namespace ${namespace}); the ingress controller answers 503`,
      `add Service ${namespace}/${backend.service.name} or point the backend at an existing Service`)];
  }
  const { number, name } = backend.service.port ?? {};
  const servicePorts = asArray(service.object.spec?.ports);
  const exists = servicePorts.some(port => (number !== undefined ? port?.port === number : port?.name === name));
  if (exists) return [];
  const offered = servicePorts.map(port => (port?.name ? `${port.name}=${port.port}` : String(port?.port))).join(', ') || 'none';
  return [violationAt(ingress, 'ingress-backend-service', `${backend.path}.port.${number !== undefined ? 'number' : 'name'}`,
    `Service ${namespace}/${backend.service.name} has no port ${JSON.stringify(number ?? name)} (its ports: ${offered})`,
    'use one of the Service\'s port numbers or names')];
}

/** Every Ingress backend must be a Service in the set, on a port that Service exposes. */
export const ingressBackends: Rule = docs => ofKind(docs, 'Ingress').flatMap(ingress =>
  serviceBackends(ingress).flatMap(backend => backendViolations(ingress, backend, docs)));

/** Every TLS secretName must be a kubernetes.io/tls Secret in the set, or the controller serves its default certificate. */
export const ingressTlsSecrets: Rule = docs => ofKind(docs, 'Ingress').flatMap(ingress => {
  const namespace = namespaceOf(ingress.object);
  return asArray(ingress.object.spec?.tls).flatMap((tls, index) => {
    if (tls?.secretName === undefined) return [];
    const secret = findObject(docs, 'Secret', namespace, tls.secretName);
    if (secret?.object.type === 'kubernetes.io/tls') return [];
    const path = `spec.tls[${index}].secretName`;
    const fix = `add a kubernetes.io/tls Secret ${namespace}/${tls.secretName} with tls.crt and tls.key`;
    if (!secret) {
      return [missingObjectViolation(ingress, 'ingress-tls-secret', path, { kind: 'Secret', namespace, name: tls.secretName },
        `Secret "${tls.secretName}" is not in the manifests (namespace ${namespace})`, fix)];
    }
    return [violationAt(ingress, 'ingress-tls-secret', path, `Secret ${namespace}/${tls.secretName} has type ${secret.object.type ?? 'Opaque'}, not kubernetes.io/tls`, fix)];
  });
});
