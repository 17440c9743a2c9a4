import * as path from 'path';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Fails when `construct` sits in a tree built with another copy of `constructs` or `cdk8s` than
 * this library loads. cdk8s serializes only objects of its own copy, so two copies (e.g. from
 * `npm install /path/to/clone`, which links a folder with its own node_modules) would otherwise
 * end in cdk8s's "can't render non-simple object of type 'Lazy'" at synth, far from the cause.
 */
export function checkSinglePeerCopies(construct: Construct, constructType: string): void {
  const scope = construct.node.scope;
  const foreign: string[] = [];
  if (scope !== undefined && !Construct.prototype.isPrototypeOf(scope)) foreign.push('constructs');
  // `instanceof Chart` is answered by a global symbol, true across copies: compare prototypes.
  if (!Chart.prototype.isPrototypeOf(Chart.of(construct))) foreign.push('cdk8s');
  if (foreign.length === 0) return;

  const copies = foreign.map((pkg) => `  - ${pkg}: ${loadedCopies(pkg).join(', ') || 'two copies'}`).join('\n');
  throw new Error(`${constructType} at '${construct.node.path}' is added to a tree built with another copy of ${foreign.join(' and ')} `
    + `than cdk8s-secure-nginx uses, so cdk8s could not synthesize it. Copies loaded:\n${copies}\n`
    + 'cdk8s, cdk8s-plus-28 and constructs are peer dependencies: your app must have exactly one copy of each. Fix: install '
    + 'cdk8s-secure-nginx from its packed tarball (`npm pack` in its folder, then `npm install /path/to/cdk8s-secure-nginx-<version>.tgz`) '
    + 'or with `npm install --install-links /path/to/cdk8s-secure-nginx`, not as a linked folder that brings its own node_modules; '
    + 'then `npm dedupe`. `npm ls cdk8s constructs` must show each once.');
}

/** Folders of every loaded copy of `pkg`, this library's first. */
function loadedCopies(pkg: string): string[] {
  const marker = `${path.sep}node_modules${path.sep}${pkg}${path.sep}`;
  const folderOf = (file: string) => file.slice(0, file.lastIndexOf(marker) + marker.length - 1);
  const files = [require.resolve(pkg), ...Object.keys(require.cache)].filter((file) => file.includes(marker));
  return [...new Set(files.map(folderOf))];
}
