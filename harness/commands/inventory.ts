/** `tlsgate inventory`: the fingerprint of the TLS stack under test, as a table or JSON. */
import { collectInventory, type Inventory } from '../inventory/collect.js';
import { makeInventoryProbes } from '../inventory/probes.js';
import { locateUndici } from '../inventory/undici-version.js';

export async function gatherInventory(certsDir: string): Promise<Inventory> {
  const undici = locateUndici();
  const extra: Record<string, string> = undici ? { undici: `${undici.version} (${undici.source})` } : {};
  return collectInventory(await makeInventoryProbes(certsDir), extra);
}

export async function inventoryCommand(args: { json: boolean; certsDir: string }): Promise<number> {
  const inv = await gatherInventory(args.certsDir);
  process.stdout.write(args.json ? JSON.stringify(inv, null, 2) + '\n' : renderInventory(inv));
  return 0;
}

export function renderInventory(inv: Inventory): string {
  const rows: Array<[string, string]> = [
    ...Object.entries(inv.versions).map(([k, v]): [string, string] => [k, v]),
    ['tls.DEFAULT_MIN_VERSION', inv.defaults.minVersion],
    ['tls.DEFAULT_MAX_VERSION', inv.defaults.maxVersion],
    ['tls.DEFAULT_ECDH_CURVE', inv.defaults.ecdhCurve],
    ['tls.DEFAULT_CIPHERS', inv.defaults.ciphers],
    ['security level (probed)', `${inv.securityLevel.effective}  (RSA-1024 ${yes(inv.securityLevel.loadsRsa1024)}, SHA-1 ${yes(inv.securityLevel.loadsSha1)}, MD5 ${yes(inv.securityLevel.loadsMd5)})`],
    ['root store', `${inv.rootStore.count} certificates, sha256 ${inv.rootStore.sha256.slice(0, 16)}…`],
    ['FIPS', inv.fips ? 'on' : 'off'],
    ['TLS ciphers', `${inv.supported.tlsCiphers.length}`],
    ['curves', `${inv.supported.curves.length}`],
    ['trust flags', inv.trustFlags.join(' ') || '(none)'],
    ...Object.entries(inv.environment).map(([k, v]): [string, string] => [`env ${k}`, v]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}

const yes = (b: boolean) => (b ? 'loads' : 'refused');
