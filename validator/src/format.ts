import { Violation } from './types';

/** One line per violation, preceded by a count; the messages carry file, object, path and fix. */
export function formatViolations(violations: Violation[]): string {
  if (!violations.length) return 'no violations';
  const heading = `${violations.length} violation${violations.length === 1 ? '' : 's'}:`;
  return [heading, ...violations.map(violation => `  [${violation.rule}] ${violation.message}`)].join('\n');
}
