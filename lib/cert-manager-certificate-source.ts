import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CERT_MANAGER_API_VERSION, CertManagerAuthority, hours } from './cert-manager-authority';
import {
  BoundCertificate, CertManagerCertificateOptions, ICertificateSource, optional, secretReference, ServingCertificateRequest,
} from './certificate-source';
import { certManagerPrivateKey, isKeyAlgorithm, isSigningOnlyKey, KEY_ALGORITHMS, KeyAlgorithm } from './key-algorithm';
import { PropsValidator } from './prop-validation';

/** cert-manager's limit on `commonName` (the X.509 upper bound). */
const MAX_COMMON_NAME_LENGTH = 64;

/**
 * A cert-manager `Certificate` for the server's Secret: cert-manager generates the key in the cluster,
 * has the {@link CertManagerAuthority} sign it, and renews it; the synth writes no key material.
 */
export class CertManagerCertificateSource implements ICertificateSource {
  constructor(private readonly authority: CertManagerAuthority, private readonly options: CertManagerCertificateOptions) {}

  public bind(scope: Construct, request: ServingCertificateRequest): BoundCertificate {
    const keyAlgorithm = this.options.keyAlgorithm ?? KeyAlgorithm.ECDSA_P256;
    const validityDays = this.options.validityDays ?? 90;
    const check = new PropsValidator(scope, 'ServingCertificate');
    check.check(isKeyAlgorithm(keyAlgorithm), 'source.keyAlgorithm', `${String(keyAlgorithm)} is not supported: use one of ${KEY_ALGORITHMS.join(', ')}`);
    check.integerAtLeast('source.validityDays', validityDays, 1);
    check.check(!(validityDays >= this.authority.validityDays), 'source.validityDays',
      `${validityDays} days is not shorter than the ${this.authority.validityDays}-day CA ${this.authority.name}: a leaf must expire before its CA`);
    check.check(request.commonName.length <= MAX_COMMON_NAME_LENGTH, 'commonName', `is longer than ${MAX_COMMON_NAME_LENGTH} characters, which cert-manager refuses`);
    check.throwIfInvalid();

    new ApiObject(scope, 'Certificate', {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'Certificate',
      metadata: { name: request.secretName, namespace: request.namespace, labels: request.labels },
      spec: {
        secretName: request.secretName,
        secretTemplate: { labels: request.labels, annotations: optional(request.annotations) },
        commonName: request.commonName,
        subject: { organizations: [request.organization] },
        dnsNames: request.dnsNames,
        ...(request.ipAddresses.length > 0 ? { ipAddresses: request.ipAddresses } : {}),
        duration: hours(validityDays),
        usages: ['server auth', 'digital signature', ...(isSigningOnlyKey(keyAlgorithm) ? [] : ['key encipherment'])],
        privateKey: { ...certManagerPrivateKey(keyAlgorithm), rotationPolicy: 'Always' },
        issuerRef: this.authority.issuerRef,
      },
    });
    return {
      secret: secretReference(scope, request),
      dnsNames: request.dnsNames,
      trust: this.authority.trustFor(request.namespace, request.secretName),
    };
  }
}
