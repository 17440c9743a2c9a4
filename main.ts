import { synthesizeTutorial } from './app/tutorial-app';

// `cdk8s synth` passes its output directory in CDK8S_OUTDIR; `npm run synth` uses the same default.
// Set but empty is refused (never taken as the current folder).
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
try {
  synthesizeTutorial({ outdir });
  // On stderr: `cdk8s synth --stdout` pipes our stdout into kubectl.
  console.error(`Synthesized ${outdir}/ (final state; other steps in ${outdir}/steps/, how to reach it in ${outdir}/ACCESS.md). Apply: kubectl apply -f ${outdir}/`);
} catch (error) {
  // Our errors say what is wrong, where and how to fix it; a stack trace would bury that.
  console.error(`Synth failed, nothing was written: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
