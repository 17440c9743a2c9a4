// The benchmark's scale app: BENCH_APPS (default 1) SecureNginxApps in one chart, their keys of
// BENCH_KEY_ALGORITHM (default rsa), certificates kept in $CDK8S_CERT_STORE, output in $CDK8S_OUTDIR.
import { App, Chart } from 'cdk8s';
import { CertificateSource, KeyAlgorithm, SecureNginxApp, SecureNginxAppProps } from '../lib';

/** The exit status that tells the benchmark an algorithm is not supported: it skips the case with this run's message. */
const UNSUPPORTED = 3;

/** The key props of an algorithm; undefined when SecureNginxApp cannot make such keys. */
function keyPropsOf(algorithm: string): SecureNginxAppProps | undefined {
  if (algorithm === 'rsa') return { keySize: 2048 };
  if (algorithm === 'ecdsa') return { certificate: CertificateSource.selfSigned({ keyAlgorithm: KeyAlgorithm.ECDSA_P256 }) };
  return undefined;
}

const count = Number(process.env.BENCH_APPS ?? 1);
const algorithm = process.env.BENCH_KEY_ALGORITHM ?? 'rsa';
const keyProps = keyPropsOf(algorithm);
if (!keyProps) {
  console.error(`SecureNginxApp has no ${algorithm} key option`);
  process.exit(UNSUPPORTED);
}
const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist', recordConstructMetadata: false });
const chart = new Chart(app, 'apps');
for (let i = 0; i < count; i++) new SecureNginxApp(chart, `App${i}`, { name: `app-${i}`, ...keyProps });
app.synth();
