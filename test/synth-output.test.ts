import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OUTPUT_MARKER_FILE, writeDirectoryAtomically } from '../app/synth-output';
import { deadPid, tempDir } from './support';

const writeManifest = (content: string) => (staging: string) => fs.writeFileSync(path.join(staging, 'a.k8s.yaml'), content);


describe('writeDirectoryAtomically', () => {
  test('a failing synth leaves the previous output untouched and nothing beside it', () => {
    const parent = tempDir('atomic');
    const outdir = path.join(parent, 'dist');
    writeDirectoryAtomically(outdir, writeManifest('old'));
    expect(() => writeDirectoryAtomically(outdir, (staging) => {
      writeManifest('half')(staging);
      throw new Error('bad props');
    })).toThrow('bad props');
    expect(fs.readdirSync(parent)).toEqual(['dist']);
    expect(fs.readFileSync(path.join(outdir, 'a.k8s.yaml'), 'utf8')).toBe('old');
  });

  test('a successful synth replaces its own previous output as a whole, and marks what it wrote', () => {
    const outdir = path.join(tempDir('atomic'), 'dist');
    writeDirectoryAtomically(outdir, (staging) => fs.writeFileSync(path.join(staging, 'old.k8s.yaml'), 'x'));
    writeDirectoryAtomically(outdir, (staging) => {
      fs.mkdirSync(path.join(staging, 'steps', '01'), { recursive: true });
      fs.writeFileSync(path.join(staging, 'steps', '01', 'new.k8s.yaml'), 'y');
    });
    expect(fs.readdirSync(outdir).sort()).toEqual([OUTPUT_MARKER_FILE, 'steps']);
    expect(fs.readFileSync(path.join(outdir, OUTPUT_MARKER_FILE), 'utf8')).toMatch(/^# Written by a synth[\s\S]*\nsteps\/01\/new\.k8s\.yaml\n$/);
  });

  test('files are 0600 and folders 0700', () => {
    const outdir = path.join(tempDir('atomic'), 'dist');
    writeDirectoryAtomically(outdir, (staging) => {
      fs.mkdirSync(path.join(staging, 'steps'), { mode: 0o755 });
      fs.writeFileSync(path.join(staging, 'steps', 'secret.k8s.yaml'), 'x', { mode: 0o644 });
    });
    expect(fs.statSync(outdir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(outdir, 'steps')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(outdir, 'steps', 'secret.k8s.yaml')).mode & 0o777).toBe(0o600);
  });

  test('a new folder and an empty one are fine', () => {
    const parent = tempDir('atomic');
    writeDirectoryAtomically(path.join(parent, 'deep', 'new', 'out'), writeManifest('x'));
    writeDirectoryAtomically(tempDir('empty'), writeManifest('x'));
  });
});

describe('writeDirectoryAtomically never deletes what a synth did not write', () => {
  const home = os.homedir();
  const refused: Array<[string, string, RegExp]> = [
    ['an empty outdir (CDK8S_OUTDIR=)', '', /The output folder is empty \(is CDK8S_OUTDIR set to ""\?\): name a folder such as dist/],
    ['"." (the project)', '.', /Refusing to write the output to \.: it is or contains .*Name a folder of its own/],
    ['the project by its path', process.cwd(), /it is or contains/],
    ['a parent of the project', path.dirname(process.cwd()), /it is or contains/],
    ['the root', '/', /it is or contains/],
    ['the home directory', home, new RegExp(`it is or contains ${home}`)],
  ];
  test.each(refused)('%s is refused before anything is written', (_label, outdir, message) => {
    let wrote = false;
    expect(() => writeDirectoryAtomically(outdir, () => { wrote = true; })).toThrow(message);
    expect(wrote).toBe(false);
  });

  test('a symbolic link to the project is refused', () => {
    const link = path.join(tempDir('atomic'), 'dist');
    fs.symlinkSync(process.cwd(), link);
    expect(() => writeDirectoryAtomically(link, writeManifest('x'))).toThrow(/it is a symbolic link/);
    expect(() => writeDirectoryAtomically(path.join(link, 'lib'), writeManifest('x')))
      .toThrow(`Refusing to replace ${path.join(process.cwd(), 'lib')}: it holds files no synth wrote`);
  });

  test('a folder with files but no marker is refused, and left as it was', () => {
    const outdir = tempDir('sources');
    fs.writeFileSync(path.join(outdir, 'main.ts'), 'my code');
    expect(() => writeDirectoryAtomically(outdir, writeManifest('x')))
      .toThrow(`Refusing to replace ${outdir}: it holds files no synth wrote (there is no ${OUTPUT_MARKER_FILE} in it)`);
    expect(fs.readdirSync(outdir)).toEqual(['main.ts']);
    expect(fs.readdirSync(path.dirname(outdir)).filter((name) => name.includes(path.basename(outdir)) && name !== path.basename(outdir))).toEqual([]);
  });

  test('a synth output to which someone added a file is refused, naming the file', () => {
    const outdir = path.join(tempDir('atomic'), 'dist');
    writeDirectoryAtomically(outdir, writeManifest('x'));
    fs.mkdirSync(path.join(outdir, 'notes'));
    fs.writeFileSync(path.join(outdir, 'notes', 'todo.txt'), 'mine');
    expect(() => writeDirectoryAtomically(outdir, writeManifest('y'))).toThrow(/it holds notes\/, which no synth wrote/);
    expect(fs.readFileSync(path.join(outdir, 'notes', 'todo.txt'), 'utf8')).toBe('mine');
  });

  test('a file in place of the folder is refused', () => {
    const outdir = path.join(tempDir('atomic'), 'dist');
    fs.writeFileSync(outdir, 'a file');
    expect(() => writeDirectoryAtomically(outdir, writeManifest('x'))).toThrow(/it is not a folder/);
  });
});

describe('writeDirectoryAtomically after a crash', () => {
  test('staging of a killed synth (with its key) and a stale lock are removed by the next synth', () => {
    const parent = tempDir('atomic');
    const outdir = path.join(parent, 'dist');
    writeDirectoryAtomically(outdir, writeManifest('old'));
    const pid = deadPid();
    const abandoned = path.join(parent, `.dist.cdk8s-staging-${pid}-0123456789ab`);
    fs.mkdirSync(abandoned);
    fs.writeFileSync(path.join(abandoned, 'tutorial.k8s.yaml'), 'tls.key: ...');
    fs.writeFileSync(path.join(parent, '.dist.cdk8s-lock'), `${pid} ${os.hostname()} 0 feedface\n`);
    const live = path.join(parent, `.dist.cdk8s-staging-${process.ppid}-0123456789ab`);
    fs.mkdirSync(live); // another synth, still running: left alone
    writeDirectoryAtomically(outdir, writeManifest('new'));
    expect(fs.readdirSync(parent).sort()).toEqual([path.basename(live), 'dist']);
    expect(fs.readFileSync(path.join(outdir, 'a.k8s.yaml'), 'utf8')).toBe('new');
  });

  test('killed between the two renames: the previous output is restored, even if the next synth fails', () => {
    const parent = tempDir('atomic');
    const outdir = path.join(parent, 'dist');
    writeDirectoryAtomically(outdir, writeManifest('old'));
    fs.renameSync(outdir, path.join(parent, `.dist.cdk8s-previous-${deadPid()}-0123456789ab`));
    expect(() => writeDirectoryAtomically(outdir, () => { throw new Error('bad props'); })).toThrow('bad props');
    expect(fs.readdirSync(parent)).toEqual(['dist']);
    expect(fs.readFileSync(path.join(outdir, 'a.k8s.yaml'), 'utf8')).toBe('old');
  });
});
