import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { cachedValidator, SchemaCompiler } from './compiled-validators';
import { CustomResourceSchema } from './custom-resources';
import { childPath, pointerToFieldPath } from './field-path';
import { asRecord, violationAt } from './k8s-objects';
import { quotableValue } from './redact';
import { ManifestDocument, Rule, Violation } from './types';
import { codeFingerprint, sha256, ValidatorCache } from './validator-cache';

export const DEFAULT_VERSIONS = ['v1.28.0', 'v1.30.0', 'v1.36.0'];

/**
 * The schemas shipped with this package (`schemas/`, beside `src/` and `dist/`), unless
 * $K8S_SCHEMAS_DIR names another folder of `<version>/_definitions.json[.gz]`.
 */
export function defaultSchemasDir(): string {
  return process.env.K8S_SCHEMAS_DIR || path.resolve(__dirname, '..', 'schemas');
}

/** `<dir>/<version>/_definitions.json`, gzipped or plain; undefined when neither exists. */
function definitionsFile(schemasDir: string, version: string): string | undefined {
  const plain = path.join(schemasDir, version, '_definitions.json');
  return [`${plain}.gz`, plain].find(file => fs.existsSync(file));
}

const FORMAT_DESCRIPTIONS: Record<string, string> = {
  'int32': 'a 32-bit integer',
  'int64': 'a 64-bit integer',
  'byte': 'base64-encoded data',
  'date-time': 'an RFC 3339 date-time',
};

/**
 * The published definitions accept any extra field, but the API server rejects unknown fields
 * (kubectl --validate=strict): close every object schema that lists its properties.
 */
export function rejectUnknownFields(schema: any): void {
  if (schema === null || typeof schema !== 'object') return;
  if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
    schema.additionalProperties = false;
  }
  subschemasOf(schema).forEach(rejectUnknownFields);
}

/** Descriptions are a quarter of the compiled code (errors quote their schema) and no message uses them. */
function dropDescriptions(schema: any): void {
  if (schema === null || typeof schema !== 'object') return;
  if (typeof schema.description === 'string') delete schema.description;
  subschemasOf(schema).forEach(dropDescriptions);
}

function subschemasOf(schema: any): any[] {
  return [
    ...Object.values(asRecord(schema.properties)),
    schema.items,
    schema.additionalProperties,
    ...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? []),
  ];
}

/** A schema as it is compiled: strict, without descriptions. */
function prepareForCompiling(schema: any): void {
  rejectUnknownFields(schema);
  dropDescriptions(schema);
}

/** Part of every cache key: what this file does to schemas (and how it indexes them) is in the key. */
const THIS_CODE = codeFingerprint(__filename);

/** Which definition validates each apiVersion and kind, and where each kind is served. */
interface KindIndex {
  definitionByKind: Map<string, string>;
  apiVersionsByKind: Map<string, string[]>;
}

/**
 * The definitions of one Kubernetes version. The kind index and each kind's validator (compiled on
 * first use) are cached between runs under the definitions' content hash, so a run that finds
 * them there neither parses the definitions nor loads the compiler.
 */
class KubernetesSchemas {
  private readonly key: string;
  private readonly index: KindIndex;
  private readonly validators = new Map<string, ValidateFunction>();
  private document?: any;
  private compiler?: SchemaCompiler;

  constructor(readonly version: string, private readonly file: string, private readonly cache: ValidatorCache) {
    this.key = `k8s ${sha256(fs.readFileSync(file))} ${THIS_CODE}`;
    this.index = this.cachedIndex();
  }

  validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const definition = this.index.definitionByKind.get(kindKey(apiVersion, kind));
    if (!definition) return undefined;
    if (!this.validators.has(definition)) {
      this.validators.set(definition, cachedValidator(this.cache, `${this.key} ${definition}`,
        () => this.compilerOfDefinitions().compile(`k8s#/definitions/${definition}`)));
    }
    return this.validators.get(definition);
  }

  /** The apiVersions under which this version serves a kind, to suggest a fix for a wrong one. */
  apiVersionsOf(kind: string): string[] {
    return this.index.apiVersionsByKind.get(kind) ?? [];
  }

  private cachedIndex(): KindIndex {
    const key = `${this.key} index`;
    const stored = this.cache.read(key);
    const cached = stored && decodeIndex(stored);
    if (cached) return cached;
    const index = indexKinds(this.definitions());
    this.cache.write(key, encodeIndex(index));
    return index;
  }

  /** The definitions document, made strict: read only when something is not cached. */
  private definitions(): any {
    if (!this.document) {
      const bytes = fs.readFileSync(this.file);
      this.document = JSON.parse((this.file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
      Object.values<any>(this.document.definitions).forEach(prepareForCompiling);
    }
    return this.document;
  }

  private compilerOfDefinitions(): SchemaCompiler {
    if (!this.compiler) {
      this.compiler = new SchemaCompiler();
      this.compiler.addSchema(this.definitions(), 'k8s');
    }
    return this.compiler;
  }
}

function indexKinds(document: any): KindIndex {
  const index: KindIndex = { definitionByKind: new Map(), apiVersionsByKind: new Map() };
  for (const [name, definition] of Object.entries<any>(document.definitions)) {
    for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      index.definitionByKind.set(kindKey(apiVersion, gvk.kind), name);
      index.apiVersionsByKind.set(gvk.kind, [...index.apiVersionsByKind.get(gvk.kind) ?? [], apiVersion]);
    }
  }
  return index;
}

function encodeIndex(index: KindIndex): string {
  return JSON.stringify({ definitionByKind: [...index.definitionByKind], apiVersionsByKind: [...index.apiVersionsByKind] });
}

function decodeIndex(body: Buffer): KindIndex | undefined {
  try {
    const { definitionByKind, apiVersionsByKind } = JSON.parse(body.toString('utf8'));
    return { definitionByKind: new Map(definitionByKind), apiVersionsByKind: new Map(apiVersionsByKind) };
  } catch {
    return undefined;
  }
}

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

/** Custom resources whose CRD schemas are known; each validator is compiled on first use (and cached), made strict like the built-in kinds. */
export class CustomResourceSchemas {
  private readonly byKind = new Map<string, CustomResourceSchema>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly cache = ValidatorCache.default();
  private compiler?: SchemaCompiler;

  constructor(schemas: readonly CustomResourceSchema[]) {
    schemas.forEach(schema => this.byKind.set(kindKey(schema.apiVersion, schema.kind), schema));
  }

  /** The schema and its validator for a document's apiVersion and kind, if its CRD is known. */
  lookup(apiVersion: string, kind: string): { schema: CustomResourceSchema; validate: ValidateFunction } | undefined {
    const key = kindKey(apiVersion, kind);
    const schema = this.byKind.get(key);
    if (!schema) return undefined;
    if (!this.validators.has(key)) {
      this.validators.set(key, cachedValidator(this.cache, `crd ${sha256(JSON.stringify(schema.schema))} ${THIS_CODE}`, () => {
        const prepared = structuredClone(schema.schema);
        prepareForCompiling(prepared);
        this.compiler ??= new SchemaCompiler();
        return this.compiler.compile(prepared);
      }));
    }
    return { schema, validate: this.validators.get(key)! };
  }

  /** `apiVersion kind` of every known custom resource, for messages. */
  known(): string[] {
    return [...this.byKind.values()].map(schema => `${schema.apiVersion} ${schema.kind}`);
  }
}

const loadedSchemas = new Map<string, KubernetesSchemas>();

function schemasFor(schemasDir: string, version: string): KubernetesSchemas {
  const key = path.join(schemasDir, version);
  if (!loadedSchemas.has(key)) {
    const file = definitionsFile(schemasDir, version);
    if (!file) {
      const available = fs.existsSync(schemasDir) ? fs.readdirSync(schemasDir).join(', ') : 'none';
      throw new Error(`No Kubernetes ${version} schema at ${key}/_definitions.json[.gz]; pick one of the versions there (${available}) or set K8S_SCHEMAS_DIR`);
    }
    loadedSchemas.set(key, new KubernetesSchemas(version, file, ValidatorCache.default()));
  }
  return loadedSchemas.get(key)!;
}

/** One schema problem of one document in one Kubernetes version. */
interface SchemaFinding {
  doc: ManifestDocument;
  rule: 'schema' | 'known-kind';
  path: string;
  problem: string;
  fix: string;
  version: string;
}

/**
 * Validates every document against the OpenAPI definitions of each version, and each custom
 * resource against its CRD's schema. A problem found in several versions is reported once,
 * naming the versions that reject it.
 */
export function schemaRule(options: { versions: string[]; schemasDir: string; customResources: CustomResourceSchemas }): Rule {
  return docs => {
    const isCustom = (doc: ManifestDocument) => {
      const { apiVersion, kind } = asRecord(doc.object);
      return typeof apiVersion === 'string' && typeof kind === 'string' && options.customResources.lookup(apiVersion, kind) !== undefined;
    };
    const builtIn = docs.filter(doc => !isCustom(doc));
    const findings = options.versions.flatMap(version => {
      const schemas = schemasFor(options.schemasDir, version);
      return builtIn.flatMap(doc => schemaFindings(schemas, doc, options.customResources));
    });
    const custom = docs.filter(isCustom).flatMap(doc => customResourceViolations(options.customResources, doc));
    return [...docs.flatMap(missingNameViolations), ...mergeAcrossVersions(findings), ...custom];
  };
}

function customResourceViolations(customResources: CustomResourceSchemas, doc: ManifestDocument): Violation[] {
  const { schema, validate } = customResources.lookup(doc.object.apiVersion, doc.object.kind)!;
  const object = withoutNulls(doc.object);
  if (validate(object)) return [];
  const origin = `the ${schema.apiVersion} ${schema.kind} CRD schema from ${path.basename(schema.source)}`;
  return schemaProblems(validate.errors ?? [], object).map(({ path: field, problem, fix }) =>
    violationAt(doc, 'schema', field, `${problem} (rejected by ${origin})`, fix));
}

/** ObjectMeta marks nothing as required, but nothing can be created without a name. */
function missingNameViolations(doc: ManifestDocument): Violation[] {
  const object = asRecord(doc.object);
  if (!object.kind || object.metadata?.name) return [];
  return [violationAt(doc, 'schema', 'metadata.name', 'required field "name" is missing', 'give the object a metadata.name')];
}

function schemaFindings(schemas: KubernetesSchemas, doc: ManifestDocument, customResources: CustomResourceSchemas): SchemaFinding[] {
  const finding = (rule: SchemaFinding['rule'], problem: { path: string; problem: string; fix: string }) =>
    ({ doc, rule, version: schemas.version, ...problem });
  const { apiVersion, kind } = asRecord(doc.object);
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [finding('known-kind', { path: '', problem: 'the document has no apiVersion and kind', fix: 'set apiVersion and kind, or remove the document' })];
  }
  const validate = schemas.validatorFor(apiVersion, kind);
  if (!validate) {
    const served = schemas.apiVersionsOf(kind);
    const customVersions = customResources.known().filter(known => known.endsWith(` ${kind}`)).map(known => known.split(' ')[0]);
    const fix = served.length || customVersions.length
      ? `use apiVersion ${[...served, ...customVersions].join(' or ')} for ${kind}`
      : 'use a kind built into Kubernetes, or give the validator the CustomResourceDefinition of this kind (the crds option)';
    return [finding('known-kind', { path: 'apiVersion', problem: `${apiVersion} ${kind} is not served by Kubernetes`, fix })];
  }
  const object = withoutNulls(doc.object);
  if (validate(object)) return [];
  return schemaProblems(validate.errors ?? [], object).map(problem => finding('schema', problem));
}

function mergeAcrossVersions(findings: SchemaFinding[]): Violation[] {
  const versionsByFinding = new Map<string, { finding: SchemaFinding; versions: string[] }>();
  findings.forEach(finding => {
    const key = JSON.stringify([finding.doc.file, finding.doc.index, finding.rule, finding.path, finding.problem]);
    const entry = versionsByFinding.get(key) ?? { finding, versions: [] };
    entry.versions.push(finding.version);
    versionsByFinding.set(key, entry);
  });
  return [...versionsByFinding.values()].map(({ finding, versions }) =>
    violationAt(finding.doc, finding.rule, finding.path, `${finding.problem} (rejected by the Kubernetes ${versions.join(', ')} schema)`, finding.fix));
}

/** The API server decodes `field: null` as an unset field, so nulls must not fail type checks. */
function withoutNulls(value: any): any {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null).map(([key, field]) => [key, withoutNulls(field)]));
}

/** Readable problems from ajv errors; a failed oneOf/anyOf (int-or-string) is reported once instead of once per branch. */
function schemaProblems(errors: ErrorObject[], object: unknown): Array<{ path: string; problem: string; fix: string }> {
  const oneOfs = errors.filter(error => error.keyword === 'oneOf' || error.keyword === 'anyOf');
  const isOneOfBranch = (error: ErrorObject) => oneOfs.some(oneOf =>
    oneOf.instancePath === error.instancePath && error.schemaPath.startsWith(`${oneOf.schemaPath}/`));
  return errors.filter(error => !isOneOfBranch(error)).map(error => describeError(error, object));
}

function describeError(error: ErrorObject, object: unknown): { path: string; problem: string; fix: string } {
  const path = pointerToFieldPath(error.instancePath, object);
  // A Secret's values are never quoted, nor anything else that looks like key material.
  const isSecretValue = asRecord(object).kind === 'Secret' && /^\/(data|stringData)(\/|$)/.test(error.instancePath);
  const quoted = quotableValue(error.data, isSecretValue);
  const actual = `${quoted} (${jsonTypeOf(error.data)})`;
  switch (error.keyword) {
    case 'required': {
      const field = childPath(path, error.params.missingProperty);
      return { path: field, problem: `required field "${error.params.missingProperty}" is missing`, fix: `set ${field}` };
    }
    case 'additionalProperties':
      return unknownFieldProblem(path, error.params.additionalProperty, Object.keys(asRecord(error.parentSchema?.properties)));
    case 'type':
      return { path, problem: `must be of type ${error.params.type} but is ${actual}`, fix: `set ${path} to a value of type ${error.params.type}` };
    case 'oneOf':
    case 'anyOf': {
      const types = (error.schema as any[]).map(branch => branch.type).join(' or ');
      return { path, problem: `must be of type ${types} but is ${actual}`, fix: `set ${path} to a value of type ${types}` };
    }
    case 'enum': {
      const allowed = error.params.allowedValues.map((value: unknown) => JSON.stringify(value)).join(', ');
      return { path, problem: `must be one of ${allowed} but is ${quoted}`, fix: `set ${path} to one of ${allowed}` };
    }
    case 'format': {
      const expected = FORMAT_DESCRIPTIONS[error.params.format] ?? error.params.format;
      return { path, problem: `must be ${expected} but is ${quoted}`, fix: `make ${path} ${expected}` };
    }
    default:
      return { path, problem: `${error.message} (value ${actual})`, fix: `correct ${path} as the Kubernetes API reference describes it` };
  }
}

function unknownFieldProblem(parentPath: string, field: string, knownFields: string[]) {
  const path = childPath(parentPath, field);
  const suggestion = closestMatch(field, knownFields);
  const fix = suggestion
    ? `did you mean ${childPath(parentPath, suggestion)}? Rename or remove ${path}`
    : `remove ${path}; fields allowed here: ${knownFields.join(', ')}`;
  return { path, problem: `unknown field "${field}"`, fix };
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

/** The known field a misspelt one most likely meant (small edit distance), if any. */
function closestMatch(field: string, candidates: string[]): string | undefined {
  const limit = Math.max(2, Math.floor(field.length / 3));
  const ranked = candidates
    .map(candidate => ({ candidate, distance: editDistance(field.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance);
  return ranked[0]?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
