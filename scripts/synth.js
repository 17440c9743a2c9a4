#!/usr/bin/env node
// Runs main.ts without type-checking (that is `npm test`'s job): esbuild bundles our TypeScript,
// not node_modules, into build/synth/, and the bundle is reused while none of its inputs changed.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'build', 'synth', 'main.js');
const inputsFile = `${bundle}.inputs.json`;

function bundleIsCurrent() {
  let builtAt;
  let inputs;
  try {
    builtAt = fs.statSync(bundle).mtimeMs;
    inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
  } catch {
    return false;
  }
  return inputs.every((input) => {
    try {
      return fs.statSync(path.join(root, input)).mtimeMs <= builtAt;
    } catch {
      return false;
    }
  });
}

if (!bundleIsCurrent()) {
  const result = require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: ['main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    outfile: bundle,
    write: false,
    logLevel: 'error',
  });
  // Write-then-rename: synths running side by side never load half a bundle.
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  const temporary = `${bundle}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, result.outputFiles[0].contents);
  fs.writeFileSync(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  fs.renameSync(temporary, bundle);
}
// Error stacks point into the TypeScript sources.
process.setSourceMapsEnabled(true);
require(bundle);
