/** The end of a run keeps the material cache and the load cache bounded (once a day; see ca/issue/cache-folder.ts). */
import { pruneIfDue } from '../../ca/issue/cache-folder.js';
import { errorMessage } from '../model/errors.js';
import { defaultLoadCacheDir } from '../model/paths.js';
import { pruneLoadCacheIfDue } from '../scenario/load-cache/load-cache-folder.js';

/** a failed prune never fails the run that did the work: it is said, and tried again next run */
export async function pruneCacheAfterRun(certsDir: string, loadCache = defaultLoadCacheDir()): Promise<void> {
  for (const [dir, prune] of [[certsDir, pruneIfDue], [loadCache, pruneLoadCacheIfDue]] as const) {
    try {
      await prune(dir);
    } catch (err) {
      process.stderr.write(`tlsgate: could not prune the cache ${dir}: ${errorMessage(err)}\n`);
    }
  }
}
