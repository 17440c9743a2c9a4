import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { assertCoherent } from './coherence';
import { synthesizeWithAccessMap, writeDirectoryAtomically } from './synth-output';
import { TutorialChart } from './tutorial-chart';
import { ROUTE_STEPS } from './route-steps';
import { buildStep, TUTORIAL_STEPS } from './tutorial-steps';

/** Options of {@link synthesizeTutorial}. */
export interface SynthesizeTutorialOptions {
  /** Output directory, replaced as a whole. */
  readonly outdir: string;
  /**
   * Where generated certificates are kept between synths.
   * @default see SecureNginxAppProps.certificateStoreDir
   */
  readonly certificateStoreDir?: string;
}

/**
 * Synthesizes the tutorial into `outdir`: the final state at the top level (`kubectl apply -f
 * <outdir>/` brings it all up), each other step in `steps/<NN-name>/`, and an ACCESS.md in each.
 */
export function synthesizeTutorial(options: SynthesizeTutorialOptions): void {
  const { certificateStoreDir } = options;
  // No construct-metadata.json (which `cdk8s synth` asks for when validating): `kubectl apply -f
  // dist/` would read it as a manifest and fail. Violation reports name file, object and field instead.
  const appProps = { yamlOutputType: YamlOutputType.FILE_PER_CHART, recordConstructMetadata: false };
  writeDirectoryAtomically(options.outdir, (staging) => {
    const app = new App({ ...appProps, outdir: staging });
    new TutorialChart(app, 'tutorial', { certificateStoreDir });
    const steps = [...TUTORIAL_STEPS, ...ROUTE_STEPS].map((step) => {
      const stepApp = new App({ ...appProps, outdir: path.join(staging, 'steps', step.id) });
      buildStep(stepApp, step, certificateStoreDir);
      return { stepApp, step };
    });
    // Every construct is built and validated, and the objects of each folder checked together, before anything is written.
    assertCoherent(app, options.outdir);
    for (const { stepApp, step } of steps) assertCoherent(stepApp, path.join(options.outdir, 'steps', step.id));
    synthesizeWithAccessMap(app, 'How to reach the tutorial app');
    for (const { stepApp, step } of steps) synthesizeWithAccessMap(stepApp, `Step ${step.id}: ${step.title}`);
  });
}
