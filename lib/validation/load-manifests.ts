import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ManifestDocument } from './types';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml'];

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
 * its .yaml/.yml files, and its subdirectories only with `recursive`.
 */
export function loadManifests(paths: string[], options: { recursive?: boolean } = {}): ManifestDocument[] {
  return paths.flatMap(target => manifestFiles(target, options.recursive ?? false))
    .flatMap(file => parseManifests(fs.readFileSync(file, 'utf8'), file));
}

function manifestFiles(target: string, recursive: boolean): string[] {
  if (!fs.statSync(target).isDirectory()) return [target];
  return fs.readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(entry => {
      const entryPath = path.join(target, entry.name);
      if (entry.isDirectory()) return recursive ? manifestFiles(entryPath, recursive) : [];
      return MANIFEST_EXTENSIONS.includes(path.extname(entry.name)) ? [entryPath] : [];
    });
}
