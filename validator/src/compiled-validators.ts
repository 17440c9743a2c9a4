import type Ajv from 'ajv';
import type { AnySchema, Format, ValidateFunction } from 'ajv';
import * as vm from 'vm';
import { codeFingerprint, sha256, ValidatorCache } from './validator-cache';

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

  /** The standalone code of the validator of a schema, or of a `${id}#/...` reference into an added one. */
  compile(schemaOrRef: AnySchema | string): string {
    const validate = typeof schemaOrRef === 'string' ? this.ajv.getSchema(schemaOrRef) : this.ajv.compile(schemaOrRef);
    if (!validate) throw new Error(`no schema ${schemaOrRef}`);
    const standaloneCode: typeof import('ajv/dist/standalone').default = require('ajv/dist/standalone').default;
    return standaloneCode(this.ajv, validate);
  }
}

/**
 * The validator whose code is cached under key (a name for its schema and how it was made strict),
 * else the one compile() writes, cached for next time. Either way the validator that runs is loaded
 * from its standalone code, with the formats and ajv runtime of this process.
 */
export function cachedValidator(cache: ValidatorCache, key: string, compile: () => string): ValidateFunction {
  const codeKey = `validator ${COMPILER} ${key}`;
  const stored = cache.read(codeKey);
  const fromCache = stored && loadValidator(cache, codeKey, stored.toString('utf8'));
  if (fromCache) return fromCache;
  const code = compile();
  cache.write(codeKey, code);
  const compiled = loadValidator(cache, codeKey, code);
  if (!compiled) throw new Error(`the validator compiled for ${key} does not load`);
  return compiled;
}

/**
 * Runs a validator's standalone code. V8's compiled form of it is cached as well, made once the
 * validations of this run are done, so that it holds the functions that ran: loading that instead
 * of parsing and compiling megabytes of generated code makes a cached run several times cheaper.
 */
function loadValidator(cache: ValidatorCache, codeKey: string, code: string): ValidateFunction | undefined {
  // V8 checks little more than the length of the source its data was made from: key it by the exact code.
  const v8Key = `v8 ${process.version} ${process.arch} ${sha256(code)} ${codeKey}`;
  const cachedData = cache.read(v8Key);
  try {
    const script = new vm.Script(`(function (require, module, exports, formats) {${code}\n})`, { filename: 'compiled-validator.js', cachedData });
    const module = { exports: {} as unknown };
    script.runInThisContext()(require, module, module.exports, FORMATS);
    if (typeof module.exports !== 'function') return undefined;
    if (!cachedData || script.cachedDataRejected) setImmediate(() => cache.write(v8Key, script.createCachedData()));
    return module.exports as ValidateFunction;
  } catch {
    return undefined;
  }
}
