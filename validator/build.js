#!/usr/bin/env node
// Builds the package: one JavaScript bundle per entry point (the shared API-server rules from
// ../lib are compiled in, so the package stands alone), and type declarations for the API.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = __dirname;
const outdir = path.join(root, 'build');
fs.rmSync(outdir, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Real dependencies stay require()s; cdk8s-cli only lends its types.
  external: ['ajv', 'yaml', 'cdk8s-cli'],
  logLevel: 'error',
};
esbuild.buildSync({ ...common, entryPoints: ['src/index.ts'], outfile: path.join(outdir, 'index.js') });
esbuild.buildSync({ ...common, entryPoints: ['src/cli.ts'], outfile: path.join(outdir, 'cli.js'), banner: { js: '#!/usr/bin/env node' } });
fs.chmodSync(path.join(outdir, 'cli.js'), 0o755);

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
