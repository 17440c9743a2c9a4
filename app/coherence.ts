import { CROSS_OBJECT_RULES } from '../validator/src/rules';
import { formatViolations } from '../validator/src/format';
import { ManifestDocument } from '../validator/src/types';
import { ManifestFile } from './manifest-files';

/**
 * Runs the validator's cross-object rules (duplicates, node ports, selectors, target ports, mounts,
 * nginx files, Ingress backends, ...) over the files a synth will write to `folder`, before
 * anything is written: cheap, unlike the schemas, which `cdk8s synth` and `npm run validate` check afterwards.
 */
export function assertCoherent(files: readonly ManifestFile[], folder: string): void {
  const docs: ManifestDocument[] = files.flatMap((file) => file.objects.map((object, index) => ({ file: `${folder}/${file.name}`, index, object })));
  const violations = CROSS_OBJECT_RULES.flatMap((rule) => rule(docs));
  if (violations.length > 0) throw new Error(`The synth would write objects that do not work together; nothing was written.\n${formatViolations(violations)}`);
}
