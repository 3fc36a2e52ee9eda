/**
 * Files in the material cache are written so that no reader ever sees half of one, even when
 * two tlsgate processes share the folder: write a temp file beside the target, then either
 * rename it over the target or, for `keep-first`, hard-link it into place (link fails when the
 * target exists, so the first writer wins and every process converges on the same bytes).
 * Reports and baselines use the same writer with the modes a plain write would give them.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type WriteMode = 'replace' | 'keep-first';

export interface WriteOptions {
  /** the file's permissions (before umask) */
  mode: number;
  /** permissions of folders created on the way (before umask); default 0o700: key material */
  dirMode?: number;
  policy?: WriteMode;
}

/** what a plain writeFile/mkdir would create (umask applies): reports, baselines, drift files */
export const PUBLIC_FILE: WriteOptions = { mode: 0o666, dirMode: 0o777 };

/** returns the content that ended up at `path` (ours, or the first writer's for keep-first) */
export async function writeFileAtomic(path: string, data: string | Buffer, opts: WriteOptions): Promise<string | Buffer> {
  await mkdir(dirname(path), { recursive: true, mode: opts.dirMode ?? 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode: opts.mode, flag: 'wx' });
  try {
    if (opts.policy === 'keep-first') {
      try {
        await link(tmp, path);
        return data;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        return typeof data === 'string' ? readFile(path, 'utf8') : readFile(path);
      }
    }
    await rename(tmp, path);
    return data;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** the file's text, or undefined when it does not exist */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
