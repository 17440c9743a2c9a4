import { synthesizeTutorial } from './app/tutorial-app';

// `cdk8s synth` passes its output directory in CDK8S_OUTDIR; `npm run synth` uses the same default.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
// CDK8S_SEPARATE_SECRETS=1 puts the Secrets into <outdir>/secrets/ (and steps/NN-*/secrets/).
const separateSecrets = process.env.CDK8S_SEPARATE_SECRETS === '1';
synthesizeTutorial({ outdir, separateSecrets });
// On stderr: `cdk8s synth --stdout` pipes our stdout into kubectl.
const apply = separateSecrets ? `kubectl apply --server-side -f ${outdir}/secrets/ -f ${outdir}/` : `kubectl apply --server-side -f ${outdir}/`;
console.error(`Synthesized ${outdir}/ (final state; other steps in ${outdir}/steps/, how to reach it in ${outdir}/ACCESS.md). Apply: ${apply}`);
