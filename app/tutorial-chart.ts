import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { CurlProbe, CurlProbeMode, SecureNginxApp } from '../lib';

/** Props of {@link TutorialChart}. */
export interface TutorialChartProps extends ChartProps {
  /**
   * Where generated certificates are kept between synths.
   * @default see SecureNginxAppProps.certificateStoreDir
   */
  readonly certificateStoreDir?: string;
}

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
    this.nginx = new SecureNginxApp(this, 'SecureNginx', {
      name: 'my-nginx',
      secretName: 'nginxsecret',
      configMapName: 'nginxconfigmap',
      certificateStoreDir: props.certificateStoreDir,
    });
    this.curlClient = new CurlProbe(this, 'CurlClient', { target: this.nginx, mode: CurlProbeMode.CLIENT });
    this.curlCheck = new CurlProbe(this, 'CurlCheck', { target: this.nginx, mode: CurlProbeMode.JOB });
    this.nginx.endpoint.allowFrom([{ podLabels: this.curlClient.podLabels }, { podLabels: this.curlCheck.podLabels }], 'my-nginx-allow-curl');
  }
}
