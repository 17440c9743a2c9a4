import { asRecord, findObject, namespaceOf } from './k8s-objects';
import { ManifestDocument } from './types';

/**
 * kube-controller-manager publishes the cluster CA as ConfigMap `kube-root-ca.crt` (key `ca.crt`) in
 * every namespace (Kubernetes 1.21+); projected ServiceAccount token volumes use it.
 */
const CLUSTER_PUBLISHED_CONFIGMAPS: Record<string, string[]> = { 'kube-root-ca.crt': ['ca.crt'] };

/**
 * Objects that the cluster's controllers make, so that pods may mount them although no manifest
 * holds them: `kube-root-ca.crt` everywhere; the `kubernetes.io/tls` Secret a cert-manager Certificate
 * names; a trust-manager Bundle's ConfigMap in every namespace it targets. They carry keys, not data.
 */
export function producedObject(docs: ManifestDocument[], kind: string, namespace: string | undefined, name: unknown): ManifestDocument | undefined {
  if (kind === 'Secret') {
    const certificate = docs.find(doc => doc.object?.apiVersion === 'cert-manager.io/v1' && doc.object.kind === 'Certificate'
      && doc.object.spec?.secretName === name && (doc.object.metadata?.namespace ?? 'default') === namespace);
    if (!certificate) return undefined;
    const keys = ['tls.crt', 'tls.key', ...(issuerFillsCa(docs, certificate) ? ['ca.crt'] : [])];
    return produced(certificate, { kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls', data: emptyValues(keys) });
  }
  if (kind === 'ConfigMap' && typeof name === 'string' && CLUSTER_PUBLISHED_CONFIGMAPS[name] && namespace !== undefined) {
    return { file: '(published by the cluster)', index: 0, object: { apiVersion: 'v1', kind, metadata: { name, namespace }, data: emptyValues(CLUSTER_PUBLISHED_CONFIGMAPS[name]) } };
  }
  if (kind === 'ConfigMap') {
    const bundle = docs.find(doc => doc.object?.apiVersion === 'trust.cert-manager.io/v1alpha1' && doc.object.kind === 'Bundle'
      && doc.object.metadata?.name === name && targetsNamespace(docs, doc.object.spec?.target?.namespaceSelector, namespace));
    const key = bundle?.object.spec?.target?.configMap?.key;
    return bundle && typeof key === 'string' ? produced(bundle, { kind: 'ConfigMap', metadata: { name, namespace }, data: emptyValues([key]) }) : undefined;
  }
  return undefined;
}

/** cert-manager fills `ca.crt` for CA, SelfSigned and Vault issuers; an issuer outside the set may. */
function issuerFillsCa(docs: ManifestDocument[], certificate: ManifestDocument): boolean {
  const ref = asRecord(certificate.object.spec?.issuerRef);
  const kind = ref.kind ?? 'Issuer';
  const issuer = docs.find(doc => doc.object?.apiVersion === 'cert-manager.io/v1' && doc.object.kind === kind && doc.object.metadata?.name === ref.name
    && (kind === 'ClusterIssuer' || namespaceOf(doc.object) === namespaceOf(certificate.object)));
  const spec = asRecord(issuer?.object.spec);
  return !issuer || spec.ca !== undefined || spec.selfSigned !== undefined || spec.vault !== undefined;
}

/** A Bundle without a selector targets every namespace; with one, namespaces whose labels (if in the set) match. */
function targetsNamespace(docs: ManifestDocument[], selector: any, namespace: string | undefined): boolean {
  const matchLabels = asRecord(selector?.matchLabels);
  if (namespace === undefined) return false;
  const declared = findObject(docs, 'Namespace', undefined, namespace);
  if (!declared) {
    // The labels of a namespace outside the set are unknown, except the one Kubernetes sets itself.
    const name = matchLabels['kubernetes.io/metadata.name'];
    return name === undefined || name === namespace;
  }
  const labels: Record<string, unknown> = { ...asRecord(declared.object.metadata?.labels), 'kubernetes.io/metadata.name': namespace };
  return Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
}

function produced(from: ManifestDocument, object: Record<string, unknown>): ManifestDocument {
  return { file: from.file, index: from.index, object: { apiVersion: 'v1', ...object } };
}

function emptyValues(keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map(key => [key, '']));
}
