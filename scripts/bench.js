#!/usr/bin/env node
// The benchmark (README "Speed"): whole processes, timed as a user waits for them, interleaved
// round by round so a busy machine slows every case alike. Prints a table and writes it as JSON.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const USAGE = `usage: npm run bench -- [--runs N] [--quick] [--big] [--cases GROUP,...] [--apps N,...] [--algorithms rsa,ecdsa] [--out FILE]
  --runs N        measured runs of each case (default 5), after one warm-up run of each warm case
  --quick         3 runs, N = 1 and 10 only: under 2 minutes
  --big           adds 500 apps (cold with RSA: minutes per run)
  --cases         groups to run (default all): floor, app, npm, cdk8s, apps, keygen
  --apps          N of the N-app cases (default 1,10,100)
  --algorithms    key algorithms of the N-app cases (default rsa,ecdsa; one the library lacks is skipped with a note)
  --out FILE      the JSON results (default bench/results.json)`;

const ROOT = path.resolve(__dirname, '..');
const NODE = process.execPath;
const GROUPS = ['floor', 'app', 'npm', 'cdk8s', 'apps', 'keygen'];
// RSA keygen times vary several-fold from key to key: enough samples for a steady mean.
const KEYGEN_PER_RUN = 20;

function parseArguments(args) {
  const given = {};
  const list = (value) => (value ?? '').split(',').filter(Boolean);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--quick' || arg === '--big') given[arg.slice(2)] = true;
    else if (arg === '--runs') given.runs = Number(args[++i]);
    else if (arg === '--cases') given.cases = list(args[++i]);
    else if (arg === '--apps') given.apps = list(args[++i]).map(Number);
    else if (arg === '--algorithms') given.algorithms = list(args[++i]);
    else if (arg === '--out') given.out = path.resolve(args[++i]);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  const apps = given.apps ?? (given.quick ? [1, 10] : [1, 10, 100]);
  const options = {
    runs: given.runs ?? (given.quick ? 3 : 5),
    cases: given.cases ?? GROUPS,
    apps: given.big ? [...new Set([...apps, 500])] : apps,
    algorithms: given.algorithms ?? ['rsa', 'ecdsa'],
    out: given.out ?? path.join(ROOT, 'bench', 'results.json'),
  };
  const unknown = options.cases.filter((group) => !GROUPS.includes(group));
  if (unknown.length || !(options.runs >= 1) || options.apps.some((n) => !(n >= 1))) throw new Error(`bad --cases, --runs or --apps\n${USAGE}`);
  return options;
}

/** Stores, outputs and bundles of this run, below build/ (git-ignored: the stores hold private keys); removed at exit. */
function workspace() {
  fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'build', 'bench-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  let count = 0;
  return { dir, fresh: (name) => fs.mkdtempSync(path.join(dir, `${name}-${count++}-`)) };
}

/** The bench apps, bundled like the app (our TypeScript only) and without source maps. */
function bundleBenchApps(outdir) {
  const entries = ['floor-app', 'scale-app'];
  require('esbuild').buildSync({
    absWorkingDir: ROOT,
    entryPoints: entries.map((entry) => `bench/${entry}.ts`),
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    logLevel: 'error',
  });
  return Object.fromEntries(entries.map((entry) => [entry, path.join(outdir, `${entry}.js`)]));
}

/** GNU time, for peak RSS and CPU time; without it those columns stay empty. */
const GNU_TIME = spawnSync('/usr/bin/time', ['-f', '%M', NODE, '-e', ''], { encoding: 'utf8' }).status === 0 ? '/usr/bin/time' : undefined;

/** One run of a command: wall ms, CPU ms, peak RSS MB; throws with its stderr when it fails. */
function runOnce(command, env) {
  const argv = GNU_TIME ? [GNU_TIME, '-f', '\n%U %S %M', ...command] : command;
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  // Synchronous runs never let a signal handler run: stop here, and the exit handler cleans up.
  if (result.signal === 'SIGINT' || result.signal === 'SIGTERM') process.exit(130);
  const stderr = result.stderr ?? '';
  const usage = GNU_TIME ? stderr.trimEnd().split('\n').pop().split(' ').map(Number) : [];
  // GNU time adds its line last, and a line of its own when the command fails.
  const output = (GNU_TIME ? stderr.slice(0, stderr.trimEnd().lastIndexOf('\n')) : stderr).replace(/^Command (exited|terminated) .*$/m, '');
  if (result.error || result.status !== 0) {
    const failure = new Error(`${command.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output.trim()}`);
    failure.status = result.status;
    failure.output = output.trim();
    throw failure;
  }
  return { wallMs, cpuMs: usage.length === 3 ? (usage[0] + usage[1]) * 1000 : null, rssMb: usage.length === 3 ? usage[2] / 1024 : null, stdout: result.stdout };
}

const KEYGEN_SOURCE = `
const { generateKeyPairSync } = require('crypto');
const [algorithm, count] = process.argv.slice(1);
const args = algorithm === 'rsa' ? ['rsa', { modulusLength: 2048 }] : ['ec', { namedCurve: 'prime256v1' }];
const times = [];
for (let i = 0; i < Number(count); i++) {
  const started = process.hrtime.bigint();
  generateKeyPairSync(...args);
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
}
console.log(JSON.stringify(times));`;

/** TLS Secrets in an output folder: one generated key each. */
function countTlsSecrets(dir) {
  return fs.readdirSync(dir, { recursive: true })
    .filter((file) => /\.ya?ml$/.test(file))
    .reduce((count, file) => count + (fs.readFileSync(path.join(dir, file), 'utf8').match(/^type: kubernetes\.io\/tls$/gm) ?? []).length, 0);
}

/**
 * The cases: each has a command and env per run (cold cases get an empty store each run); warm
 * cases share a store that their warm-up run fills.
 */
function defineCases(options, work, bundles) {
  const cases = [];
  const add = (group, spec) => { if (options.cases.includes(group)) cases.push({ group, samples: [], ...spec }); };
  const out = () => ({ CDK8S_OUTDIR: work.fresh('out') });
  const warmStore = (name) => { const dir = path.join(work.dir, `store-${name}`); return () => dir; };
  const coldStore = () => work.fresh('store');
  const mainTs = path.join(ROOT, 'main.ts');
  // A source change makes a new bundle, which has no V8 code cache yet (scripts/synth.js): drop it too.
  const touchMain = () => {
    const now = new Date();
    fs.utimesSync(mainTs, now, now);
    const bundleDir = path.join(ROOT, 'build', 'synth');
    for (const name of fs.existsSync(bundleDir) ? fs.readdirSync(bundleDir) : []) if (name.endsWith('.v8cache')) fs.rmSync(path.join(bundleDir, name));
  };
  const appStore = warmStore('app');

  add('floor', { id: 'floor', label: 'floor: plain cdk8s-plus-28 tutorial, no certificates', command: [NODE, bundles['floor-app']], env: out });
  add('app', { id: 'app-warm', label: 'app command `node scripts/synth.js`, warm store', floor: 'floor', command: [NODE, 'scripts/synth.js'], env: () => ({ ...out(), CDK8S_CERT_STORE: appStore() }) });
  add('app', { id: 'app-changed', label: 'app command after a source change', floor: 'floor', command: [NODE, 'scripts/synth.js'], before: touchMain, env: () => ({ ...out(), CDK8S_CERT_STORE: appStore() }) });
  add('app', { id: 'app-cold', label: 'app command, cold (empty store)', floor: 'floor', cold: 'rsa', command: [NODE, 'scripts/synth.js'], env: () => ({ ...out(), CDK8S_CERT_STORE: coldStore() }) });
  const ecdsaStore = warmStore('app-ecdsa');
  const ecdsa = { CDK8S_KEY_ALGORITHM: 'ECDSA-P256' };
  add('app', { id: 'app-ecdsa-warm', label: 'app command with ECDSA keys, warm store', floor: 'floor', command: [NODE, 'scripts/synth.js'], env: () => ({ ...out(), ...ecdsa, CDK8S_CERT_STORE: ecdsaStore() }) });
  add('app', { id: 'app-ecdsa-cold', label: 'app command with ECDSA keys, cold', floor: 'floor', command: [NODE, 'scripts/synth.js'], env: () => ({ ...out(), ...ecdsa, CDK8S_CERT_STORE: coldStore() }) });
  const npm = process.env.npm_execpath ? [NODE, process.env.npm_execpath] : ['npm'];
  add('npm', { id: 'npm-warm', label: '`npm run synth`, warm store', floor: 'floor', command: [...npm, 'run', '--silent', 'synth'], env: () => ({ ...out(), CDK8S_CERT_STORE: appStore() }) });
  const cdk8s = [NODE, path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth'];
  const cdk8sEnv = () => { const { CDK8S_OUTDIR } = out(); return { CDK8S_CHECK_UPGRADE: 'false', CDK8S_CERT_STORE: appStore(), BENCH_OUTDIR: CDK8S_OUTDIR }; };
  add('cdk8s', { id: 'cdk8s-validate', label: '`cdk8s synth` with the validation plugin', floor: 'floor', command: (env) => [...cdk8s, '-o', env.BENCH_OUTDIR], env: cdk8sEnv });
  add('cdk8s', { id: 'cdk8s-no-validate', label: '`cdk8s synth --no-validate`', floor: 'floor', command: (env) => [...cdk8s, '--no-validate', '-o', env.BENCH_OUTDIR], env: cdk8sEnv });
  for (const n of options.apps) {
    add('floor', { id: `floor-${n}`, label: `floor: ${n} plain nginx object sets`, n, command: [NODE, bundles['floor-app']], env: () => ({ ...out(), BENCH_APPS: String(n) }) });
    for (const algorithm of options.algorithms) {
      const scale = (store) => () => ({ ...out(), BENCH_APPS: String(n), BENCH_KEY_ALGORITHM: algorithm, CDK8S_CERT_STORE: store() });
      add('apps', { id: `apps-${n}-${algorithm}-warm`, label: `${n} SecureNginxApps (${algorithm}), warm store`, n, algorithm, floor: `floor-${n}`, command: [NODE, bundles['scale-app']], env: scale(warmStore(`apps-${n}-${algorithm}`)) });
      add('apps', { id: `apps-${n}-${algorithm}-cold`, label: `${n} SecureNginxApps (${algorithm}), cold`, n, algorithm, cold: algorithm, keys: n, floor: `floor-${n}`, command: [NODE, bundles['scale-app']], env: scale(coldStore) });
    }
  }
  for (const algorithm of ['rsa', 'ecdsa']) {
    const label = algorithm === 'rsa' ? 'one RSA-2048 keygen (per key, serial)' : 'one ECDSA P-256 keygen (per key, serial)';
    add('keygen', { id: `keygen-${algorithm}`, label, keygen: algorithm, command: [NODE, '-e', KEYGEN_SOURCE, algorithm, String(KEYGEN_PER_RUN)], env: () => ({}) });
  }
  return cases;
}

function runCase(testCase) {
  testCase.before?.();
  const env = testCase.env();
  const command = typeof testCase.command === 'function' ? testCase.command(env) : testCase.command;
  try {
    return { ...runOnce(command, env), env };
  } catch (error) {
    if (error.status === 3 && testCase.group === 'apps') {
      testCase.skipped = `skipped: ${error.output || 'unsupported'}`;
      return undefined;
    }
    throw error;
  }
}

function measure(cases, runs) {
  const warm = cases.filter((testCase) => !testCase.cold && !testCase.keygen);
  process.stderr.write(`warm-up: ${warm.length} cases\n`);
  for (const testCase of warm) {
    const run = runCase(testCase);
    if (run && testCase.id === 'app-warm') testCase.tutorialKeys = countTlsSecrets(run.env.CDK8S_OUTDIR);
  }
  const tutorialKeys = cases.find((testCase) => testCase.tutorialKeys)?.tutorialKeys;
  for (const testCase of cases) if (testCase.id === 'app-cold') testCase.keys = tutorialKeys;
  for (let round = 1; round <= runs; round++) {
    const started = Date.now();
    for (const testCase of cases) {
      if (testCase.skipped) continue;
      const run = runCase(testCase);
      if (!run) continue;
      if (testCase.keygen) testCase.samples.push(...JSON.parse(run.stdout).map((wallMs) => ({ wallMs, cpuMs: null, rssMb: null })));
      else testCase.samples.push(run);
    }
    process.stderr.write(`round ${round}/${runs}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
}

const median = (values) => {
  const sorted = values.filter((value) => value !== null).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;

function summarize(cases, options) {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const byId = new Map(cases.map((testCase) => [testCase.id, testCase]));
  const medianOf = (id, measure = 'wallMs') => median(byId.get(id)?.samples.map((sample) => sample[measure]) ?? []);
  const keygenMeanMs = Object.fromEntries(['rsa', 'ecdsa']
    .filter((algorithm) => byId.get(`keygen-${algorithm}`)?.samples.length)
    .map((algorithm) => [algorithm, mean(byId.get(`keygen-${algorithm}`).samples.map((sample) => sample.wallMs))]));
  const rows = cases.map((testCase) => {
    const wall = testCase.samples.map((sample) => sample.wallMs);
    const row = { id: testCase.id, label: testCase.label, runs: wall.length };
    if (testCase.skipped || !wall.length) return { ...row, note: testCase.skipped ?? 'no runs' };
    Object.assign(row, {
      medianMs: median(wall), minMs: Math.min(...wall), maxMs: Math.max(...wall),
      cpuMedianMs: median(testCase.samples.map((sample) => sample.cpuMs)),
      peakRssMb: testCase.samples.some((sample) => sample.rssMb !== null) ? Math.max(...testCase.samples.map((sample) => sample.rssMb ?? 0)) : null,
    });
    if (testCase.floor && medianOf(testCase.floor)) row.ratioToFloor = row.medianMs / medianOf(testCase.floor);
    if (testCase.floor && row.cpuMedianMs && medianOf(testCase.floor, 'cpuMs')) row.cpuRatioToFloor = row.cpuMedianMs / medianOf(testCase.floor, 'cpuMs');
    if (testCase.cold && testCase.keys && keygenMeanMs[testCase.cold]) {
      row.keygenLimitMs = (testCase.keys * keygenMeanMs[testCase.cold]) / cores;
      row.ratioToKeygenLimit = row.medianMs / row.keygenLimitMs;
    }
    return row;
  });
  const derived = {};
  if (medianOf('cdk8s-validate') && medianOf('cdk8s-no-validate')) {
    derived.validationPluginAddsMs = medianOf('cdk8s-validate') - medianOf('cdk8s-no-validate');
    if (GNU_TIME) derived.validationPluginAddsCpuMs = medianOf('cdk8s-validate', 'cpuMs') - medianOf('cdk8s-no-validate', 'cpuMs');
  }
  if (medianOf('app-ecdsa-cold') && medianOf('app-ecdsa-warm')) derived.ecdsaColdToWarm = medianOf('app-ecdsa-cold') / medianOf('app-ecdsa-warm');
  for (const n of options.apps) {
    const warm = medianOf(`apps-${n}-rsa-warm`);
    const floor = medianOf(`floor-${n}`);
    if (warm && floor) derived[`warmOverheadPerAppMs_${n}`] = (warm - floor) / n;
  }
  return {
    date: new Date().toISOString(),
    machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpu: os.cpus()[0]?.model, cores, memoryGb: Math.round(os.totalmem() / 2 ** 30) },
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    runsPerCase: options.runs,
    keygenMeanMs,
    rows,
    derived,
  };
}

function formatTable(results) {
  const ms = (value) => (value === null || value === undefined ? '' : value >= 10000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`);
  const ratio = (value, of) => (value === undefined ? '' : `${value.toFixed(2)}x${of === undefined ? '' : ` (${ms(of)})`}`);
  const lines = [
    '| case | median | min | max | CPU (median) | / floor (CPU) | / keygen limit | peak RSS |',
    '|---|---|---|---|---|---|---|---|',
    ...results.rows.map((row) => (row.note
      ? `| ${row.label} | ${row.note} | | | | | | |`
      : `| ${row.label} | ${ms(row.medianMs)} | ${ms(row.minMs)} | ${ms(row.maxMs)} | ${ms(row.cpuMedianMs)} | ${ratio(row.ratioToFloor)}${row.cpuRatioToFloor === undefined ? '' : ` (${row.cpuRatioToFloor.toFixed(2)}x)`} | ${ratio(row.ratioToKeygenLimit, row.keygenLimitMs)} | ${row.peakRssMb ? `${row.peakRssMb.toFixed(0)} MB` : ''} |`)),
  ];
  const { derived, machine } = results;
  const notes = [
    `${results.runsPerCase} runs per case, interleaved; ${machine.cores} cores (${machine.cpu}), Node ${machine.node}.`,
    'Keygen limit: the keys a cold run generates x the mean serial keygen time measured in this run / cores.',
  ];
  if (derived.validationPluginAddsMs !== undefined) {
    const cpu = derived.validationPluginAddsCpuMs === undefined ? '' : `, ${ms(derived.validationPluginAddsCpuMs)} of CPU`;
    notes.push(`The validation plugin adds ${ms(derived.validationPluginAddsMs)} to \`cdk8s synth\`${cpu} (differences of the medians).`);
  }
  if (derived.ecdsaColdToWarm !== undefined) notes.push(`A cold synth of the tutorial with ECDSA keys takes ${derived.ecdsaColdToWarm.toFixed(2)}x a warm one.`);
  const perApp = Object.entries(derived).filter(([key]) => key.startsWith('warmOverheadPerAppMs_'));
  if (perApp.length) notes.push(`Warm overhead per SecureNginxApp over plain objects: ${perApp.map(([key, value]) => `${ms(value)} at N = ${key.split('_')[1]}`).join(', ')}.`);
  return `${lines.join('\n')}\n\n${notes.join('\n')}`;
}

function main() {
  const options = parseArguments(process.argv.slice(2));
  const work = workspace();
  const bundles = bundleBenchApps(path.join(work.dir, 'bundles'));
  const cases = defineCases(options, work, bundles);
  measure(cases, options.runs);
  const results = summarize(cases, options);
  console.log(formatTable(results));
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to ${path.relative(process.cwd(), options.out)}`);
}

try {
  main();
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
}
