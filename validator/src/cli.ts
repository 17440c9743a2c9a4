/**
 * Validates manifest files the way an API server and a cluster would judge them.
 *
 *   validate-manifests [-R|--recursive] [--versions v1.28.0,v1.30.0] [--crds FILE,...] [--no-automounted-tokens] [--in-cluster KIND/NS/NAME,...] [FILE_OR_DIR...]   (default: dist)
 *
 * Exits 0 when valid, 1 on any violation, 2 when the input cannot be read.
 */
import { DEFAULT_VERSIONS, formatViolations, loadManifests, validateManifests } from '.';

const USAGE = 'usage: validate-manifests [-R|--recursive] [--versions v1.28.0,v1.30.0,...] [--crds CRD_FILE,...] [--no-automounted-tokens] [--in-cluster KIND/NS/NAME,...] [FILE_OR_DIR...]';

interface CliArguments {
  paths: string[];
  recursive: boolean;
  versions: string[];
  crdFiles: string[];
  noAutomountedTokens: boolean;
  inClusterObjects: string[];
}

function parseArguments(args: string[]): CliArguments {
  const parsed: CliArguments = { paths: [], recursive: false, versions: DEFAULT_VERSIONS, crdFiles: [], noAutomountedTokens: false, inClusterObjects: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-R' || arg === '--recursive') parsed.recursive = true;
    else if (arg === '--versions') parsed.versions = (args[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--crds') parsed.crdFiles.push(...(args[++i] ?? '').split(',').filter(Boolean));
    else if (arg === '--no-automounted-tokens') parsed.noAutomountedTokens = true;
    else if (arg === '--in-cluster') parsed.inClusterObjects.push(...(args[++i] ?? '').split(',').filter(Boolean));
    else if (arg === '-h' || arg === '--help') throw new UsageError(USAGE);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    else parsed.paths.push(arg);
  }
  if (!parsed.versions.length) throw new UsageError(`--versions needs a comma-separated list such as ${DEFAULT_VERSIONS.join(',')}`);
  if (!parsed.paths.length) parsed.paths.push('dist');
  return parsed;
}

class UsageError extends Error {}

function main(args: string[]): number {
  const { paths, recursive, versions, crdFiles, noAutomountedTokens, inClusterObjects } = parseArguments(args);
  const docs = loadManifests(paths, { recursive });
  if (!docs.length) {
    console.error(`${paths.join(', ')}: no Kubernetes documents found (no non-empty *.yaml, *.yml or *.json files${recursive ? '' : '; subfolders need -R'})`);
    return 2;
  }
  const violations = validateManifests(docs, { versions, crdFiles, noAutomountedTokens, inClusterObjects });
  if (violations.length) {
    console.error(formatViolations(violations));
    return 1;
  }
  const fileCount = new Set(docs.map(doc => doc.file)).size;
  console.log(`validated ${docs.length} documents in ${fileCount} files against ${versions.join(', ')}: OK`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  // Unreadable paths, invalid YAML, unknown versions: the message says which, a stack trace adds nothing.
  console.error((error as Error).message);
  process.exitCode = 2;
}
