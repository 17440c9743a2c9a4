import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ExposedEndpoint } from './exposed-endpoint';
import { PropsValidator } from './prop-validation';

/** Istio's stable networking API (Istio 1.22+); v1beta1 and v1alpha3 serve the same schema. */
export const ISTIO_NETWORKING_VERSION = 'networking.istio.io/v1';

/** One version of the backend: the pods carrying `labels`, and the share of requests they get. */
export interface IstioSubset {
  /** Subset name (a DNS label), e.g. `v1`. */
  readonly name: string;
  /** Labels that pick this subset's pods among the Service's pods, e.g. `{ version: 'v1' }`. */
  readonly labels: Record<string, string>;
  /** Percentage of requests routed to the subset; the weights add up to 100. */
  readonly weight: number;
}

/** Options of {@link ExposedEndpoint.addIstioTrafficSplit}. */
export interface IstioTrafficSplitOptions {
  /** The subsets and their weights, e.g. v1 80 and v2 20 as on the page. */
  readonly subsets: IstioSubset[];
  /**
   * Name of the VirtualService and the DestinationRule.
   * @default the Service name
   */
  readonly name?: string;
}

/** Props of {@link IstioTrafficSplit}. */
export interface IstioTrafficSplitProps extends IstioTrafficSplitOptions {
  /** The Service whose traffic is split. */
  readonly endpoint: ExposedEndpoint;
}

/**
 * A service mesh traffic split (Istio): a VirtualService routing the Service's host to subsets by
 * weight, and the DestinationRule that defines those subsets by pod labels.
 */
export class IstioTrafficSplit extends Construct {
  /** The VirtualService splitting the traffic. */
  public readonly virtualService: ApiObject;
  /** The DestinationRule defining the subsets. */
  public readonly destinationRule: ApiObject;
  /** The subsets and their weights. */
  public readonly subsets: readonly IstioSubset[];

  constructor(scope: Construct, id: string, props: IstioTrafficSplitProps) {
    super(scope, id);
    const { endpoint, subsets } = props;
    const check = new PropsValidator(this, 'IstioTrafficSplit');
    check.check(endpoint.backend !== undefined, 'endpoint', 'an ExternalName Service has no pods to split traffic between');
    check.check(subsets.length > 0, 'subsets', 'give at least one subset, e.g. [{ name: \'v1\', labels: { version: \'v1\' }, weight: 100 }]');
    subsets.forEach((subset, i) => {
      check.dnsLabel(`subsets[${i}].name`, subset.name);
      check.integerAtLeast(`subsets[${i}].weight`, subset.weight, 0);
      check.check(Object.keys(subset.labels).length > 0, `subsets[${i}].labels`, 'selects every pod of the Service: give the labels that tell this subset apart');
      Object.entries(subset.labels).forEach(([key, value]) => {
        check.labelKey(`subsets[${i}].labels`, key);
        check.labelValue(`subsets[${i}].labels.${key}`, value);
      });
    });
    check.check(new Set(subsets.map((s) => s.name)).size === subsets.length, 'subsets', 'subset names must be unique');
    const total = subsets.reduce((sum, s) => sum + s.weight, 0);
    check.check(subsets.length === 0 || total === 100, 'subsets', `the weights add up to ${total}: make them add up to 100`);
    check.dnsSubdomain('name', props.name);
    check.throwIfInvalid();

    this.subsets = subsets;
    const metadata = { name: props.name ?? endpoint.serviceName, namespace: endpoint.namespace };
    const host = endpoint.serviceName;
    this.virtualService = new ApiObject(this, 'VirtualService', {
      apiVersion: ISTIO_NETWORKING_VERSION, kind: 'VirtualService', metadata, spec: virtualServiceSpec(host, subsets),
    });
    this.destinationRule = new ApiObject(this, 'DestinationRule', {
      apiVersion: ISTIO_NETWORKING_VERSION, kind: 'DestinationRule', metadata, spec: destinationRuleSpec(host, subsets),
    });
  }
}

/** `spec` of a VirtualService sending `host` to its subsets by weight (the page's example). */
export function virtualServiceSpec(host: string, subsets: readonly IstioSubset[]): Record<string, unknown> {
  return {
    hosts: [host],
    http: [{ route: subsets.map((subset) => ({ destination: { host, subset: subset.name }, weight: subset.weight })) }],
  };
}

/** `spec` of the DestinationRule defining each subset by its pod labels. */
export function destinationRuleSpec(host: string, subsets: readonly IstioSubset[]): Record<string, unknown> {
  return { host, subsets: subsets.map((subset) => ({ name: subset.name, labels: { ...subset.labels } })) };
}
