import { Construct } from 'constructs';
import { CertificateAuthority } from './certificate-authority';
import { DAY_MS, readCertificateFacts } from './certificate';
import {
  BoundCertificate, clientTrust, GeneratedCertificateOptions, ICertificateSource, reportProblems, secretReference, ServingCertificateRequest, tlsSecret,
} from './certificate-source';
import { defaultCertificateStoreDir, obtainCertificate, rotationRequested } from './certificate-store';
import { ConfigMapCaTrust } from './certificate-trust';
import { isKeyAlgorithm, KEY_ALGORITHMS, KeyAlgorithm } from './key-algorithm';
import { PropsValidator } from './prop-validation';

/**
 * A leaf generated at synth time and kept in the certificate store: self-signed (clients trust the
 * leaf itself), or signed by a {@link CertificateAuthority} (clients trust only the CA).
 */
export class GeneratedCertificateSource implements ICertificateSource {
  constructor(private readonly options: GeneratedCertificateOptions, private readonly authority?: CertificateAuthority) {}

  public bind(scope: Construct, request: ServingCertificateRequest): BoundCertificate {
    const keyAlgorithm = this.options.keyAlgorithm ?? KeyAlgorithm.RSA_2048;
    const validityDays = this.options.validityDays ?? 365;
    const now = new Date();
    const check = new PropsValidator(scope, 'ServingCertificate');
    check.check(isKeyAlgorithm(keyAlgorithm), 'source.keyAlgorithm', `${String(keyAlgorithm)} is not supported: use one of ${KEY_ALGORITHMS.join(', ')}`);
    check.integerAtLeast('source.validityDays', validityDays, 1);
    const ca = this.authority?._obtain(now);
    reportProblems(check, `source.authority (${this.authority?.name})`, ca?.problems ?? []);
    if (ca?.pair) {
      const caExpiry = readCertificateFacts(ca.pair.certificatePem).notAfter;
      check.check(caExpiry.getTime() > now.getTime() + validityDays * DAY_MS, 'source.validityDays',
        `a ${validityDays}-day leaf would outlive its CA ${this.authority!.name} (valid until ${caExpiry.toISOString()}): shorten validityDays or renew the CA`);
    }
    check.throwIfInvalid();

    const pair = obtainCertificate({
      commonName: request.commonName,
      organization: request.organization,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
      validityDays,
      keyAlgorithm,
      issuerCertificatePem: ca?.pair?.certificatePem,
    }, {
      directory: this.options.storeDir ?? defaultCertificateStoreDir(),
      // Keyed by what the cluster sees, so every output (final state, steps) emitting this Secret agrees.
      usedAs: [request.namespace, request.secretName],
      requestedBy: scope.node.path,
      // The process start: every app of this synth that shares the entry shares the new certificate.
      replaceOlderThan: (this.options.rotate ?? rotationRequested(request.rotationNames)) ? new Date(performance.timeOrigin) : undefined,
      issuerPrivateKeyPem: ca?.pair?.privateKeyPem,
      now,
    });
    const caCertificatePem = ca?.pair?.certificatePem;
    return {
      secret: secretReference(scope, request),
      secretObject: tlsSecret(scope, request, pair, caCertificatePem),
      certificatePem: pair.certificatePem,
      dnsNames: request.dnsNames,
      trust: caCertificatePem
        ? new ConfigMapCaTrust(caCertificatePem, this.authority!.configMapName)
        : clientTrust(request, pair.certificatePem, true),
    };
  }
}
