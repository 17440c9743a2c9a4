import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { effectiveNamespace, NodePortClaim, nodePortClash, objectIdentity } from './api-rules';

const CHECK_ID = 'AppCoherenceCheck';

/** A node port a Service fixes. */
export type NodePort = Omit<NodePortClaim, 'service'>;

/**
 * Cross-object rules over a whole App, checked by `App.synth()` before it writes anything: no two
 * objects share group, kind, namespace and name (the later would silently replace the earlier),
 * and no two Services fix the same node port (node ports are cluster-wide). One check per App,
 * added by every construct of this library.
 */
export class AppCoherenceCheck extends Construct {
  /** The check of the App (construct tree) of `scope`, added to it unless it has one already. */
  public static addTo(scope: IConstruct): AppCoherenceCheck {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(CHECK_ID) as AppCoherenceCheck | undefined) ?? new AppCoherenceCheck(root, CHECK_ID);
  }

  /** Node ports of Services whose makers said what they fix: those are not rendered to find out. */
  private readonly declaredNodePorts = new Map<ApiObject, readonly NodePort[]>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => coherenceProblems(scope.node.findAll().filter(ApiObject.isApiObject), this.declaredNodePorts) });
  }

  /**
   * Says which node ports `service` fixes (what its spec holds), so the check need not render it:
   * rendering every Service twice per synth was most of the check's cost.
   */
  public declareNodePorts(service: ApiObject, claims: readonly NodePort[]): void {
    this.declaredNodePorts.set(service, claims);
  }
}

/** What is wrong with these objects as one set, each naming the construct paths involved. */
function coherenceProblems(objects: ApiObject[], declaredNodePorts: ReadonlyMap<ApiObject, readonly NodePort[]>): string[] {
  const firstByIdentity = new Map<string, ApiObject>();
  const duplicates = objects.flatMap((object) => {
    const identity = objectIdentity(object.apiVersion, object.kind, object.metadata.namespace, object.name);
    const first = firstByIdentity.get(identity);
    if (!first) firstByIdentity.set(identity, object);
    return first ? [`${describe(object)} is emitted by both '${first.node.path}' and '${object.node.path}': `
      + 'applied together, the later silently replaces the earlier; give one of them another name (e.g. the name prop)'] : [];
  });
  const claims = objects.filter((o) => o.kind === 'Service')
    .flatMap((service) => (declaredNodePorts.get(service) ?? renderedNodePorts(service)).map((claim) => ({ ...claim, service })));
  const nodePortClashes = claims.flatMap((claim, i) => {
    const clash = nodePortClash(claim, claims.slice(0, i));
    return clash ? [`nodePort ${claim.nodePort} is fixed by both ${describe(clash.service)} ('${clash.service.node.path}') and ${describe(claim.service)} `
      + `('${claim.service.node.path}'): node ports are cluster-wide; pick another one, or leave it unset to let the cluster pick`] : [];
  });
  return [...duplicates, ...nodePortClashes];
}

function renderedNodePorts(service: ApiObject): NodePort[] {
  return ((service.toJson().spec?.ports ?? []) as any[]).filter((p) => typeof p.nodePort === 'number')
    .map((p) => ({ nodePort: p.nodePort, protocol: p.protocol ?? 'TCP' }));
}

function describe(object: ApiObject): string {
  const namespace = effectiveNamespace(object.kind, object.metadata.namespace);
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${object.name}`;
}
