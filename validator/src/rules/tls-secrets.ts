import { dataKeysOf, ofKind, violationAt } from '../k8s-objects';
import { Rule } from '../types';

const TLS_KEYS = ['tls.crt', 'tls.key'];

/** The API server requires both tls.crt and tls.key in a kubernetes.io/tls Secret. */
export const tlsSecretKeys: Rule = docs => ofKind(docs, 'Secret')
  .filter(secret => secret.object.type === 'kubernetes.io/tls')
  .flatMap(secret => TLS_KEYS.filter(key => !dataKeysOf(secret.object).includes(key)).map(key =>
    violationAt(secret, 'tls-secret-keys', `data["${key}"]`,
      `a kubernetes.io/tls Secret must contain "${key}"`,
      `add the PEM-encoded ${key === 'tls.crt' ? 'certificate' : 'private key'} under data["${key}"] (base64) or stringData["${key}"]`)));
