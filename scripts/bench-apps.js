#!/usr/bin/env node
// Times building and synthesizing N SecureNginxApps (each with its own generated certificate) in
// one process, per key algorithm: cold (empty certificate store: every key is generated) and warm
// (the same store again: every certificate is reused). Uses the built library (npm run build).
// Usage: npm run bench:apps [-- N [ALGORITHM...]]   default: 100 apps, ECDSA-P256 and RSA-2048
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { App, Chart } = require('cdk8s');
const { CertificateSource, KeyAlgorithm, SecureNginxApp } = require('../build/lib');

const [countArg, ...algorithmArgs] = process.argv.slice(2);
const count = Number(countArg ?? 100);
const algorithms = algorithmArgs.length > 0 ? algorithmArgs : [KeyAlgorithm.ECDSA_P256, KeyAlgorithm.RSA_2048];

function synthApps(keyAlgorithm, storeDir, outdir) {
  const started = process.hrtime.bigint();
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < count; i++) {
    new SecureNginxApp(chart, `App${i}`, { name: `app-${i}`, certificate: CertificateSource.selfSigned({ keyAlgorithm, storeDir }) });
  }
  app.synth();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-apps-'));
try {
  synthApps(KeyAlgorithm.ECDSA_P256, path.join(dir, 'warm-up'), path.join(dir, 'out')); // loads cdk8s-plus and the code paths once
  for (const algorithm of algorithms) {
    const store = path.join(dir, `store-${algorithm}`);
    const cold = synthApps(algorithm, store, path.join(dir, 'out'));
    const warm = synthApps(algorithm, store, path.join(dir, 'out'));
    console.log(`${count} apps, ${algorithm}: cold ${cold.toFixed(0)} ms (${(cold / count).toFixed(1)} ms/app), warm ${warm.toFixed(0)} ms (${(warm / count).toFixed(1)} ms/app)`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
