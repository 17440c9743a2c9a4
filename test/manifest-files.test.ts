import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { renderManifests, writeManifests } from '../app/manifest-files';
import { ROUTE_STEPS } from '../app/route-steps';
import { TutorialChart } from '../app/tutorial-chart';
import { buildStep, TUTORIAL_STEPS } from '../app/tutorial-steps';
import { parseManifests } from '../validator/src/load-manifests';
import { tempDir, treeDigests } from './support';

const store = tempDir('manifest-files-store');
const appProps = { yamlOutputType: YamlOutputType.FILE_PER_CHART, recordConstructMetadata: false };

/** The tutorial's final state and each step, each in an App of its own, as the tutorial app builds them. */
function tutorialApps(outdir: string): App[] {
  const finalState = new App({ ...appProps, outdir });
  new TutorialChart(finalState, 'tutorial', { certificateStoreDir: store });
  return [finalState, ...[...TUTORIAL_STEPS, ...ROUTE_STEPS].map((step) => {
    const stepApp = new App({ ...appProps, outdir: path.join(outdir, 'steps', step.id) });
    buildStep(stepApp, step, { certificateStoreDir: store });
    return stepApp;
  })];
}

describe('renderManifests and writeManifests', () => {
  const viaSynth = tempDir('via-synth');
  const viaRender = tempDir('via-render');
  for (const app of tutorialApps(viaSynth)) app.synth();
  for (const app of tutorialApps(viaRender)) writeManifests(app.outdir, renderManifests(app));

  test('write, for every folder of the tutorial, the bytes app.synth() writes', () => {
    const digests = treeDigests(viaRender);
    expect(Object.keys(digests)).toHaveLength(9);
    expect(digests).toEqual(treeDigests(viaSynth));
  });

  test('write files 0600 in folders 0700', () => {
    for (const entry of fs.readdirSync(viaRender, { recursive: true, withFileTypes: true })) {
      const file = path.join(entry.parentPath, entry.name);
      expect([file, fs.statSync(file).mode & 0o777]).toEqual([file, entry.isDirectory() ? 0o700 : 0o600]);
    }
  });

  test('with separateSecrets, the Secrets go to secrets/<same name> and the other documents keep their bytes', () => {
    const [finalState] = tutorialApps(tempDir('unused'));
    const files = renderManifests(finalState);
    const outdir = path.join(tempDir('separate'), 'out');
    writeManifests(outdir, files, { separateSecrets: true });
    const together = fs.readFileSync(path.join(viaSynth, 'tutorial.k8s.yaml'), 'utf8').split(/^---\n/m);
    const rest = fs.readFileSync(path.join(outdir, 'tutorial.k8s.yaml'), 'utf8').split(/^---\n/m);
    const secrets = fs.readFileSync(path.join(outdir, 'secrets', 'tutorial.k8s.yaml'), 'utf8').split(/^---\n/m);
    const kinds = (documents: string[]) => documents.map((text) => parseManifests(text, 'f')[0].object.kind);
    expect(kinds(secrets)).toEqual(['Secret']);
    expect(kinds(rest)).not.toContain('Secret');
    expect([...rest, ...secrets].sort()).toEqual([...together].sort());
    expect(fs.statSync(path.join(outdir, 'secrets')).mode & 0o777).toBe(0o700);
  });

  test('refuse an app of two charts, which App.synth() would name otherwise', () => {
    const app = new App({ ...appProps, outdir: tempDir('two-charts') });
    new kplus.ConfigMap(new Chart(app, 'one'), 'c');
    new kplus.ConfigMap(new Chart(app, 'two'), 'c');
    expect(() => renderManifests(app)).toThrow(/has 2 charts: the tutorial writes one chart per output folder/);
  });
});
