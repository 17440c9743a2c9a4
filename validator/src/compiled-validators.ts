import type Ajv from 'ajv';
import type { AnySchema, Format, ValidateFunction } from 'ajv';
import { codeFingerprint, ValidatorCache } from './validator-cache';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The formats the Kubernetes definitions use, checked the way the API server decodes them. */
const FORMATS: Record<string, Format> = {
  'int32': { type: 'number', validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 },
  'int64': { type: 'number', validate: (value: number) => Number.isInteger(value) },
  'double': true,
  // Go's base64 decoder skips line breaks, so YAML-folded values are fine.
  'byte': { type: 'string', validate: (value: string) => BASE64.test(value.replace(/[\r\n]/g, '')) },
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
};

/**
 * Compile time dominates for a few dozen documents: inlineRefs: false compiles each shared
 * definition (PodSpec, ObjectMeta, ...) once, and skipping code optimisation saves a fifth.
 * verbose: true gives errors the schema and data that the messages quote. Unknown formats and
 * keywords (CRDs use many, e.g. x-kubernetes-validations) are ignored, as they are not decidable here.
 */
const AJV_OPTIONS = { strict: false, allErrors: true, verbose: true, logger: false, inlineRefs: false, validateSchema: false } as const;

/** Part of every validator's cache key, with the ajv version: this file holds the options, formats and entry layout. */
const COMPILER = `${(require('ajv/package.json') as { version: string }).version} ${codeFingerprint(__filename)}`;

/** Compiles JSON schemas into validators whose standalone code can be kept between runs. */
export class SchemaCompiler {
  // Loaded only when something must be compiled: a run served from the cache never needs it.
  private readonly ajv: Ajv;

  constructor() {
    const { default: AjvClass, _ }: typeof import('ajv') = require('ajv');
    this.ajv = new AjvClass({ ...AJV_OPTIONS, formats: FORMATS, code: { optimize: false, source: true, formats: _`formats` } });
  }

  /** Makes `${id}#/...` references resolvable (e.g. a document of definitions). */
  addSchema(schema: AnySchema, id: string): void {
    this.ajv.addSchema(schema, id);
  }

  /** The validator of a schema, or of a `${id}#/...` reference into an added one, and its code. */
  compile(schemaOrRef: AnySchema | string): { value: ValidateFunction; body: string } {
    const validate = typeof schemaOrRef === 'string' ? this.ajv.getSchema(schemaOrRef) : this.ajv.compile(schemaOrRef);
    if (!validate) throw new Error(`no schema ${schemaOrRef}`);
    const standaloneCode: typeof import('ajv/dist/standalone').default = require('ajv/dist/standalone').default;
    return { value: validate, body: standaloneCode(this.ajv, validate) };
  }
}

/**
 * The validator cached under key (a name for its schema and how it was made strict), else the one
 * compile() makes, cached for next time. Cached code runs with the formats and ajv runtime of this process.
 */
export function cachedValidator(cache: ValidatorCache, key: string, compile: () => { value: ValidateFunction; body: string }): ValidateFunction {
  return cache.through(`validator ${COMPILER} ${key}`, loadValidator, compile);
}

function loadValidator(code: string): ValidateFunction | undefined {
  try {
    const module = { exports: {} as unknown };
    new Function('require', 'module', 'exports', 'formats', code)(require, module, module.exports, FORMATS);
    return typeof module.exports === 'function' ? module.exports as ValidateFunction : undefined;
  } catch {
    return undefined;
  }
}
