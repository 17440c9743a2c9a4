import { App } from 'cdk8s';
import { CROSS_OBJECT_RULES } from '../validator/src/rules';
import { formatViolations } from '../validator/src/format';
import { ManifestDocument } from '../validator/src/types';

/**
 * Runs the validator's cross-object rules (duplicates, node ports, selectors, target ports, mounts,
 * nginx files, Ingress backends, ...) over what `app` will write to `folder`, before anything is
 * written: cheap, unlike the schemas, which `cdk8s synth` and `npm run validate` check afterwards.
 */
export function assertCoherent(app: App, folder: string): void {
  const docs: ManifestDocument[] = app.charts.flatMap((chart) => chart.toJson()
    .map((object: unknown, index: number) => ({ file: `${folder}/${chart.node.id}.k8s.yaml`, index, object })));
  const violations = CROSS_OBJECT_RULES.flatMap((rule) => rule(docs));
  if (violations.length > 0) throw new Error(`The synth would write objects that do not work together; nothing was written.\n${formatViolations(violations)}`);
}
