/**
 * `npm run rotate -- NAME...`: synthesizes with new certificates for the named ones only, each NAME
 * being a Secret (`namespace/name`), a construct path (every certificate below it) or a CA
 * (`ca/<name>`, which re-issues every leaf it signed). Fails when a NAME matched nothing.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROTATE_CERTIFICATES_ENV } from '../lib/certificate-store';

const names = process.argv.slice(2);
if (names.length === 0 || names.some((name) => name.includes(',') || name === '1' || name === 'true')) {
  console.error('usage: npm run rotate -- NAMESPACE/SECRET | CONSTRUCT/PATH | ca/CA_NAME ...   (to rotate everything: CDK8S_ROTATE_CERTS=1 npm run synth)');
  process.exit(2);
}
const synth = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'synth.js')], {
  env: { ...process.env, [ROTATE_CERTIFICATES_ENV]: names.join(',') },
  stdio: ['inherit', 'inherit', 'pipe'],
  encoding: 'utf8',
});
process.stderr.write(synth.stderr);
if (synth.status !== 0) process.exit(synth.status ?? 1);
// The store announces each rotation: `... replacing certificate store entry ... (NS/SECRET): rotation was requested. ...`
const rotated = synth.stderr.split('\n').filter((line) => line.includes(': rotation was requested.'));
if (rotated.length === 0) {
  console.error(`nothing matched ${names.join(', ')}: name a Secret as namespace/name (e.g. default/nginxsecret), a construct path (e.g. tutorial/SecureNginx) or ca/<name>; npm run certs lists them`);
  process.exit(1);
}
