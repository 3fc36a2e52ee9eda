/** The end of a run keeps the material cache bounded (once a day; see ca/issue/cache-folder.ts). */
import { pruneIfDue } from '../../ca/issue/cache-folder.js';
import { errorMessage } from '../model/errors.js';

/** a failed prune never fails the run that did the work: it is said, and tried again next run */
export async function pruneCacheAfterRun(certsDir: string): Promise<void> {
  try {
    await pruneIfDue(certsDir);
  } catch (err) {
    process.stderr.write(`tlsgate: could not prune the cache ${certsDir}: ${errorMessage(err)}\n`);
  }
}
