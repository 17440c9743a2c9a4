#!/usr/bin/env node
// Times whole synth processes (what a user waits for): one warm-up, then N runs; prints min/median/max.
// Usage: npm run bench [-- RUNS [COMMAND...]]   default: 10 runs of `node scripts/synth.js`
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [runsArg, ...commandArgs] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const command = commandArgs.length > 0 ? commandArgs : [process.execPath, 'scripts/synth.js'];
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));

function runOnce() {
  const started = process.hrtime.bigint();
  const result = spawnSync(command[0], command.slice(1), {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, CDK8S_OUTDIR: outdir },
    stdio: 'ignore',
  });
  if (result.status !== 0) throw new Error(`${command.join(' ')} exited with ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

runOnce(); // warm-up: builds the bundle and fills the certificate store
const times = Array.from({ length: runs }, runOnce).sort((a, b) => a - b);
const ms = (t) => `${t.toFixed(0)} ms`;
console.log(`${command.join(' ')}: ${runs} runs, wall min ${ms(times[0])}, median ${ms(times[Math.floor(runs / 2)])}, max ${ms(times[runs - 1])}`);
fs.rmSync(outdir, { recursive: true, force: true });
