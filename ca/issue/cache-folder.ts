/**
 * The material cache folder as a whole: its layout (`keys/`, `issued/`), when an entry was last
 * used, what it holds, and pruning. Certificates whose URLs name a run's ports are new on every
 * run, so the folder would grow without bound: each entry's mtime is its last use (touched on
 * every cache hit, since atime is often not kept), and entries unused for a while are removed.
 * Removing an entry another process is about to read is safe: it is a miss, and made again.
 */
import { type Dirent } from 'node:fs';
import { readdir, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const KEYS_FOLDER = 'keys';
export const ISSUED_FOLDER = 'issued';
/** its mtime is when the last automatic prune ran */
export const PRUNE_STAMP = '.last-prune';

const DAY_MS = 86_400_000;

/** records a use of a cache entry; a failure (read-only cache) only loses the record */
export async function markUsed(path: string, now = new Date()): Promise<void> {
  await utimes(path, now, now).catch(() => undefined);
}

/** uses being recorded: a prune waits for them, so it never judges an entry by its last-but-one use */
const pendingMarks = new Set<Promise<void>>();

/**
 * Records a use without making the reader wait for the system call (the read path loads
 * material for every scenario). The pending call keeps the process alive until it lands, and
 * pruning waits for it (marksSettled).
 */
export function markUsedLater(path: string): void {
  const mark: Promise<void> = markUsed(path).finally(() => pendingMarks.delete(mark));
  pendingMarks.add(mark);
}

/** every use recorded so far has reached the file system */
export async function marksSettled(): Promise<void> {
  await Promise.all([...pendingMarks]);
}

export interface CachedFile {
  path: string;
  bytes: number;
  lastUsed: Date;
}

/** every regular file under `dir` (none when it does not exist), temp files of writers aside */
export async function filesUnder(dir: string): Promise<CachedFile[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files = entries.filter((e) => e.isFile() && !e.name.endsWith('.tmp')).map((e) => join(e.parentPath, e.name));
  const stats = await Promise.all(files.map(async (path) => {
    try {
      const s = await stat(path);
      return { path, bytes: s.size, lastUsed: s.mtime };
    } catch {
      return undefined; // pruned by another process meanwhile
    }
  }));
  return stats.filter((s) => s !== undefined);
}

export interface MaterialCacheInfo {
  dir: string;
  keys: CachedFile[];
  certificates: CachedFile[];
}

export async function materialCacheInfo(dir: string): Promise<MaterialCacheInfo> {
  const [keys, certificates] = await Promise.all([
    filesUnder(join(dir, KEYS_FOLDER)).then((f) => f.filter((k) => k.path.endsWith('.key'))),
    filesUnder(join(dir, ISSUED_FOLDER)).then((f) => f.filter((c) => c.path.endsWith('.pem'))),
  ]);
  return { dir, keys, certificates };
}

export interface PrunePolicy {
  /** remove certificates not used for this long */
  certificateMaxIdleMs: number;
  /** remove keys not used for this long (keys are costly to make and do not multiply) */
  keyMaxIdleMs: number;
  /** beyond this many certificates, the least recently used go too */
  maxCertificates?: number;
  now?: Date;
}

export interface PruneResult {
  removedKeys: number;
  removedCertificates: number;
  removedBytes: number;
}

/** removes the entries the policy says are stale; `all` empties the folder's keys and certificates */
export async function pruneMaterialCache(dir: string, policy: PrunePolicy | 'all'): Promise<PruneResult> {
  await marksSettled();
  const info = await materialCacheInfo(dir);
  const stale = policy === 'all' ? info : staleEntries(info, policy);
  const removed = await removeFiles([...stale.keys, ...stale.certificates]);
  if (policy === 'all') await Promise.all([KEYS_FOLDER, ISSUED_FOLDER].map((f) => rm(join(dir, f), { recursive: true, force: true })));
  return {
    removedKeys: stale.keys.filter((k) => removed.has(k.path)).length,
    removedCertificates: stale.certificates.filter((c) => removed.has(c.path)).length,
    removedBytes: [...stale.keys, ...stale.certificates].filter((f) => removed.has(f.path)).reduce((n, f) => n + f.bytes, 0),
  };
}

function staleEntries(info: MaterialCacheInfo, policy: PrunePolicy): Pick<MaterialCacheInfo, 'keys' | 'certificates'> {
  const now = (policy.now ?? new Date()).getTime();
  const idle = (maxMs: number) => (f: CachedFile) => now - f.lastUsed.getTime() > maxMs;
  const certificates = info.certificates.filter(idle(policy.certificateMaxIdleMs));
  const kept = info.certificates.filter((c) => !certificates.includes(c)).sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
  const overCap = policy.maxCertificates === undefined ? [] : kept.slice(policy.maxCertificates);
  return { keys: info.keys.filter(idle(policy.keyMaxIdleMs)), certificates: [...certificates, ...overCap] };
}

/** the paths removed (a file another process removed first is not counted) */
export async function removeFiles(files: readonly CachedFile[]): Promise<Set<string>> {
  const removed = new Set<string>();
  await Promise.all(files.map(async (f) => {
    try {
      await unlink(f.path);
      removed.add(f.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }));
  return removed;
}

/** what a run prunes on its way out: a month for certificates, a quarter for keys, 20,000 certificates at most */
export const AUTO_PRUNE: PrunePolicy = { certificateMaxIdleMs: 30 * DAY_MS, keyMaxIdleMs: 90 * DAY_MS, maxCertificates: 20_000 };

/**
 * The end-of-run prune, at most once a day per folder (a stamp file records the last one), so
 * a run pays for the scan only then. Undefined when it was not due.
 */
export async function pruneIfDue(dir: string, policy: PrunePolicy = AUTO_PRUNE): Promise<PruneResult | undefined> {
  const now = policy.now ?? new Date();
  return onceADay(dir, now, () => pruneMaterialCache(dir, { ...policy, now }));
}

/** `prune` of a folder, at most once a day (the stamp file in it records the last); undefined when not due */
export async function onceADay<T>(dir: string, now: Date, prune: () => Promise<T>): Promise<T | undefined> {
  const stamp = join(dir, PRUNE_STAMP);
  const last = await stat(stamp).then((s) => s.mtime.getTime(), () => undefined);
  if (last !== undefined && now.getTime() - last < DAY_MS) return undefined;
  await writeFile(stamp, '', { mode: 0o600 }).catch(() => undefined);
  await markUsed(stamp, now);
  return prune();
}
