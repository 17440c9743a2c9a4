import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { CertificateSource, CurlProbe, CurlProbeMode, KeyAlgorithm, SecureNginxApp, SecureNginxAppProps } from '../lib';

/** The host the tutorial's Ingress step answers for. */
export const INGRESS_HOST = 'my-nginx.example.com';

/**
 * The tutorial's nginx, the same in the final state and in every step: the certificate covers the
 * Ingress host everywhere, so all outputs request one certificate for Secret default/nginxsecret
 * and applying a step never swaps the running app's certificate.
 */
export function tutorialNginxProps(certificates: TutorialCertificateOptions = {}): SecureNginxAppProps {
  const { certificateStoreDir, keyAlgorithm } = certificates;
  return {
    name: 'my-nginx', secretName: 'nginxsecret', configMapName: 'nginxconfigmap', extraSans: [INGRESS_HOST], certificateStoreDir,
    certificate: keyAlgorithm === undefined ? undefined : CertificateSource.selfSigned({ keyAlgorithm }),
  };
}

/** How the tutorial's certificate is made and kept, the same in the final state and every step. */
export interface TutorialCertificateOptions {
  /**
   * Where generated certificates are kept between synths.
   * @default see SecureNginxAppProps.certificateStoreDir
   */
  readonly certificateStoreDir?: string;
  /**
   * The certificate's key.
   * @default KeyAlgorithm.RSA_2048, as the docs' `openssl req -newkey rsa:2048`
   */
  readonly keyAlgorithm?: KeyAlgorithm;
}

/** Props of {@link TutorialChart}. */
export interface TutorialChartProps extends ChartProps, TutorialCertificateOptions {}

/**
 * The final state of the Kubernetes tutorial "Connecting Applications with Services": the secure
 * nginx behind a NodePort Service, the curl client pod, a Job that runs the tutorial's check, and
 * a NetworkPolicy that lets only those two reach nginx.
 */
export class TutorialChart extends Chart {
  public readonly nginx: SecureNginxApp;
  public readonly curlClient: CurlProbe;
  public readonly curlCheck: CurlProbe;

  constructor(scope: Construct, id: string, props: TutorialChartProps = {}) {
    super(scope, id, props);
    this.nginx = new SecureNginxApp(this, 'SecureNginx', tutorialNginxProps(props));
    // The docs' names and label.
    this.curlClient = new CurlProbe(this, 'CurlClient', {
      target: this.nginx, mode: CurlProbeMode.CLIENT, name: 'curl-deployment', podLabels: { app: 'curlpod' },
    });
    this.curlCheck = new CurlProbe(this, 'CurlCheck', { target: this.nginx, mode: CurlProbeMode.JOB, name: 'curl-check' });
    this.nginx.endpoint.allowFrom([{ podLabels: this.curlClient.podLabels }, { podLabels: this.curlCheck.podLabels }], 'my-nginx-allow-curl');
  }
}
