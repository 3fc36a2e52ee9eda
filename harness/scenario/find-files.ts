/**
 * The scenario files behind the paths a user gives: a file as is, a folder searched for
 * `*.yaml` / `*.yml` (recursively, sorted, dot-folders, dot-files and node_modules skipped,
 * symlinked folders followed once). Each file knows three names: absolute (to read it),
 * relative to the folder given (the scenario ids), and as shown (in problems: the given path
 * joined with the relative one, so a terminal can open it). The file system is asked
 * synchronously: a few dozen stat and readdir calls each through the thread pool cost a warm
 * `tlsgate list` more than the calls themselves.
 */
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { ScenarioProblem } from './problems.js';

export interface ScenarioFileRef {
  absolute: string;
  /** `/`-separated, relative to the folder given; the basename for a file given directly */
  relative: string;
  /** for problems: the path as the user gave it, joined with the relative one */
  shown: string;
}

export interface Discovery {
  files: ScenarioFileRef[];
  problems: ScenarioProblem[];
}

/** pointing at `/` by mistake must not walk the whole disk */
export const MAX_FOLDER_ENTRIES = 100_000;

const isScenarioFileName = (name: string): boolean => /\.ya?ml$/i.test(name);
const isSkipped = (name: string): boolean => name.startsWith('.') || name === 'node_modules';

export function findScenarioFiles(paths: readonly string[]): Discovery {
  const files: ScenarioFileRef[] = [];
  const problems: ScenarioProblem[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    const found = filesOf(given);
    problems.push(...found.problems);
    for (const f of found.files) {
      // the same file reached twice (a folder and a file in it, or two roots): load it once
      const real = realPath(f.absolute);
      if (seen.has(real)) continue;
      seen.add(real);
      files.push(f);
    }
  }
  return { files, problems };
}

function filesOf(given: string): Discovery {
  let info: Stats | NodeJS.ErrnoException;
  try {
    info = statSync(given);
  } catch (err) {
    info = err as NodeJS.ErrnoException;
  }
  if (info instanceof Error) {
    const message = info.code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${info.code ?? info.message}`;
    return { files: [], problems: [pathProblem(given, message)] };
  }
  if (info.isFile()) return { files: [{ absolute: resolve(given), relative: basename(given), shown: given }], problems: [] };
  if (!info.isDirectory()) return { files: [], problems: [pathProblem(given, 'not a file or folder (a device, pipe or socket)')] };
  return walkFolder(given);
}

function walkFolder(given: string): Discovery {
  const root = resolve(given);
  const found: string[] = [];
  const problems: ScenarioProblem[] = [];
  const visited = new Set<string>();
  const pending = [root];
  let entries = 0;
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const real = realPath(folder);
    if (visited.has(real)) continue; // a symlink loop, or two links to one folder
    visited.add(real);
    let children: Dirent[];
    try {
      children = readdirSync(folder, { withFileTypes: true });
    } catch (err) {
      problems.push(pathProblem(shownPath(given, root, folder), `cannot read folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`));
      continue;
    }
    entries += children.length;
    if (entries > MAX_FOLDER_ENTRIES) {
      problems.push(pathProblem(given, `more than ${MAX_FOLDER_ENTRIES} entries under this folder`, 'give the folder that holds the scenario files'));
      return { files: [], problems };
    }
    for (const child of children) {
      if (isSkipped(child.name)) continue;
      const path = join(folder, child.name);
      const kind = kindOf(child, path);
      if (kind === 'folder') pending.push(path);
      else if (kind === 'file' && isScenarioFileName(child.name)) found.push(path);
    }
  }
  const files = found
    .map((absolute) => ({ absolute, relative: relative(root, absolute).split(sep).join('/') }))
    // plain code-unit order of the relative paths: the catalogue order the runner uses
    .sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0))
    .map((f) => ({ ...f, shown: join(given, f.relative) }));
  if (files.length === 0 && problems.length === 0) {
    problems.push(pathProblem(given, 'no scenario files (*.yaml, *.yml) in this folder', 'an empty folder would run nothing and pass; give the folder that holds the scenario files'));
  }
  return { files, problems };
}

/** symlinks are followed: to a folder (loops are cut by `visited`) or to a file */
function kindOf(entry: Dirent, path: string): 'file' | 'folder' | 'other' {
  if (entry.isDirectory()) return 'folder';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  let target: Stats | undefined;
  try {
    target = statSync(path);
  } catch {
    return 'other'; // a dangling link, a loop of links, no permission
  }
  return target.isDirectory() ? 'folder' : target.isFile() ? 'file' : 'other';
}

/** the path with its links resolved; as it is when that fails */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const shownPath = (given: string, root: string, folder: string): string => join(given, relative(root, folder));

function pathProblem(file: string, message: string, hint?: string): ScenarioProblem {
  return { file, line: 1, column: 1, path: '', message, ...(hint !== undefined ? { hint } : {}) };
}
