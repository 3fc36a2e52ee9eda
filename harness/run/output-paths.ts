/**
 * Every file or folder a command will write, checked before anything runs. A path that cannot
 * be written is the user's to fix (a UsageError: exit 2, one line naming the flag and the path),
 * not an internal error found after the whole run. Checks: the target is of the right kind (a
 * report path is not a folder, a cache folder is not a file), the folder it goes in exists or
 * can be made (no file on the way), that folder really takes a new file (probed, so read-only
 * mounts and /proc are caught), and no two outputs share a path.
 */
import { accessSync, closeSync, constants, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../model/errors.js';

export interface OutputPath {
  /** the option as the user gave it, e.g. `--reporter junit:reports/x.xml` or `--out` */
  flag: string;
  path: string;
  /** a file written whole (atomically, beside itself), or a folder written into */
  kind: 'file' | 'folder';
  /** for a file given as a folder: the name the hint suggests in it */
  suggestedName?: string;
}

/** throws a UsageError for the first output that cannot be written */
export function checkOutputPaths(outputs: readonly OutputPath[]): void {
  for (const o of outputs) checkOutputPath(o);
  checkDistinct(outputs);
}

function checkOutputPath(o: OutputPath): void {
  // a repeated string option arrives as a list
  const given: unknown = o.path;
  if (Array.isArray(given)) throw new UsageError(`${o.flag} given ${given.length} times (${given.join(', ')}); give it once`);
  const target = resolve(o.path);
  const found = statOf(target);
  if (o.kind === 'file') {
    if (found?.isDirectory()) throw new UsageError(`${o.flag}: ${o.path} is a folder; give a file path, e.g. ${join(o.path, o.suggestedName ?? 'tlsgate.out')}`);
    if (found && !found.isFile()) throw new UsageError(`${o.flag}: ${o.path} is not a regular file (a device, pipe or socket); give a file path`);
    if (found) checkWritableFile(o, target);
    checkCanCreateIn(o, dirname(target));
  } else {
    if (found && !found.isDirectory()) throw new UsageError(`${o.flag}: ${o.path} is a file, not a folder; give a folder path`);
    checkCanCreateIn(o, found ? target : dirname(target));
  }
}

/** the folder exists and takes a new file, or the nearest existing folder above it does */
function checkCanCreateIn(o: OutputPath, folder: string): void {
  let dir = folder;
  let found = statOf(dir);
  while (!found) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
    found = statOf(dir);
  }
  if (found && !found.isDirectory()) throw new UsageError(`${o.flag}: cannot write ${o.path}: ${dir} is a file, not a folder`);
  const probe = join(dir, `.tlsgate-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (err) {
    throw new UsageError(`${o.flag}: cannot write ${o.path}: ${dir} takes no new files (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function checkWritableFile(o: OutputPath, target: string): void {
  try {
    accessSync(target, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${o.flag}: cannot write ${o.path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** two outputs on one path would overwrite each other: the second one written wins */
function checkDistinct(outputs: readonly OutputPath[]): void {
  const byPath = new Map<string, OutputPath>();
  for (const o of outputs) {
    const key = resolve(o.path);
    const earlier = byPath.get(key);
    if (earlier) throw new UsageError(`${earlier.flag} and ${o.flag} both write ${o.path}; give each its own path`);
    byPath.set(key, o);
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
