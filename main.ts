import { coldSynthSummary } from './app/synth-output';
import { synthesizeTutorial } from './app/tutorial-app';
import { YamlDocumentCache } from './app/yaml-cache';
import { certificateTally } from './lib/certificate-store';
import { isKeyAlgorithm, KEY_ALGORITHMS, KeyAlgorithm } from './lib/key-algorithm';

// `cdk8s synth` passes its output directory in CDK8S_OUTDIR; `npm run synth` uses the same default.
// Set but empty is refused (never taken as the current folder).
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
// CDK8S_SEPARATE_SECRETS=1 puts the Secrets into <outdir>/secrets/ (and steps/NN-*/secrets/).
const separateSecrets = process.env.CDK8S_SEPARATE_SECRETS === '1';
try {
  const keyAlgorithm = keyAlgorithmFromEnv(process.env.CDK8S_KEY_ALGORITHM);
  const written = synthesizeTutorial({ outdir, separateSecrets, keyAlgorithm, yamlCache: YamlDocumentCache.default() });
  // On stderr: `cdk8s synth --stdout` pipes our stdout into kubectl.
  const apply = separateSecrets ? `kubectl apply --server-side -f ${outdir}/secrets/ -f ${outdir}/` : `kubectl apply --server-side -f ${outdir}/`;
  console.error(`Synthesized ${outdir}/ (final state; other steps in ${outdir}/steps/, how to reach it in ${outdir}/ACCESS.md). Apply: ${apply}`);
  const summary = coldSynthSummary(written, certificateTally(), performance.now());
  if (summary) console.error(summary);
} catch (error) {
  // Our errors say what is wrong, where and how to fix it; a stack trace would bury that.
  console.error(`Synth failed, nothing was written: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

/** CDK8S_KEY_ALGORITHM (e.g. ECDSA-P256) picks the tutorial certificate's key; unset, the docs' RSA 2048. */
function keyAlgorithmFromEnv(value: string | undefined): KeyAlgorithm | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isKeyAlgorithm(value)) throw new Error(`CDK8S_KEY_ALGORITHM=${value} is not a key algorithm: use one of ${KEY_ALGORITHMS.join(', ')}, or unset it for RSA-2048`);
  return value;
}
