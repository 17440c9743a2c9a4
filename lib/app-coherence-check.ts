import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { effectiveNamespace, NodePortClaim, nodePortClash, objectIdentity } from './api-rules';

const CHECK_ID = 'AppCoherenceCheck';

/**
 * Cross-object rules over a whole App, checked by `App.synth()` before it writes anything: no two
 * objects share group, kind, namespace and name (the later would silently replace the earlier),
 * and no two Services fix the same node port (node ports are cluster-wide). One check per App,
 * added by every construct of this library.
 */
export class AppCoherenceCheck extends Construct {
  /** Adds the check to the App (construct tree) of `scope`, unless it has one already. */
  public static addTo(scope: IConstruct): void {
    const root = scope.node.root as Construct;
    if (!root.node.tryFindChild(CHECK_ID)) new AppCoherenceCheck(root, CHECK_ID);
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => coherenceProblems(scope.node.findAll().filter(ApiObject.isApiObject)) });
  }
}

/** What is wrong with these objects as one set, each naming the construct paths involved. */
function coherenceProblems(objects: ApiObject[]): string[] {
  const firstByIdentity = new Map<string, ApiObject>();
  const duplicates = objects.flatMap((object) => {
    const identity = objectIdentity(object.apiVersion, object.kind, object.metadata.namespace, object.name);
    const first = firstByIdentity.get(identity);
    if (!first) firstByIdentity.set(identity, object);
    return first ? [`${describe(object)} is emitted by both '${first.node.path}' and '${object.node.path}': `
      + 'applied together, the later silently replaces the earlier; give one of them another name (e.g. the name prop)'] : [];
  });
  const claims: Array<NodePortClaim & { service: ApiObject }> = objects.filter((o) => o.kind === 'Service').flatMap((service) =>
    ((service.toJson().spec?.ports ?? []) as any[]).filter((p) => typeof p.nodePort === 'number')
      .map((p) => ({ service, nodePort: p.nodePort, protocol: p.protocol ?? 'TCP' })));
  const nodePortClashes = claims.flatMap((claim, i) => {
    const clash = nodePortClash(claim, claims.slice(0, i));
    return clash ? [`nodePort ${claim.nodePort} is fixed by both ${describe(clash.service)} ('${clash.service.node.path}') and ${describe(claim.service)} `
      + `('${claim.service.node.path}'): node ports are cluster-wide; pick another one, or leave it unset to let the cluster pick`] : [];
  });
  return [...duplicates, ...nodePortClashes];
}

function describe(object: ApiObject): string {
  const namespace = effectiveNamespace(object.kind, object.metadata.namespace);
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${object.name}`;
}
