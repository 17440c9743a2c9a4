import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CurlProbe, CurlProbeMode, NginxLocationMatch, SecureNginxApp } from 'cdk8s-secure-nginx';
import { Construct } from 'constructs';

/** Where the shop is reached from outside the cluster. */
export const SHOP_HOST = 'shop.example.com';

/**
 * The shop's storefront: nginx serving TLS behind a ClusterIP Service, an Ingress for
 * {@link SHOP_HOST} terminating TLS with the same certificate, a Job that checks `/status` over
 * HTTPS, and a NetworkPolicy that admits only that Job and (for the Ingress) the ingress controller.
 */
export class ShopChart extends Chart {
  public readonly storefront: SecureNginxApp;
  public readonly check: CurlProbe;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'shop', ...props });

    new kplus.Namespace(this, 'Namespace', { metadata: { name: this.namespace } });
    this.storefront = new SecureNginxApp(this, 'Storefront', {
      name: 'storefront',
      replicas: 3,
      serviceType: kplus.ServiceType.CLUSTER_IP,
      extraSans: [SHOP_HOST],
      locations: [{ path: '/status', match: NginxLocationMatch.EXACT, body: 'default_type text/plain;\nreturn 200 "ok\\n";' }],
    });
    this.storefront.endpoint.addIngress({ host: SHOP_HOST, className: 'nginx', tls: this.storefront.backend.tls });

    this.check = new CurlProbe(this, 'Check', {
      target: this.storefront,
      mode: CurlProbeMode.JOB,
      name: 'storefront-check',
      path: '/status',
    });
    // addIngress made the policy admit the ingress controller (namespace ingress-nginx) too.
    this.storefront.endpoint.allowFrom([{ podLabels: this.check.podLabels }]);
  }
}
