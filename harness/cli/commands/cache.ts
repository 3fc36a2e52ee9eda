/**
 * `tlsgate cache info` and `tlsgate cache prune`: the cache folder (generated keys and
 * certificates, checked scenario files, Node builds for the matrix, the last runs' durations)
 * as it is, and trimmed. Runs
 * prune it themselves once a day (ca/issue/cache-folder.ts); these commands are for looking and
 * for a clean slate.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { filesUnder, ISSUED_FOLDER, KEYS_FOLDER, materialCacheInfo, pruneMaterialCache, type CachedFile } from '../../../ca/issue/cache-folder.js';
import { parseTimeSpec } from '../../../ca/spec/time.js';
import { cachedVersions } from '../../matrix/node-cache.js';
import { loadCacheEntries, pruneLoadCache } from '../../scenario/load-cache/load-cache-folder.js';
import { UsageError } from '../../model/errors.js';

export interface CacheArgs {
  certsDir: string;
  nodeCache: string;
  /** the load cache's entries (harness/scenario/load-cache/) */
  loadCache: string;
  /** the last runs' durations (harness/run/duration-history.ts) */
  durations: string;
}

/** a group of cached files, as `cache info --json` prints it */
export interface CacheGroup {
  dir: string;
  count: number;
  bytes: number;
  /** ISO dates of the least and most recent use (mtime); absent when the group is empty */
  oldest?: string;
  newest?: string;
}

export interface CacheInfo {
  keys: CacheGroup;
  certificates: CacheGroup;
  /** scenario files as loaded and checked: one entry per file */
  scenarioFiles: CacheGroup;
  nodeBuilds: CacheGroup & { versions: string[] };
  /** the last runs' scenario durations, which order the next run: one file */
  durations: CacheGroup;
  bytes: number;
}

export async function gatherCacheInfo(args: CacheArgs): Promise<CacheInfo> {
  const [material, loaded] = await Promise.all([materialCacheInfo(args.certsDir), loadCacheEntries(args.loadCache)]);
  const versions = cachedVersions(args.nodeCache);
  const builds = (await Promise.all(versions.map((v) => filesUnder(join(args.nodeCache, v))))).flat();
  const keys = groupOf(join(args.certsDir, KEYS_FOLDER), material.keys);
  const certificates = groupOf(join(args.certsDir, ISSUED_FOLDER), material.certificates);
  const scenarioFiles = groupOf(args.loadCache, loaded);
  const nodeBuilds = { ...groupOf(args.nodeCache, builds), count: versions.length, versions };
  const durations = groupOf(args.durations, await fileIfAny(args.durations));
  return { keys, certificates, scenarioFiles, nodeBuilds, durations, bytes: keys.bytes + certificates.bytes + scenarioFiles.bytes + nodeBuilds.bytes + durations.bytes };
}

async function fileIfAny(path: string): Promise<CachedFile[]> {
  try {
    const s = await stat(path);
    return [{ path, bytes: s.size, lastUsed: s.mtime }];
  } catch {
    return [];
  }
}

function groupOf(dir: string, files: readonly CachedFile[]): CacheGroup {
  const times = files.map((f) => f.lastUsed.getTime()).sort((a, b) => a - b);
  return {
    dir,
    count: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    ...(times.length ? { oldest: new Date(times[0]!).toISOString(), newest: new Date(times.at(-1)!).toISOString() } : {}),
  };
}

export async function cacheInfoCommand(args: CacheArgs & { json: boolean }): Promise<number> {
  const info = await gatherCacheInfo(args);
  process.stdout.write(args.json ? `${JSON.stringify(info, null, 2)}\n` : renderInfo(info));
  return 0;
}

function renderInfo(info: CacheInfo): string {
  const line = (label: string, g: CacheGroup, extra = '') =>
    `${label.padEnd(14)} ${String(g.count).padStart(6)}  ${sizeText(g.bytes).padStart(9)}  ${g.oldest ? `used ${day(g.oldest)} .. ${day(g.newest!)}` : '-'}${extra}  ${g.dir}\n`;
  return line('keys', info.keys)
    + line('certificates', info.certificates)
    + line('scenario files', info.scenarioFiles)
    + line('node builds', info.nodeBuilds, info.nodeBuilds.versions.length ? `  (${info.nodeBuilds.versions.join(', ')})` : '')
    + line('run durations', info.durations)
    + `${'total'.padEnd(14)} ${''.padStart(6)}  ${sizeText(info.bytes).padStart(9)}\n`;
}

const day = (iso: string): string => iso.slice(0, 10);

function sizeText(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) { n /= 1024; u++; }
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${units[u]}`;
}

export interface PruneArgs extends CacheArgs {
  all: boolean;
  /** a duration: 7d, 12h, 2w (the units of a scenario's time offsets) */
  olderThan: string;
}

export async function cachePruneCommand(args: PruneArgs): Promise<number> {
  if (args.all) {
    const before = await gatherCacheInfo(args);
    await Promise.all([pruneMaterialCache(args.certsDir, 'all'), pruneLoadCache(args.loadCache, 'all')]);
    await Promise.all(before.nodeBuilds.versions.map((v) => rm(join(args.nodeCache, v), { recursive: true, force: true })));
    await rm(args.durations, { force: true });
    process.stdout.write(`removed ${before.keys.count} keys, ${before.certificates.count} certificates, ${before.scenarioFiles.count} scenario files, ${before.nodeBuilds.count} node builds, the run durations (${sizeText(before.bytes)})\n`);
    return 0;
  }
  const idleMs = durationMs(args.olderThan);
  const [r, loaded] = await Promise.all([
    pruneMaterialCache(args.certsDir, { certificateMaxIdleMs: idleMs, keyMaxIdleMs: idleMs }),
    pruneLoadCache(args.loadCache, { maxIdleMs: idleMs }),
  ]);
  process.stdout.write(`removed ${r.removedKeys} keys, ${r.removedCertificates} certificates and ${loaded.removed} scenario files not used for ${args.olderThan} (${sizeText(r.removedBytes + loaded.removedBytes)}); node builds stay (--all removes them)\n`);
  return 0;
}

function durationMs(text: string): number {
  const parsed = parseTimeSpec(`+${text}`);
  if (parsed?.kind !== 'relative') throw new UsageError(`--older-than wants a duration such as 7d, 12h or 2w, got '${text}'`);
  return parsed.offsetMs;
}
