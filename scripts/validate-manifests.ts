/**
 * Validates manifest files the way an API server and a cluster would judge them.
 *
 *   npm run validate -- [-R|--recursive] [FILE_OR_DIR...]   (default: dist)
 *
 * Exits 1 on any violation.
 */
import { DEFAULT_VERSIONS, formatViolations, loadManifests, validateManifests } from '../lib/validation';

const RECURSIVE_FLAGS = ['-R', '--recursive'];

function main(args: string[]): number {
  const paths = args.filter(arg => !RECURSIVE_FLAGS.includes(arg));
  const docs = loadManifests(paths.length ? paths : ['dist'], { recursive: args.some(arg => RECURSIVE_FLAGS.includes(arg)) });
  if (!docs.length) {
    console.error(`no Kubernetes documents found in ${paths.join(', ') || 'dist'}`);
    return 1;
  }
  const violations = validateManifests(docs);
  if (violations.length) {
    console.error(formatViolations(violations));
    return 1;
  }
  const fileCount = new Set(docs.map(doc => doc.file)).size;
  console.log(`validated ${docs.length} documents in ${fileCount} files against ${DEFAULT_VERSIONS.join(', ')}: OK`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  // Unreadable paths and invalid YAML: the message says which file, a stack trace adds nothing.
  console.error((error as Error).message);
  process.exitCode = 1;
}
