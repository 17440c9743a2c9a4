import * as path from 'path';
import { App } from 'cdk8s';
import { assertCoherent } from './coherence';
import { renderManifests, writeAccessMap, writeManifests } from './manifest-files';
import { WrittenManifests, writeDirectoryAtomically } from './synth-output';
import { YamlDocumentCache } from './yaml-cache';
import { TutorialCertificateOptions, TutorialChart } from './tutorial-chart';
import { ROUTE_STEPS } from './route-steps';
import { buildStep, TUTORIAL_STEPS } from './tutorial-steps';

/** Options of {@link synthesizeTutorial}. */
export interface SynthesizeTutorialOptions extends TutorialCertificateOptions {
  /** Output directory, replaced as a whole. */
  readonly outdir: string;
  /**
   * Write Secrets to `secrets/` below each output folder instead of beside the other objects.
   * @default false
   */
  readonly separateSecrets?: boolean;
  /**
   * YAML of documents an earlier synth wrote, reused where an object is unchanged; saved at the end.
   * @default every document is rendered
   */
  readonly yamlCache?: YamlDocumentCache;
}

/**
 * Synthesizes the tutorial into `outdir`: the final state at the top level (`kubectl apply -f
 * <outdir>/` brings it all up), each other step in `steps/<NN-name>/`, and an ACCESS.md in each.
 * Returns how many manifest files and objects it wrote.
 */
export function synthesizeTutorial(options: SynthesizeTutorialOptions): WrittenManifests {
  const written = { files: 0, objects: 0 };
  const certificates: TutorialCertificateOptions = { certificateStoreDir: options.certificateStoreDir, keyAlgorithm: options.keyAlgorithm };
  // The files are written here, not by App.synth(), so there is no construct-metadata.json (which
  // `cdk8s synth` asks for when validating): `kubectl apply -f dist/` would read it as a manifest
  // and fail. Violation reports name file, object and field instead.
  writeDirectoryAtomically(options.outdir, (staging) => {
    const finalState = new App({ outdir: staging });
    new TutorialChart(finalState, 'tutorial', certificates);
    const folders = [{ app: finalState, folder: '', title: 'How to reach the tutorial app' }];
    for (const step of [...TUTORIAL_STEPS, ...ROUTE_STEPS]) {
      const folder = path.join('steps', step.id);
      const stepApp = new App({ outdir: path.join(staging, folder) });
      buildStep(stepApp, step, certificates);
      folders.push({ app: stepApp, folder, title: `Step ${step.id}: ${step.title}` });
    }
    // Every construct is built, validated and rendered, and the objects of each folder checked together, before anything is written.
    const rendered = folders.map((output) => ({ ...output, files: renderManifests(output.app) }));
    for (const { folder, files } of rendered) assertCoherent(files, path.join(options.outdir, folder));
    for (const { app, files, title } of rendered) {
      written.files += writeManifests(app.outdir, files, { separateSecrets: options.separateSecrets, yamlCache: options.yamlCache });
      written.objects += files.reduce((sum, file) => sum + file.objects.length, 0);
      writeAccessMap(app, app.outdir, title);
    }
  });
  options.yamlCache?.save();
  return written;
}
