/** Runs the cdk8s app exactly as users do (`npm run synth`, and `cdk8s synth` per cdk8s.yaml). */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Manifest, readManifestDir } from './manifests';

const execFileAsync = promisify(execFile);

const REPO_ROOT = resolve(__dirname, '..', '..');

const SYNTH_TIMEOUT_MS = 45_000;

/**
 * The top-level manifests of a fresh synth. Output and certificate store go to a private (0700)
 * temp dir, removed before returning: the output holds a private key, and the repo's own
 * certificate store is left alone.
 */
export async function synthesizeApp(): Promise<Manifest[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cdk8s-e2e-synth-'));
  try {
    const outDir = join(dir, 'dist');
    await execFileAsync(process.execPath, ['scripts/synth.js'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK8S_OUTDIR: outDir, CDK8S_CERT_STORE: join(dir, 'certificates') },
      timeout: SYNTH_TIMEOUT_MS,
    });
    return readManifestDir(outDir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
