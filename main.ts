import { synthesizeTutorial } from './app/tutorial-app';

// `cdk8s synth` passes its output directory in CDK8S_OUTDIR; `npm run synth` uses the same default.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
synthesizeTutorial({ outdir });
// On stderr: `cdk8s synth --stdout` pipes our stdout into kubectl.
console.error(`Synthesized ${outdir}/ (final state; other steps in ${outdir}/steps/, how to reach it in ${outdir}/ACCESS.md). Apply: kubectl apply -f ${outdir}/`);
