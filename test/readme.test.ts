// Every ```ts example in README.md runs as written, as in a user's repo: compiled by tsc (strict)
// against the built package, run by node in a folder of its own, printing what its `// prints:`
// comments say, writing only its own output folder (never the tutorial's dist/), and what it
// writes passes strict validation.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { formatViolations, loadManifests, validateManifests } from '../validator/src';
import { builtPackageRoot, REPO_ROOT, tempDir } from './support';

interface Example {
  /** The README heading the example sits under. */
  heading: string;
  code: string;
}

/** The ```ts blocks of a Markdown document, with the heading each sits under. */
function typescriptExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  let heading = '';
  let code: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (code) {
      if (line === '```') {
        examples.push({ heading, code: `${code.join('\n')}\n` });
        code = undefined;
      } else {
        code.push(line);
      }
    } else if (line === '```ts') {
      code = [];
    } else if (/^#{2,3} /.test(line)) {
      heading = line.replace(/^#+ /, '');
    }
  }
  return examples;
}

/** What the example says it prints: its `// prints: ...` comments, in order. */
function expectedOutput(code: string): string[] {
  return [...code.matchAll(/^\s*\/\/ prints: (.*)$/gm)].map((match) => match[1]);
}

interface ExampleRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Folders the example created besides its sources and the certificate store. */
  outputs: string[];
}

const examples = typescriptExamples(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
const work = tempDir('readme');
const folderOf = (index: number) => path.join(work, `example-${index + 1}`);
const runs: ExampleRun[] = [];

function runExample(index: number): ExampleRun {
  const dir = folderOf(index);
  const env = { ...process.env };
  delete env.CDK8S_OUTDIR;
  const result = spawnSync(process.execPath, ['main.js'], { cwd: dir, encoding: 'utf8', env });
  const outputs = fs.readdirSync(dir).filter((name) => !['main.ts', 'main.js', '.cdk8s-certs'].includes(name));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs };
}

beforeAll(() => {
  // node_modules as a user's install gives it: the package and its peers, one copy of each.
  const modules = path.join(work, 'node_modules');
  fs.mkdirSync(path.join(modules, '@types'), { recursive: true });
  fs.symlinkSync(builtPackageRoot(), path.join(modules, 'cdk8s-secure-nginx'), 'dir');
  for (const pkg of ['cdk8s', 'cdk8s-plus-28', 'constructs', '@types/node']) {
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', pkg), path.join(modules, pkg), 'dir');
  }
  examples.forEach((example, index) => {
    fs.mkdirSync(folderOf(index));
    fs.writeFileSync(path.join(folderOf(index), 'main.ts'), example.code);
  });
  fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
    // The package's .d.ts are type-checked with cdk8s init's settings by test/consumer.test.ts.
    compilerOptions: { target: 'ES2020', module: 'CommonJS', strict: true, esModuleInterop: true, skipLibCheck: true, types: ['node'] },
    include: ['example-*/main.ts'],
  }));
  const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', work], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`README examples do not compile:\n${tsc.stdout}${tsc.stderr}`);
  examples.forEach((_example, index) => runs.push(runExample(index)));
});

test('README has the "Use the constructs" example and one per construct', () => {
  expect(examples.map((example) => example.heading)).toEqual(
    expect.arrayContaining(['Use the constructs', 'SecureNginxApp', 'ExposedEndpoint', 'CurlProbe']),
  );
});

describe.each(examples.map((example, index) => [example.heading, index, example] as const))('README example under "%s"', (_heading, index, example) => {
  test('runs and prints what it says', () => {
    const run = runs[index];
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout.split('\n').filter(Boolean)).toEqual(expectedOutput(example.code));
  });

  test('writes only its own output folder, never dist/, and that folder passes strict validation', () => {
    const { outputs } = runs[index];
    expect(outputs).not.toContain('dist');
    for (const output of outputs) {
      const violations = validateManifests(loadManifests([path.join(folderOf(index), output)]));
      expect(formatViolations(violations)).toBe(formatViolations([]));
    }
  });
});

test('"Use the constructs" writes shop-dist/shop.k8s.yaml with the shop\'s objects', () => {
  const index = examples.findIndex((example) => example.heading === 'Use the constructs');
  expect(runs[index].outputs).toEqual(['shop-dist']);
  const dir = path.join(folderOf(index), 'shop-dist');
  expect(fs.readdirSync(dir)).toEqual(['shop.k8s.yaml']);
  const objects = loadManifests([dir]).map((doc) => doc.object as { kind: string; metadata: { name: string; namespace?: string }; spec?: any });
  const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
  expect(names).toEqual(expect.arrayContaining([
    'Namespace/shop', 'Secret/web-tls', 'ConfigMap/web-nginx-conf', 'Deployment/web', 'PodDisruptionBudget/web', 'Service/web', 'Ingress/web',
    'NetworkPolicy/web-allow-listed', 'Deployment/api', 'Service/api',
  ]));
  // The probe Job's default name is unique per construct path.
  expect(names.filter((name) => name.startsWith('Job/'))).toEqual([expect.stringMatching(/^Job\/shop-check-[0-9a-f]{8}$/)]);
  expect(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web')?.spec.replicas).toBe(3);
  expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'api')?.spec.type).toBe('LoadBalancer');
  expect(objects.find((o) => o.kind === 'Ingress')?.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'web-tls' }]);
});
