import { App, YamlOutputType } from 'cdk8s';
import { writeDirectoryAtomically } from './synth-output';
import { TutorialChart } from './tutorial-chart';

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

/** Synthesizes the tutorial into `outdir`: `kubectl apply -f <outdir>/` brings it all up. */
export function synthesizeTutorial(options: SynthesizeTutorialOptions): void {
  writeDirectoryAtomically(options.outdir, (staging) => {
    const app = new App({ outdir: staging, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    new TutorialChart(app, 'tutorial', { certificateStoreDir: options.certificateStoreDir });
    app.synth();
  });
}
