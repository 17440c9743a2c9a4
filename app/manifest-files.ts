import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { ExposedEndpoint, renderAccessMarkdown } from '../lib';
import { YamlDocumentCache } from './yaml-cache';

/** The access map written beside the manifests (not a manifest: kubectl skips it). */
const ACCESS_MAP_FILE = 'ACCESS.md';
/** With separate Secrets, the folder below each output folder that holds them. */
const SECRETS_FOLDER = 'secrets';

/** One manifest file of an output folder: the objects of one chart, rendered once. */
export interface ManifestFile {
  /** The file's name in its folder, as `App.synth()` names it: `<chart id><outputFileExtension>`. */
  readonly name: string;
  /** The chart's objects, in the order `App.synth()` writes them. */
  readonly objects: readonly any[];
}

/**
 * Renders every chart of `app` once, into what `app.synth()` would write. The tutorial checks the
 * objects before writing them: rendering for the check and again in `app.synth()` would resolve,
 * validate and render everything twice.
 */
export function renderManifests(app: App): ManifestFile[] {
  const charts = app.charts;
  // App.synth() numbers the files of charts that depend on one another; every folder of ours holds one chart.
  if (charts.length !== 1) {
    throw new Error(`The app for ${app.outdir} has ${charts.length} charts: the tutorial writes one chart per output folder; put the constructs into one chart`);
  }
  // toJson() validates the constructs and resolves dependencies first, as app.synth() does.
  return charts.map((chart) => ({ name: `${chart.node.id}${app.outputFileExtension}`, objects: chart.toJson() }));
}

/** Options of {@link writeManifests}. */
export interface WriteManifestsOptions {
  /**
   * Write each file's Secrets to `secrets/<same file name>` instead, so GitOps users can seal,
   * encrypt or leave out the files holding keys (apply both: `kubectl apply -f dir/secrets/ -f dir/`).
   * @default false
   */
  readonly separateSecrets?: boolean;
  /**
   * YAML of documents written before, reused where an object is unchanged.
   * @default every document is rendered
   */
  readonly yamlCache?: YamlDocumentCache;
}

/**
 * Writes `files` into `outdir` with the bytes `app.synth()` writes (cdk8s's YAML, one `---`
 * separated document per object), files 0600 and folders 0700: the Secrets hold private keys.
 * Returns how many files it wrote.
 */
export function writeManifests(outdir: string, files: readonly ManifestFile[], options: WriteManifestsOptions = {}): number {
  fs.mkdirSync(outdir, { recursive: true, mode: 0o700 });
  // As cdk8s's Yaml.stringify(...objects) joins them.
  const yaml = (objects: readonly any[]) => objects.map((object) => options.yamlCache?.yamlOf(object) ?? Yaml.stringify(object)).join('---\n');
  const isSecret = (object: any) => options.separateSecrets === true && object?.apiVersion === 'v1' && object.kind === 'Secret';
  let written = 0;
  for (const file of files) {
    const secrets = file.objects.filter(isSecret);
    const rest = file.objects.filter((object) => !isSecret(object));
    if (secrets.length > 0) {
      fs.mkdirSync(path.join(outdir, SECRETS_FOLDER), { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(outdir, SECRETS_FOLDER, file.name), yaml(secrets), { mode: 0o600 });
      written++;
    }
    if (rest.length > 0 || secrets.length === 0) {
      fs.writeFileSync(path.join(outdir, file.name), yaml(rest), { mode: 0o600 });
      written++;
    }
  }
  return written;
}

/** Writes the access map of every {@link ExposedEndpoint} in `app` to `outdir`. */
export function writeAccessMap(app: App, outdir: string, title: string): void {
  const endpoints = app.node.findAll().filter((c): c is ExposedEndpoint => c instanceof ExposedEndpoint);
  fs.writeFileSync(path.join(outdir, ACCESS_MAP_FILE), renderAccessMarkdown(title, endpoints.map((e) => e.access)), { mode: 0o600 });
}
