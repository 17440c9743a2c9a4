#!/usr/bin/env node
// Runs main.ts without type-checking (that is `npm test`'s job): esbuild bundles our TypeScript,
// not node_modules, into build/synth/, and the bundle is reused while none of its inputs changed.
'use strict';
const fs = require('fs');
const { createRequire, isBuiltin } = require('module');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'build', 'synth', 'main.js');
const buildFile = `${bundle}.build.json`;

/** What the last build recorded ({ inputs, dependencies }) if none of its inputs changed since; else undefined. */
function currentBuild() {
  try {
    const builtAt = fs.statSync(bundle).mtimeMs;
    const build = JSON.parse(fs.readFileSync(buildFile, 'utf8'));
    const isCurrent = Array.isArray(build.dependencies)
      && build.inputs.every((input) => fs.statSync(path.join(root, input)).mtimeMs <= builtAt);
    return isCurrent ? build : undefined;
  } catch {
    return undefined; // no bundle yet, an unreadable record, a deleted input
  }
}

/** The packages our sources import at their top, in the order the bundle first loads them. */
function staticDependencies(metafile) {
  const imports = Object.values(metafile.inputs).flatMap((input) => input.imports);
  return [...new Set(imports
    // Only packages: esbuild also lists relative imports it dropped (type-only ones) as external.
    .filter((imported) => imported.external && imported.kind === 'import-statement' && !isBuiltin(imported.path)
      && !imported.path.startsWith('.') && !path.isAbsolute(imported.path))
    .map((imported) => imported.path))];
}

function rebuild() {
  // One build per process: esbuild's sync API otherwise starts a worker thread first (~40 ms).
  process.env.ESBUILD_WORKER_THREADS ??= '0';
  const result = require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: ['main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    sourcesContent: false,
    metafile: true,
    outfile: bundle,
    write: false,
    logLevel: 'error',
  });
  // This runner is an input too: what it records (the dependency list) depends on its code.
  const inputs = [...Object.keys(result.metafile.inputs), path.relative(root, __filename)];
  const build = { inputs, dependencies: staticDependencies(result.metafile) };
  // Write-then-rename: synths running side by side never load half a bundle.
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  const temporary = `${bundle}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, result.outputFiles[0].contents);
  fs.writeFileSync(buildFile, JSON.stringify(build));
  fs.renameSync(temporary, bundle);
  return build;
}

const build = currentBuild() ?? rebuild();
// Error stacks point into the TypeScript sources. Node parses the source map of every module
// loaded while maps are on, and cdk8s and cdk8s-plus-28 inline theirs (~100 ms): loaded first,
// they are not mapped, and ours is the one map parsed.
const requireFromBundle = createRequire(bundle);
build.dependencies.forEach((dependency) => requireFromBundle(dependency));
process.setSourceMapsEnabled(true);
require(bundle);
