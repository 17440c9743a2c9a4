/** One YAML document of a manifest file. */
export interface ManifestDocument {
  /** The file the document was read from. */
  file: string;
  /** Position of the document in its file (0-based, counting only non-empty documents). */
  index: number;
  /** The parsed document: normally a Kubernetes object. */
  object: any;
}

/** One problem found in a set of manifests. */
export interface Violation {
  /** Name of the rule that found the problem, e.g. `service-target-port`. */
  rule: string;
  file?: string;
  kind: string;
  name: string;
  /** Set for namespaced kinds ("default" when the manifest leaves it out). */
  namespace?: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].ports[1].name`. */
  path: string;
  /** What is wrong and how to fix it, naming the file, object and field path. */
  message: string;
  /** What is wrong, without the location (part of `message`). */
  problem: string;
  /** How to fix it (part of `message`). */
  fix: string;
  /**
   * `Kind/namespace/name` of the object this violation finds missing from the manifests; such a
   * violation is dropped when that object is declared to exist in the cluster already (`inClusterObjects`).
   */
  missingObject?: string;
}

/** A check over the whole set of documents (rules may relate objects to each other). */
export type Rule = (docs: ManifestDocument[]) => Violation[];
