/** The inventory as a two-column table for a terminal. */
import type { Inventory } from '../drivers/portable/inventory/collect.js';

export function renderInventory(inv: Inventory): string {
  const level = inv.securityLevel;
  const rows: Array<[string, string]> = [
    ...Object.entries(inv.versions),
    ['tls.DEFAULT_MIN_VERSION', inv.defaults.minVersion],
    ['tls.DEFAULT_MAX_VERSION', inv.defaults.maxVersion],
    ['tls.DEFAULT_ECDH_CURVE', inv.defaults.ecdhCurve],
    ['tls.DEFAULT_CIPHERS', inv.defaults.ciphers],
    ['security level (probed)', `${level.effective}  (a server loads: RSA-512 ${yes(level.loadsRsa512)}, RSA-1024 ${yes(level.loadsRsa1024)}, RSA-2048 ${yes(level.loadsRsa2048)})`],
    ['weak signatures (probed)', `a server loads: SHA-1 signed leaf ${yes(level.loadsSha1)}, MD5 signed leaf ${yes(level.loadsMd5)}`],
    ['root store', `${inv.rootStore.count} certificates, sha256 ${inv.rootStore.sha256.slice(0, 16)}`],
    ['FIPS', inv.fips ? 'on' : 'off'],
    ['TLS ciphers (tls.getCiphers)', `${inv.supported.tlsCiphers.length}`],
    ['curves (crypto.getCurves)', `${inv.supported.curves.length}`],
    ['hashes (crypto.getHashes)', `${inv.supported.hashes.length}`],
    ['trust flags', inv.trustFlags.join(' ') || '(none)'],
    ...Object.entries(inv.environment).map(([k, v]): [string, string] => [`env ${k}`, v]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

const yes = (b: boolean): string => (b ? 'yes' : 'no');
