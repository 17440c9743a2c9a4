/**
 * `npm run certs [-- --within DAYS] [PATH...]`: lists every certificate in the certificate store and
 * in synthesized output (default: the store and dist/, steps included), and exits 1 when one
 * expires within DAYS (default 30), so CI can catch it. Never prints a key.
 */
import * as fs from 'fs';
import { loadManifests } from '../validator/src';
import { defaultCertificateStoreDir } from '../lib/certificate-store';
import { certificatesInManifests, certificatesInStore, expiringWithin, InventoryEntry, renderInventory } from './certificate-inventory';

const DEFAULT_WITHIN_DAYS = 30;

function main(args: string[]): number {
  const withinIndex = args.indexOf('--within');
  const withinDays = withinIndex === -1 ? DEFAULT_WITHIN_DAYS : Number(args[withinIndex + 1]);
  if (!Number.isFinite(withinDays) || withinDays < 0) {
    console.error(`--within needs a number of days, not ${args[withinIndex + 1]}`);
    return 2;
  }
  const named = args.filter((_, i) => i !== withinIndex && i !== withinIndex + 1);
  const targets = named.length > 0 ? named : [defaultCertificateStoreDir(), process.env.CDK8S_OUTDIR ?? 'dist'].filter((p) => fs.existsSync(p));
  const entries: InventoryEntry[] = targets.flatMap((target) => (isStore(target)
    ? certificatesInStore(target)
    : certificatesInManifests(loadManifests([target], { recursive: true }))));
  const now = new Date();
  console.log(entries.length > 0 ? renderInventory(entries, now) : `no certificates in ${targets.join(', ') || 'the store or dist/ (neither exists)'}`);
  const expiring = expiringWithin(entries, now, withinDays);
  for (const entry of expiring) console.error(`EXPIRES WITHIN ${withinDays} DAYS: ${entry.location} (${entry.facts.subject}, ${entry.facts.notAfter.toISOString()})`);
  return expiring.length > 0 ? 1 : 0;
}

/** A store is a folder of `*.json` entries and no YAML; anything else is read as manifests. */
function isStore(target: string): boolean {
  if (!fs.statSync(target).isDirectory()) return false;
  const names = fs.readdirSync(target);
  return names.some((name) => name.endsWith('.json')) && !names.some((name) => /\.ya?ml$/.test(name));
}

process.exitCode = main(process.argv.slice(2));
