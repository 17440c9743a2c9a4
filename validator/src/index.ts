// The public API of the manifest validator: the checks, the loaders, and the cdk8s-cli plugin class.
export type { ManifestDocument, Rule, Violation } from './types';
export { validateManifests } from './validate';
export type { ValidateOptions } from './validate';
export { formatViolations } from './format';
export { loadManifests, parseManifests } from './load-manifests';
export { DEFAULT_VERSIONS } from './schema-validation';
export { KubernetesManifestValidation } from './cdk8s-plugin';
export type { KubernetesManifestValidationProperties } from './cdk8s-plugin';
