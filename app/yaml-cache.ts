import { createRequire } from 'module';
import { Yaml } from 'cdk8s';
import { nearestNodeModulesCache, sha256, ValidatorCache } from '../validator/src/validator-cache';

/** What cdk8s's YAML looks like depends on the versions of cdk8s and of the yaml package it uses. */
function rendererVersions(): string {
  const cdk8sMain = require.resolve('cdk8s');
  const fromCdk8s = createRequire(cdk8sMain);
  const versionOf = (pkg: string) => (fromCdk8s(`${pkg}/package.json`) as { version: string }).version;
  return `cdk8s ${versionOf('cdk8s')}, yaml ${versionOf('yaml')}`;
}

/**
 * The YAML of objects rendered by an earlier synth, by digest of their JSON: a re-synth mostly
 * writes what it wrote before, and turning objects into YAML is a sixth of a warm synth. A
 * document's YAML is a function of its JSON (for JSON values; others are rendered every time), so
 * a hit writes the bytes cdk8s would. Secrets are never kept: they hold private keys.
 */
export class YamlDocumentCache {
  /** The cache in `node_modules/.cache/cdk8s-secure-nginx/` of the nearest folder up that has node_modules. */
  static default(): YamlDocumentCache {
    return new YamlDocumentCache(new ValidatorCache(nearestNodeModulesCache('cdk8s-secure-nginx')));
  }

  private readonly key = `yaml documents, ${rendererVersions()}`;
  /** What the last synths kept, read when the first document is asked for. */
  private stored?: Record<string, string>;
  /** What this synth wrote: kept first, then earlier synths' documents as far as the size allows. */
  private readonly used: Record<string, string> = {};
  private rendered = 0;

  constructor(private readonly store: ValidatorCache) {}

  /** The document cdk8s's `Yaml.stringify` writes for `object`. */
  yamlOf(object: unknown): string {
    const json = isSecret(object) ? undefined : jsonOf(object);
    if (json === undefined) return Yaml.stringify(object);
    const digest = sha256(json);
    this.stored ??= parseEntry(this.store.read(this.key));
    let yaml = this.stored[digest];
    if (typeof yaml !== 'string') {
      yaml = Yaml.stringify(object);
      this.rendered++;
    }
    this.used[digest] = yaml;
    return yaml;
  }

  /**
   * Keeps this synth's documents for the next one, when any was new, and those of earlier synths
   * (other outputs, other certificate stores) up to {@link MAX_CACHED_BYTES}, the most recent first.
   */
  save(): void {
    if (this.rendered === 0) return;
    const kept = { ...this.used };
    let bytes = Object.values(kept).reduce((sum, yaml) => sum + yaml.length, 0);
    for (const [digest, yaml] of Object.entries(this.stored ?? {})) {
      if (digest in kept || typeof yaml !== 'string') continue;
      bytes += yaml.length;
      if (bytes > MAX_CACHED_BYTES) break;
      kept[digest] = yaml;
    }
    this.store.write(this.key, JSON.stringify(kept));
  }
}

/**
 * About six times the tutorial's documents (a cold synth adds a few new ones): reading and checking
 * the cache stays about a millisecond.
 */
const MAX_CACHED_BYTES = 256 * 1024;

function isSecret(object: any): boolean {
  return object?.kind === 'Secret';
}

/** The object's JSON, or undefined when it holds what JSON cannot say (undefined, NaN, -0, class instances). */
function jsonOf(object: unknown): string | undefined {
  let plain = true;
  const json = JSON.stringify(object, (_key, value) => {
    if (value === undefined || (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)))
      || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype)) plain = false;
    return value;
  });
  return plain ? json : undefined;
}

function parseEntry(body: Buffer | undefined): Record<string, string> {
  try {
    const parsed = body && JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
