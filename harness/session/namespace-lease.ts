/**
 * Namespaces on the revocation servers, leased per PKI. A scenario whose certificates point at
 * tlsgate's servers (`auto` URLs) needs a namespace of its own while it runs, so its revocations,
 * faults and request log are nobody else's. But the namespace is written into its certificates:
 * a fresh one per scenario would mean fresh certificates per scenario. So each PKI (the one a
 * scenario file shares among its scenarios) keeps a pool: a scenario leases a free namespace,
 * and the certificates issued for it are reused by every later scenario that leases it again.
 * The pool belongs to the servers, so engines that share them (a matrix) share it too.
 */
import type { RevocationServers } from '../../ca/servers/revocation-servers.js';

export interface NamespaceLease {
  readonly namespace: string;
  release(): void;
}

interface Pool {
  readonly id: number;
  readonly free: string[];
  made: number;
}

const pools = new WeakMap<RevocationServers, WeakMap<object, Pool>>();
let nextPoolId = 0;

/** a namespace no running scenario holds, for a PKI `group` (compared by identity) */
export function leaseNamespace(servers: RevocationServers, group: object): NamespaceLease {
  let byGroup = pools.get(servers);
  if (!byGroup) pools.set(servers, (byGroup = new WeakMap()));
  let pool = byGroup.get(group);
  if (!pool) byGroup.set(group, (pool = { id: nextPoolId++, free: [], made: 0 }));
  const namespace = pool.free.pop() ?? `p${pool.id}-${pool.made++}`;
  let released = false;
  return {
    namespace,
    release: () => {
      if (released) return;
      released = true;
      pool.free.push(namespace);
    },
  };
}
