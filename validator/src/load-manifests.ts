import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ManifestDocument } from './types';

/** What `kubectl apply -f DIR` reads from a folder. */
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Parses a (multi-document) YAML text. YAML 1.1 is what cdk8s writes and kubectl reads, so `yes`
 * is a boolean and `0644` an octal number here as well. Empty documents are skipped.
 */
export function parseManifests(text: string, file: string): ManifestDocument[] {
  const objects = parseAllDocuments(text, { version: '1.1' }).map(document => {
    const [error] = document.errors;
    if (error) throw new Error(`${file}: invalid YAML: ${error.message}`);
    return document.toJS();
  });
  return objects.filter(object => object !== null && object !== undefined).map((object, index) => ({ file, index, object }));
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
