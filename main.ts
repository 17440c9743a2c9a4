import { synthesizeTutorial } from './lib/tutorial-app';

// `cdk8s synth` passes its output directory in CDK8S_OUTDIR; `npm run synth` uses the same default.
synthesizeTutorial({ outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
