/**
 * The load cache's folder as a whole (`loaded/` in the cache folder): its entries, when each was
 * last used (its mtime, refreshed at most daily by a hit), and pruning, for `tlsgate cache` and
 * the end of a run. Removing an entry another process is about to read is safe: a miss.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { filesUnder, onceADay, removeFiles, type CachedFile } from '../../../ca/issue/cache-folder.js';
import { BUILDS_FOLDER, ENTRY_SUFFIX } from './load-cache.js';

const DAY_MS = 86_400_000;
/** what the end of a run prunes: entries no load took for a month */
export const AUTO_PRUNE_IDLE_MS = 30 * DAY_MS;

export async function loadCacheEntries(dir: string): Promise<CachedFile[]> {
  return (await filesUnder(dir)).filter((f) => f.path.endsWith(ENTRY_SUFFIX));
}

export interface LoadCachePrune {
  removed: number;
  removedBytes: number;
}

/** entries (and build lists) not used for `maxIdleMs`; `all`: the folder */
export async function pruneLoadCache(dir: string, policy: { maxIdleMs: number; now?: Date } | 'all'): Promise<LoadCachePrune> {
  const [entries, lists] = await Promise.all([loadCacheEntries(dir), filesUnder(join(dir, BUILDS_FOLDER))]);
  const now = policy === 'all' ? 0 : (policy.now ?? new Date()).getTime();
  const idle = (files: CachedFile[]) => (policy === 'all' ? files : files.filter((f) => now - f.lastUsed.getTime() > policy.maxIdleMs));
  const stale = idle(entries);
  const removed = await removeFiles([...stale, ...idle(lists)]);
  if (policy === 'all') await rm(dir, { recursive: true, force: true });
  const gone = stale.filter((e) => removed.has(e.path));
  return { removed: gone.length, removedBytes: gone.reduce((n, e) => n + e.bytes, 0) };
}

/** the end-of-run prune, at most once a day */
export const pruneLoadCacheIfDue = (dir: string, now = new Date()): Promise<LoadCachePrune | undefined> =>
  onceADay(dir, now, () => pruneLoadCache(dir, { maxIdleMs: AUTO_PRUNE_IDLE_MS, now }));
