import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './support';

const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * scripts/synth.js in a project of its own (the repository's node_modules, a main.ts of the test's),
 * so what it does with a throwing app does not depend on the tutorial app.
 */
function projectWithMain(): { root: string; writeMain: (source: string) => void; run: () => ReturnType<typeof spawnSync> } {
  const root = tempDir('synth-runner');
  fs.mkdirSync(path.join(root, 'scripts'));
  fs.copyFileSync(path.join(REPO_ROOT, 'scripts', 'synth.js'), path.join(root, 'scripts', 'synth.js'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return {
    root,
    // The bundle is reused while its inputs are not newer than it: date a rewrite after the bundle,
    // whatever the file system's timestamp resolution.
    writeMain: source => {
      const main = path.join(root, 'main.ts');
      fs.writeFileSync(main, source);
      const bundle = path.join(root, 'build', 'synth', 'main.js');
      if (fs.existsSync(bundle)) {
        const later = new Date(fs.statSync(bundle).mtimeMs + 1000);
        fs.utimesSync(main, later, later);
      }
    },
    run: () => spawnSync(process.execPath, ['scripts/synth.js'], { cwd: root, encoding: 'utf8' }),
  };
}

const THROWING_MAIN = (message: string) => [
  "import { App, Chart } from 'cdk8s';",
  "import * as kplus from 'cdk8s-plus-28';",
  '',
  'const app = new App();',
  "new kplus.ConfigMap(new Chart(app, 'c'), 'm');",
  `throw new Error('${message}');`,
  '',
].join('\n');

describe('scripts/synth.js', () => {
  test('an error from our code is reported at its TypeScript line', () => {
    const project = projectWithMain();
    project.writeMain(THROWING_MAIN('broken on purpose'));

    // The second run loads the code cache the first one made.
    for (const result of [project.run(), project.run()]) {
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Error: broken on purpose');
      expect(result.stderr).toContain(`at Object.<anonymous> (${path.join(project.root, 'main.ts')}:6:7)`);
      expect(result.stderr).not.toContain(path.join('build', 'synth', 'main.js'));
    }
  });

  test('runs the current sources: a changed input is bundled again', () => {
    const project = projectWithMain();
    project.writeMain(THROWING_MAIN('first version'));
    expect(project.run().stderr).toContain('first version');

    const codeCaches = () => fs.readdirSync(path.join(project.root, 'build', 'synth')).filter((name) => name.endsWith('.v8cache'));
    const [firstCache] = codeCaches();
    expect(codeCaches()).toHaveLength(1);

    project.writeMain(THROWING_MAIN('second version'));
    expect(project.run().stderr).toContain('second version');
    expect(project.run().stderr).toContain('second version');
    // V8 would take another bundle's cache of the same length: each bundle has its own, named by its digest.
    expect(codeCaches()).toHaveLength(1);
    expect(codeCaches()[0]).not.toBe(firstCache);
  });
});
