/**
 * Namespaces on the revocation servers, leased per PKI. A scenario whose certificates point at
 * tlsgate's servers (`auto` URLs) needs a namespace of its own while it runs, so its revocations,
 * faults and request log are nobody else's. But the namespace is written into its certificates:
 * a fresh one per scenario would mean fresh certificates per scenario. So each PKI keeps a pool:
 * a scenario leases a free namespace, and the certificates issued for it are reused by every
 * later scenario that leases it again.
 *
 * A pool is named after its PKI's spec (a digest of it), not after the order PKIs were first
 * met: the same spec gets the same namespaces in every run, in any order, in any worker process
 * (where every scenario arrives as a new object), so its certificates come from the cache. Two
 * files with the same spec share one pool, which is as safe as two scenarios of one file: a
 * namespace is held by one scenario at a time.
 * The pools belong to the servers, so engines that share them (a matrix) share the pools too.
 */
import { createHash } from 'node:crypto';
import type { RevocationServers } from '../../ca/servers/revocation-servers.js';

export interface NamespaceLease {
  readonly namespace: string;
  release(): void;
}

interface Pool {
  readonly name: string;
  /** the numbers of its namespaces no scenario holds */
  readonly free: number[];
  made: number;
}

const pools = new WeakMap<RevocationServers, Map<string, Pool>>();
/** each spec's digest, computed once per object */
const names = new WeakMap<object, string>();

/** hex digits of the spec's digest in a namespace: enough that two specs of one run never meet */
const NAME_DIGITS = 16;

/** a namespace no running scenario holds, for a PKI `spec` (compared by content) */
export function leaseNamespace(servers: RevocationServers, spec: object): NamespaceLease {
  let byName = pools.get(servers);
  if (!byName) pools.set(servers, (byName = new Map()));
  const name = nameOf(spec);
  let pool = byName.get(name);
  if (!pool) byName.set(name, (pool = { name, free: [], made: 0 }));
  // the lowest free one, so a run uses the few namespaces (and certificates) the last one did
  const number = takeLowest(pool.free) ?? pool.made++;
  let released = false;
  return {
    namespace: `${pool.name}-${number}`,
    release: () => {
      if (released) return;
      released = true;
      pool.free.push(number);
    },
  };
}

function takeLowest(free: number[]): number | undefined {
  if (free.length === 0) return undefined;
  return free.splice(free.indexOf(Math.min(...free)), 1)[0];
}

function nameOf(spec: object): string {
  let name = names.get(spec);
  if (name === undefined) {
    name = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, NAME_DIGITS);
    names.set(spec, name);
  }
  return name;
}
