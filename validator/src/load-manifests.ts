import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ManifestDocument } from './types';

/** What `kubectl apply -f DIR` reads from a folder. */
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Deeper than any Kubernetes object nests; deeper input could only exhaust the stack of later checks. */
const MAX_NESTING = 200;

/**
 * Parses a (multi-document) YAML text. YAML 1.1 is what cdk8s writes and kubectl reads, so `yes`
 * is a boolean and `0644` an octal number here as well. Empty documents are skipped. Every error
 * names the file and a line, never quotes the text (it may hold a private key), and covers hostile
 * input: alias bombs and nesting too deep to process.
 */
export function parseManifests(text: string, file: string): ManifestDocument[] {
  // prettyErrors: false keeps source excerpts out of messages (and is what survives very deep nesting).
  const objects = parseAllDocuments(text, { version: '1.1', prettyErrors: false }).map(document => {
    const [error] = document.errors;
    if (error) throw new Error(`${file}: invalid YAML at line ${lineAt(text, error.pos[0])}: ${error.message}`);
    let object: unknown;
    try {
      object = document.toJS();
    } catch (cause) {
      throw new Error(`${file}: cannot be read as YAML: ${(cause as Error).message}`);
    }
    if (nestingDepth(object) > MAX_NESTING) throw new Error(`${file}: nests deeper than ${MAX_NESTING} levels, which no Kubernetes object does`);
    return object;
  });
  return objects.filter(object => object !== null && object !== undefined).map((object, index) => ({ file, index, object }));
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** How deep maps and lists nest (iterative: the input may be deeper than the call stack). */
function nestingDepth(root: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[root, 0]];
  while (pending.length) {
    const [value, depth] = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_NESTING) return deepest;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Reads manifests from files and directories. Like `kubectl apply -f DIR`, a directory contributes
 * its .yaml/.yml/.json files, and its subdirectories only with `recursive`; a named file is read
 * whatever its extension. A path that does not exist or is not a regular file or folder, and a
 * named file that holds no YAML mapping at all, are errors naming the path.
 */
export function loadManifests(paths: string[], options: { recursive?: boolean } = {}): ManifestDocument[] {
  return paths.flatMap(target => manifestFiles(target, options.recursive ?? false).flatMap(file => {
    const docs = parseManifests(fs.readFileSync(file, 'utf8'), file);
    if (file === target && docs.length && !docs.some(doc => isMapping(doc.object))) {
      throw new Error(`${file}: not a manifest: it holds no YAML mapping (a Kubernetes object has apiVersion, kind and metadata)`);
    }
    return docs;
  }));
}

function isMapping(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function manifestFiles(target: string, recursive: boolean): string[] {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(target);
  } catch {
    throw new Error(`${target}: no such file or folder`);
  }
  if (stats.isDirectory()) return folderManifestFiles(target, recursive);
  if (!stats.isFile()) throw new Error(`${target}: not a regular file or folder`);
  return [target];
}

/** The manifest files of a folder; pipes, sockets and devices named *.yaml are passed over, as reading them could block. */
function folderManifestFiles(folder: string, recursive: boolean): string[] {
  return fs.readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(entry => {
      const entryPath = path.join(folder, entry.name);
      if (entry.isDirectory()) return recursive ? folderManifestFiles(entryPath, recursive) : [];
      return entry.isFile() && MANIFEST_EXTENSIONS.includes(path.extname(entry.name)) ? [entryPath] : [];
    });
}
