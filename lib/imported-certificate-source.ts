import { Construct } from 'constructs';
import { readPem } from './certificate-authority';
import { readCertificateFacts } from './certificate';
import { CertificateProblem, servingCertificateProblems } from './certificate-checks';
import {
  BoundCertificate, ExistingSecretOptions, ICertificateSource, PemCertificateOptions, PemFileCertificateOptions,
  clientTrust, reportProblems, secretReference, ServingCertificateRequest, tlsSecret,
} from './certificate-source';
import { selfSignedSecretTrust } from './certificate-trust';
import { PropsValidator } from './prop-validation';

/** A certificate and key given as PEM, checked before they go into the Secret. */
export class PemCertificateSource implements ICertificateSource {
  constructor(private readonly options: PemCertificateOptions) {}

  public bind(scope: Construct, request: ServingCertificateRequest): BoundCertificate {
    return bindPem(scope, request, this.options, [], {});
  }
}

/** A certificate and key read from PEM files at synth time, then checked like {@link PemCertificateSource}. */
export class PemFileCertificateSource implements ICertificateSource {
  constructor(private readonly options: PemFileCertificateOptions) {}

  public bind(scope: Construct, request: ServingCertificateRequest): BoundCertificate {
    const fields = { certificate: 'certificateFile', privateKey: 'privateKeyFile', caCertificate: 'caCertificateFile' };
    const read = {
      certificate: readPem(this.options.certificateFile),
      privateKey: readPem(this.options.privateKeyFile),
      caCertificate: this.options.caCertificateFile === undefined ? {} : readPem(this.options.caCertificateFile),
    };
    const unreadable = Object.entries(read).flatMap(([part, file]) => (file.error ? [{ part, problem: file.error } as CertificateProblem] : []));
    return bindPem(scope, request, {
      certificatePem: read.certificate.text ?? '',
      privateKeyPem: read.privateKey.text ?? '',
      caCertificatePem: read.caCertificate.text,
    }, unreadable, fields);
  }
}

/** A `kubernetes.io/tls` Secret that exists in the cluster already: the synth writes no Secret. */
export class ExistingSecretSource implements ICertificateSource {
  constructor(private readonly options: ExistingSecretOptions) {}

  public bind(scope: Construct, request: ServingCertificateRequest): BoundCertificate {
    const { certificatePem, caCertificatePem } = this.options;
    const check = new PropsValidator(scope, 'ServingCertificate');
    if (certificatePem !== undefined) {
      reportProblems(check, 'source', servingCertificateProblems({ certificatePem, caCertificatePem }, request, new Date()));
    }
    check.throwIfInvalid();
    const caPem = caCertificatePem ?? certificatePem;
    return {
      secret: secretReference(scope, request),
      certificatePem,
      dnsNames: certificatePem ? readCertificateFacts(certificatePem).dnsNames : request.dnsNames,
      trust: caPem ? clientTrust(request, caPem, caCertificatePem === undefined) : selfSignedSecretTrust(request.namespace, request.secretName,
        'pass caCertificatePem to CertificateSource.fromExistingSecret, so clients in other namespaces get it in a ConfigMap'),
    };
  }
}

function bindPem(
  scope: Construct, request: ServingCertificateRequest, input: PemCertificateOptions, unreadable: CertificateProblem[], fields: Record<string, string>,
): BoundCertificate {
  const check = new PropsValidator(scope, 'ServingCertificate');
  reportProblems(check, 'source', unreadable.length > 0 ? unreadable : servingCertificateProblems(input, request, new Date()), fields);
  check.throwIfInvalid();
  return {
    secret: secretReference(scope, request),
    secretObject: tlsSecret(scope, request, input, input.caCertificatePem),
    certificatePem: input.certificatePem,
    dnsNames: readCertificateFacts(input.certificatePem).dnsNames,
    trust: clientTrust(request, input.caCertificatePem ?? input.certificatePem, input.caCertificatePem === undefined),
  };
}
