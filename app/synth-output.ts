import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ExposedEndpoint, renderAccessMarkdown } from '../lib';

/** The access map written beside the manifests (not a manifest: kubectl skips it). */
export const ACCESS_MAP_FILE = 'ACCESS.md';

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
