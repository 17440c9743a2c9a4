import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ExposedEndpoint, renderAccessMarkdown } from '../lib';
import { parseManifests } from '../validator/src';

/** The access map written beside the manifests (not a manifest: kubectl skips it). */
export const ACCESS_MAP_FILE = 'ACCESS.md';
/** With separate Secrets, the folder below each output folder that holds them. */
export const SECRETS_FOLDER = 'secrets';

/**
 * Runs `write(stagingDir)` and only when it returns moves the result to `outdir`, replacing what
 * was there. A synth that throws leaves `outdir` as it was: never half-written.
 */
export function writeDirectoryAtomically(outdir: string, write: (stagingDir: string) => void): void {
  const target = path.resolve(outdir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // A sibling of the target, so the final renames stay on one filesystem.
  const staging = fs.mkdtempSync(`${target}.staging-`);
  try {
    write(staging);
    const previous = `${staging}.previous`;
    const hadPrevious = fs.existsSync(target);
    if (hadPrevious) fs.renameSync(target, previous);
    fs.renameSync(staging, target);
    if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Synthesizes `app` and writes the access map of every {@link ExposedEndpoint} in it to its outdir. */
export function synthesizeWithAccessMap(app: App, title: string): void {
  app.synth();
  const endpoints = app.node.findAll().filter((c): c is ExposedEndpoint => c instanceof ExposedEndpoint);
  fs.writeFileSync(path.join(app.outdir, ACCESS_MAP_FILE), renderAccessMarkdown(title, endpoints.map((e) => e.access)));
}

/**
 * Moves every Secret of `outdir`'s manifest files into `outdir/secrets/<same file name>`, so GitOps
 * users can seal, encrypt or leave out the files holding keys. Apply both:
 * `kubectl apply -f outdir/secrets/ -f outdir/`. The other documents keep their bytes.
 */
export function moveSecretsToOwnFolder(outdir: string): void {
  for (const name of fs.readdirSync(outdir).filter((file) => file.endsWith('.yaml')).sort()) {
    const file = path.join(outdir, name);
    // cdk8s writes one `---`-separated document per object.
    const documents = fs.readFileSync(file, 'utf8').split(/^---\n/m).filter((text) => text.trim() !== '');
    const isSecret = (text: string) => parseManifests(text, file).some((doc) => doc.object?.kind === 'Secret' && doc.object.apiVersion === 'v1');
    const secrets = documents.filter(isSecret);
    if (secrets.length === 0) continue;
    fs.mkdirSync(path.join(outdir, SECRETS_FOLDER), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(outdir, SECRETS_FOLDER, name), secrets.join('---\n'), { mode: 0o600 });
    const rest = documents.filter((text) => !isSecret(text));
    if (rest.length > 0) fs.writeFileSync(file, rest.join('---\n'));
    else fs.rmSync(file);
  }
}
