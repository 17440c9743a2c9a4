// The live TLS test (tls-suite.ts) on the tutorial app's output, synthesized as `npm run synth` does.
import { synthesizeApp } from './synthesize';
import { describeTlsE2e } from './tls-suite';

describeTlsE2e('the manifests of scripts/synth.js', { label: 'cdk8s-e2e', manifests: synthesizeApp });
