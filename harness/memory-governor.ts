/**
 * Every scenario makes OpenSSL contexts, sockets and certificates whose memory lives outside
 * V8's heap. V8 does not see it, so it collects late and a long run's RSS climbs far above what
 * is alive: 5,000 generated scenarios peaked at ~400 MB, yet ran in the same time under a 96 MB
 * heap cap. The governor asks V8 for a full collection whenever RSS has grown by a budget since
 * the last one, which keeps memory flat for any suite size at a cost of a few ms per collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const DEFAULT_GROWTH_BYTES = 64 * 1024 * 1024;

export interface MemoryGovernor {
  /** call after each scenario: collects when RSS grew past the budget */
  check(): void;
}

let collect: (() => void) | null | undefined;

/** V8's gc(), exposed after start-up (the flag applies to contexts created from then on) */
function gcFunction(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

export function memoryGovernor(growthBytes = DEFAULT_GROWTH_BYTES): MemoryGovernor {
  const gc = gcFunction();
  let baseline = process.memoryUsage.rss();
  return {
    check() {
      if (!gc) return;
      const rss = process.memoryUsage.rss();
      if (rss - baseline < growthBytes) return;
      gc();
      baseline = process.memoryUsage.rss();
    },
  };
}
