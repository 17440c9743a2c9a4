import * as path from 'path';
import type { Validation, ValidationContext } from 'cdk8s-cli/lib/plugins/validation';
import { DEFAULT_VERSIONS } from './schema-validation';
import { ManifestDocument } from './types';
import { validateManifests } from './validate';

/** The `properties` of this plugin's entry under `validations:` in cdk8s.yaml. */
export interface KubernetesManifestValidationProperties {
  /** Kubernetes versions whose schemas the manifests must satisfy (default: DEFAULT_VERSIONS). */
  versions?: string[];
  /** Files of CustomResourceDefinitions (relative to the app's folder) whose resources are validated too (default: none). */
  crds?: string[];
  /** Reject pods that get an API token automounted (default: false); see ValidateOptions.noAutomountedTokens. */
  noAutomountedTokens?: boolean;
  /** Objects in the cluster already, as `Kind/namespace/name` (default: none); see ValidateOptions.inClusterObjects. */
  inClusterObjects?: string[];
}

/**
 * cdk8s-cli validation plugin: runs validateManifests over the synthesized manifests during
 * `cdk8s synth` and fails the synth on any violation.
 */
export class KubernetesManifestValidation implements Validation {
  private readonly versions: string[];
  private readonly crdFiles: string[];
  private readonly noAutomountedTokens: boolean;
  private readonly inClusterObjects: string[];

  constructor(properties: KubernetesManifestValidationProperties = {}) {
    this.versions = properties.versions ?? DEFAULT_VERSIONS;
    this.crdFiles = (properties.crds ?? []).map(file => path.resolve(file));
    this.noAutomountedTokens = properties.noAutomountedTokens ?? false;
    this.inClusterObjects = properties.inClusterObjects ?? [];
  }

  async validate(context: ValidationContext): Promise<void> {
    const docs: ManifestDocument[] = context.manifests.flatMap(file => context.parseManifest(file)
      .filter(object => object !== null && object !== undefined)
      .map((object, index) => ({ file, index, object })));
    // cdk8s-cli hands over every manifest below the output folder; each folder is applied on its
    // own (`kubectl apply -f dist/`, `kubectl apply -f dist/steps/NN-name/`), so each is one set,
    // together with the Secrets an app may keep apart in its `secrets/` subfolder.
    const folders = new Map<string, ManifestDocument[]>();
    for (const doc of docs) {
      const folder = path.dirname(doc.file).replace(/\/secrets$/, '');
      folders.set(folder, [...folders.get(folder) ?? [], doc]);
    }
    const violations = [...folders.values()].flatMap(folderDocs => validateManifests(folderDocs, {
      versions: this.versions, crdFiles: this.crdFiles, noAutomountedTokens: this.noAutomountedTokens, inClusterObjects: this.inClusterObjects,
    }));
    for (const violation of violations) {
      context.report.addViolation({
        ruleName: violation.rule,
        // The report prints manifest path, metadata.name and field path; add what it lacks.
        recommendation: `${[violation.kind, violation.namespace, violation.name].filter(Boolean).join('/')}: ${violation.problem}`,
        fix: violation.fix,
        // The CLI links resourceName (metadata.name) to the construct path that produced it.
        violatingResources: [{ resourceName: violation.name, locations: [violation.path], manifestPath: violation.file ?? '' }],
      });
    }
    context.report.submit(violations.length ? 'failure' : 'success', {
      'Kubernetes versions': this.versions.join(', '),
      'Documents': String(docs.length),
    });
  }
}
