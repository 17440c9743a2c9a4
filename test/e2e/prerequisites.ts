/** What the e2e sandbox needs from the machine, and what to tell people when it is missing. */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { SYSTEM_PATH } from './sandbox';

/** Commands the sandbox runs, with the Debian package that provides each. */
const REQUIRED_COMMANDS: Record<string, string> = {
  ip: 'iproute2',
  iptables: 'iptables',
  nginx: 'nginx',
  curl: 'curl',
  openssl: 'openssl',
  unshare: 'util-linux',
  setpriv: 'util-linux',
};

export const INSTALL_HINT = 'run .ci/install-e2e-deps.sh as root (Debian: apt-get install nginx curl openssl iproute2 iptables)';

/** One line per missing thing; empty when the sandbox can run. */
export function missingPrerequisites(): string[] {
  const missing = Object.entries(REQUIRED_COMMANDS)
    .filter(([command]) => !onPath(command))
    .map(([command, pkg]) => `command \`${command}\` (Debian package ${pkg})`);
  if (process.getuid?.() !== 0) {
    missing.push('root: network namespaces, mounts and iptables need uid 0');
  } else if (onPath('unshare') && spawnSync('unshare', ['--net', '--mount', 'true'], { env: { PATH: SYSTEM_PATH } }).status !== 0) {
    missing.push('permission to create network and mount namespaces (CAP_SYS_ADMIN: a VM or a privileged container)');
  }
  return missing;
}

/**
 * `describe` where the sandbox can run; elsewhere `describe.skip` with a loud warning naming what
 * is missing, or, under CI (where a skipped suite would look like a pass), an error.
 */
export function describeWhereSandboxRuns(suite: string): jest.Describe {
  const missing = missingPrerequisites();
  if (missing.length === 0) return describe;
  const message = `${suite} cannot run here. Missing:\n  - ${missing.join('\n  - ')}\nTo fix: ${INSTALL_HINT}`;
  if (isCi()) throw new Error(message);
  console.warn(banner(`${message}\nSKIPPING ${suite} (with CI set it fails instead).`));
  return describe.skip;
}

function isCi(): boolean {
  const ci = process.env.CI?.toLowerCase();
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

function banner(text: string): string {
  const rule = '!'.repeat(78);
  return `\n${rule}\n${text}\n${rule}\n`;
}

function onPath(command: string): boolean {
  return SYSTEM_PATH.split(':').some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
