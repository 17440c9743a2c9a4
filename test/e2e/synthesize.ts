/** Runs the cdk8s app exactly as users do (`npm run synth`, and `cdk8s synth` per cdk8s.yaml). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests } from '../../validator/src';
import { synthesizeInto } from '../support';
import { Manifest } from './manifests';

/** The manifests of a synthesized folder's top level: what `kubectl apply -f <dir>/` reads. */
export function readManifestFolder(dir: string): Manifest[] {
  return loadManifests([dir]).map((doc) => doc.object as Manifest);
}

/**
 * The top-level manifests of a fresh synth of the tutorial app. Output and certificate store go to
 * a private (0700) temp dir, removed before returning: the output holds a private key, and the
 * repo's own certificate store is left alone.
 */
export function synthesizeApp(): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-e2e-synth-'));
  try {
    const outDir = join(dir, 'dist');
    synthesizeInto(outDir, join(dir, 'certificates'));
    return readManifestFolder(outDir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
