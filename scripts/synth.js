#!/usr/bin/env node
// Runs main.ts without type-checking (that is `npm test`'s job): esbuild bundles our TypeScript,
// not node_modules, into build/synth/, and the bundle is reused while none of its inputs changed,
// loaded with V8's code cache of it from the previous run.
'use strict';
const { createHash } = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const { createRequire, isBuiltin, SourceMap } = Module;

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

/**
 * Runs the bundle with V8's compiled form of it from an earlier run, made at exit so that it holds
 * the functions that ran: most of our code is then neither parsed nor compiled again (~30 ms). V8
 * checks little more than the source's length, so the cache is named by the bundle's digest.
 */
function runBundle(dependencies) {
  const source = fs.readFileSync(bundle, 'utf8');
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 32);
  const cacheFile = path.join(path.dirname(bundle), `main.js.${process.version}-${process.arch}-${digest}.v8cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // none yet: made at exit
  }
  // The wrapper's own line is offset away: stack frames keep the bundle's line numbers.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, { filename: bundle, lineOffset: -1, cachedData });
  if (!cachedData || script.cachedDataRejected) process.on('exit', () => writeCodeCache(cacheFile, script));
  mapStackFramesToSources(source);
  // cdk8s and cdk8s-plus-28 first, as a plain require of the bundle would load them.
  const requireFromBundle = createRequire(bundle);
  dependencies.forEach((dependency) => requireFromBundle(dependency));
  const bundleModule = new Module(bundle, module);
  bundleModule.filename = bundle;
  bundleModule.paths = Module._nodeModulePaths(path.dirname(bundle));
  // `this` is module.exports, as in a module Node loads.
  script.runInThisContext().call(bundleModule.exports, bundleModule.exports, requireFromBundle, bundleModule, bundle, path.dirname(bundle));
}

/** Replaces the caches of other bundles (and Node versions) with this one's; a cache is only ever a speed-up. */
function writeCodeCache(cacheFile, script) {
  const dir = path.dirname(cacheFile);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.v8cache')) fs.rmSync(path.join(dir, name), { force: true });
    fs.writeFileSync(temporary, script.createCachedData());
    fs.renameSync(temporary, cacheFile);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Error stacks name the TypeScript lines. Node maps only modules it loads itself, so the bundle's
 * frames are mapped here, from its inline source map, read only when a stack is printed.
 */
function mapStackFramesToSources(source) {
  let sourceMap; // undefined until a stack is printed; null when the bundle has none
  const sourceMapOfBundle = () => {
    if (sourceMap === undefined) {
      const payload = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(source)?.[1];
      sourceMap = payload ? new SourceMap(JSON.parse(Buffer.from(payload, 'base64').toString('utf8'))) : null;
    }
    return sourceMap;
  };
  const mapped = (frame) => {
    const entry = frame.getFileName() === bundle && sourceMapOfBundle()?.findEntry(frame.getLineNumber() - 1, frame.getColumnNumber() - 1);
    if (!entry?.originalSource) return `    at ${frame}`;
    const location = `${path.resolve(path.dirname(bundle), entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    // V8's own wording of the frame, with the place in the bundle replaced.
    return `    at ${String(frame).replace(`${bundle}:${frame.getLineNumber()}:${frame.getColumnNumber()}`, location)}`;
  };
  Error.prepareStackTrace = (error, frames) => [safeToString(error), ...frames.map(mapped)].join('\n');
  // Node's own report of an uncaught error quotes the bundle's line; the mapped stack says it all.
  process.on('uncaughtException', (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : safeToString(error)}\n`);
    process.exit(1);
  });
}

function safeToString(value) {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

runBundle((currentBuild() ?? rebuild()).dependencies);
