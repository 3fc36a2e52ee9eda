/**
 * The revocation servers' ports, remembered in the material cache folder from run to run.
 *
 * A certificate with `auto` URLs carries the servers' port, and the certificate cache keys on
 * those URLs. With a new port each run, every such certificate was issued again on every run:
 * about 160 of the catalogue's (with @peculiar/x509 loaded for them; about a second of the run's
 * CPU), and as many new files in the cache. So a run asks for the ports its last run was given,
 * and gets them when they are free. When they are not (another run holds them), it takes the
 * ones the system gives: as correct, since the URLs are in the cache key, only slower; and it
 * remembers those.
 *
 * Each engine process of a run has a slot (its worker's index), so the engines of one run keep
 * their own ports from run to run. The file is a hint and nothing more: unreadable, malformed or
 * unwritable, it costs only the certificates issued again.
 */
import { join } from 'node:path';
import type { RevocationServers, ServerPorts } from '../../ca/servers/revocation-servers.js';
import { readIfExists, writeFileAtomic } from '../../ca/issue/atomic-file.js';

/** in the material cache folder: one file per slot, so engines starting at once never overwrite each other's */
export const PORTS_FOLDER = 'revocation-ports';

export const portsFile = (certsDir: string, slot: number): string => join(certsDir, PORTS_FOLDER, `slot-${slot}.json`);

/** the run's revocation servers, on the ports `slot` had last time where they are free */
export async function startRevocationServers(certsDir: string, slot: number): Promise<RevocationServers> {
  const { RevocationServers } = await import('../../ca/servers/revocation-servers.js');
  const path = portsFile(certsDir, slot);
  const remembered = await readPorts(path);
  const servers = await RevocationServers.start(remembered ? { preferredPorts: remembered } : {});
  const { ports } = servers;
  if (remembered?.crl !== ports.crl || remembered.ocsp !== ports.ocsp) {
    await writeFileAtomic(path, `${JSON.stringify(ports)}\n`, { mode: 0o644 }).catch(() => undefined);
  }
  return servers;
}

async function readPorts(path: string): Promise<ServerPorts | undefined> {
  try {
    const parsed: unknown = JSON.parse((await readIfExists(path)) ?? 'null');
    return isPorts(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const isPort = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) < 65536;
const isPorts = (s: unknown): s is ServerPorts => typeof s === 'object' && s !== null && isPort((s as ServerPorts).crl) && isPort((s as ServerPorts).ocsp);
