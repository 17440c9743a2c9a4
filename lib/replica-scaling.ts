import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { PropsValidator } from './prop-validation';

/** Horizontal autoscaling on CPU (an `autoscaling/v2` HorizontalPodAutoscaler). */
export interface AutoscalingOptions {
  /**
   * Fewest pods.
   * @default 2
   */
  readonly minReplicas?: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /**
   * Average CPU use the autoscaler aims at, in percent of the containers' CPU requests.
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;
}

/** A PodDisruptionBudget: how many pods voluntary evictions (node drains) may take down at once. */
export interface DisruptionBudgetOptions {
  /**
   * Whether to emit it.
   * @default true when more than one replica can run
   */
  readonly enabled?: boolean;
  /**
   * Pods that must stay available; must be fewer than the (minimum) replicas, or no drain could ever proceed.
   * @default none: maxUnavailable decides
   */
  readonly minAvailable?: number;
  /**
   * Pods that may be unavailable at once.
   * @default 1 (when minAvailable is not set)
   */
  readonly maxUnavailable?: number;
}

/** What the scheduler does with a pod it cannot place within the allowed skew. */
export enum SpreadWhenUnsatisfiable {
  /** Place it anyway, as evenly as it can: single-node clusters still run every replica. */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
  /** Leave it pending until a node in a domain with fewer replicas can take it. */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
}

/** Topology spread of the replicas, so one node (or zone) going down does not take them all. */
export interface TopologySpreadOptions {
  /**
   * Whether to emit the constraints.
   * @default true when more than one replica can run
   */
  readonly enabled?: boolean;
  /**
   * Spread across zones (`topology.kubernetes.io/zone`) as well as nodes.
   * @default false: nodes only
   */
  readonly acrossZones?: boolean;
  /**
   * Largest allowed difference in replica count between two nodes (or zones).
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * What happens when the skew cannot be kept.
   * @default SpreadWhenUnsatisfiable.SCHEDULE_ANYWAY
   */
  readonly whenUnsatisfiable?: SpreadWhenUnsatisfiable;
}

/** How many pods run, and how they survive disruption. */
export interface ReplicaScalingOptions {
  /**
   * Fixed number of pods; not with `autoscaling`.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Scale between a minimum and a maximum on CPU.
   * @default no autoscaling
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * The PodDisruptionBudget.
   * @default maxUnavailable 1, when more than one replica can run
   */
  readonly disruptionBudget?: DisruptionBudgetOptions;
  /**
   * Topology spread of the pods.
   * @default across nodes, ScheduleAnyway, maxSkew 1, when more than one replica can run
   */
  readonly topologySpread?: TopologySpreadOptions;
}

/** Props of {@link ReplicaScaling}. */
export interface ReplicaScalingProps extends ReplicaScalingOptions {
  /** The Deployment to scale; made with no fixed replicas when `autoscaling` is set. */
  readonly deployment: kplus.Deployment;
  /** Name of the autoscaler and the budget. */
  readonly name: string;
  /** Namespace of the autoscaler and the budget. */
  readonly namespace: string;
  /** Labels every pod of the Deployment carries (and only they). */
  readonly podLabels: Record<string, string>;
  /**
   * Labels of the autoscaler and the budget.
   * @default none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the autoscaler and the budget.
   * @default none
   */
  readonly annotations?: Record<string, string>;
}

/** The default number of pods; an autoscaler's minimum defaults to the same. */
export const DEFAULT_REPLICAS = 2;

/**
 * How many pods run and how they survive disruption: a fixed count or an `autoscaling/v2`
 * HorizontalPodAutoscaler, a PodDisruptionBudget, and topology spread across nodes (and zones).
 */
export class ReplicaScaling extends Construct {
  /** The HorizontalPodAutoscaler, when autoscaling is set. */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The PodDisruptionBudget, unless turned off or only one replica can run. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The fewest pods that run (the fixed count, or the autoscaler's minimum). */
  public readonly minReplicas: number;

  constructor(scope: Construct, id: string, props: ReplicaScalingProps) {
    super(scope, id);
    const { autoscaling } = props;
    this.minReplicas = autoscaling ? autoscaling.minReplicas ?? DEFAULT_REPLICAS : props.replicas ?? DEFAULT_REPLICAS;
    const maxReplicas = autoscaling ? autoscaling.maxReplicas : this.minReplicas;
    const budget = props.disruptionBudget ?? {};
    const spread = props.topologySpread ?? {};

    const check = new PropsValidator(this, 'ReplicaScaling');
    check.integerAtLeast('replicas', props.replicas, 0);
    check.check(props.replicas === undefined || autoscaling === undefined, 'replicas',
      'is fixed, but autoscaling sets the number of pods: give either replicas or autoscaling');
    if (autoscaling) this.checkAutoscaling(check, props.deployment, autoscaling, this.minReplicas);
    this.checkBudget(check, budget, this.minReplicas);
    check.integerAtLeast('topologySpread.maxSkew', spread.maxSkew, 1);
    check.throwIfInvalid();

    const metadata = { name: props.name, namespace: props.namespace, labels: props.labels, annotations: props.annotations };
    if (autoscaling) {
      this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
        metadata,
        target: props.deployment,
        minReplicas: this.minReplicas,
        maxReplicas,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(autoscaling.cpuUtilizationPercent ?? 70))],
      });
    }
    if (budget.enabled ?? maxReplicas > 1) {
      this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata,
        spec: {
          selector: { matchLabels: props.podLabels },
          ...(budget.minAvailable !== undefined
            ? { minAvailable: k8s.IntOrString.fromNumber(budget.minAvailable) }
            : { maxUnavailable: k8s.IntOrString.fromNumber(budget.maxUnavailable ?? 1) }),
          // A crash-looping pod is no capacity to protect; without this it would block every drain.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
    if (spread.enabled ?? maxReplicas > 1) {
      ApiObject.of(props.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', spreadConstraints(spread, props.podLabels)));
    }
  }

  private checkAutoscaling(check: PropsValidator, deployment: kplus.Deployment, autoscaling: AutoscalingOptions, minReplicas: number): void {
    check.integerAtLeast('autoscaling.minReplicas', autoscaling.minReplicas, 1);
    check.integerAtLeast('autoscaling.maxReplicas', autoscaling.maxReplicas, 1);
    check.check(minReplicas <= autoscaling.maxReplicas, 'autoscaling.minReplicas',
      `${minReplicas} is more than maxReplicas ${autoscaling.maxReplicas}: the autoscaler could never scale; make minReplicas <= maxReplicas`);
    check.integerAtLeast('autoscaling.cpuUtilizationPercent', autoscaling.cpuUtilizationPercent, 1);
    const withoutRequest = deployment.containers.filter((c) => !c.resources?.cpu?.request).map((c) => c.name);
    check.check(withoutRequest.length === 0, 'autoscaling',
      `CPU utilization is measured against CPU requests, and container ${withoutRequest.join(', ')} requests none: set resources.cpu.request`);
  }

  private checkBudget(check: PropsValidator, budget: DisruptionBudgetOptions, minReplicas: number): void {
    check.check(budget.minAvailable === undefined || budget.maxUnavailable === undefined, 'disruptionBudget',
      'give minAvailable or maxUnavailable, not both (the API server rejects both)');
    check.integerAtLeast('disruptionBudget.minAvailable', budget.minAvailable, 0);
    check.integerAtLeast('disruptionBudget.maxUnavailable', budget.maxUnavailable, 1);
    check.check(budget.enabled === false || budget.minAvailable === undefined || budget.minAvailable < minReplicas, 'disruptionBudget.minAvailable',
      `${budget.minAvailable} can never be satisfied with ${minReplicas} replicas (no pod could ever be evicted, so node drains would hang): use at most ${Math.max(minReplicas - 1, 0)}, or maxUnavailable`);
  }
}

function spreadConstraints(spread: TopologySpreadOptions, podLabels: Record<string, string>): k8s.TopologySpreadConstraint[] {
  const keys = ['kubernetes.io/hostname', ...(spread.acrossZones ? ['topology.kubernetes.io/zone'] : [])];
  return keys.map((topologyKey) => ({
    topologyKey,
    maxSkew: spread.maxSkew ?? 1,
    whenUnsatisfiable: spread.whenUnsatisfiable ?? SpreadWhenUnsatisfiable.SCHEDULE_ANYWAY,
    labelSelector: { matchLabels: podLabels },
    // Counts only the pods of the current rollout, so old replicas do not skew where new ones go.
    matchLabelKeys: ['pod-template-hash'],
  }));
}
