// docs/ is the API reference typedoc generates from lib/index.ts's doc comments (`npm run docs`).
// It must match the sources, and every export must be documented (typedoc.json fails on gaps).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, tempDir } from './support';

/** Every file below `dir`, relative, sorted. */
function filesBelow(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => fs.statSync(path.join(dir, file)).isFile())
    .sort();
}

test('docs/ is what `npm run docs` generates from the current sources, with every export documented', () => {
  const out = path.join(tempDir('api-docs'), 'docs');
  const typedoc = spawnSync(process.execPath, [path.join(path.dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc'), '--out', out, '--logLevel', 'Warn'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  expect({ status: typedoc.status, output: typedoc.stdout + typedoc.stderr }).toEqual({ status: 0, output: '' });

  const committed = path.join(REPO_ROOT, 'docs');
  const generated = filesBelow(out);
  expect(filesBelow(committed)).toEqual(generated);
  const stale = generated.filter((file) => !fs.readFileSync(path.join(out, file)).equals(fs.readFileSync(path.join(committed, file))));
  if (stale.length > 0) throw new Error(`docs/ is stale (${stale.join(', ')}): run \`npm run docs\` and commit docs/`);
});
