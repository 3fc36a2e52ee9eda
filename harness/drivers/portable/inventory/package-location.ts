/**
 * Which copy of an npm library a driver tests, for every driver of an npm library (undici, which
 * also runs in matrix workers on other Nodes, and the library drivers: axios, pg...): the copy an
 * override folder holds (`tlsgate matrix --package NAME@V1,V2` installs each version into its
 * cache and hands the placement that folder), else the one the user's project resolves from its
 * working directory (after an upgrade it is theirs that must be tested), else tlsgate's own.
 * Node builtins only: it runs in any worker.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PackageSource = 'override' | 'project' | 'tlsgate';

export interface LocateOptions {
  /** the user's project (default: the working directory) */
  cwd?: string | undefined;
  /** a folder holding the package (`<dir>/node_modules/<name>`, or the package folder itself); when given, nothing else is used */
  overrideDir?: string | undefined;
}

export interface PackageLocation {
  name: string;
  version: string;
  source: PackageSource;
  /** the package's folder */
  dir: string;
}

/**
 * npm package name -> the folder holding the copy to test instead of the project's: what
 * `tlsgate matrix --package` gives a placement, and the placement gives each driver.
 */
export type LibraryDirs = Readonly<Record<string, string>>;

export interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  module?: string;
  type?: string;
  exports?: unknown;
  engines?: { node?: string };
}

const OWN_FILE = fileURLToPath(import.meta.url);

/** where the package is, without loading it; undefined when no copy is found */
export function locatePackage(name: string, opts: LocateOptions = {}): PackageLocation | undefined {
  if (opts.overrideDir) {
    const dir = [join(opts.overrideDir, 'node_modules', name), opts.overrideDir].find((d) => packageNamed(d, name));
    return dir ? { name, version: readPackageJson(dir).version ?? '0.0.0', source: 'override', dir } : undefined;
  }
  const project = packageDirFrom(join(opts.cwd ?? process.cwd(), 'package.json'), name);
  const own = packageDirFrom(OWN_FILE, name);
  const found = project && project !== own ? { dir: project, source: 'project' as const } : own ? { dir: own, source: 'tlsgate' as const } : undefined;
  return found && { name, version: readPackageJson(found.dir).version ?? '0.0.0', ...found };
}

/** the file `import('<name>')` would load from Node: exports with the node/import/default conditions, else main */
export function entryOf(pkg: PackageJson): string {
  const root = typeof pkg.exports === 'object' && pkg.exports !== null && !Array.isArray(pkg.exports) && Object.keys(pkg.exports).some((k) => k.startsWith('.'))
    ? (pkg.exports as Record<string, unknown>)['.']
    : pkg.exports;
  return conditional(root) ?? pkg.main ?? 'index.js';
}

/**
 * The file to import for the package in `dir`. A package without `exports` is found the CommonJS
 * way, which `import()` of a path does not do: `main: "./lib"` (pg 8.7) is `lib/index.js`.
 */
export function entryFile(dir: string): string {
  const pkg = readPackageJson(dir);
  const file = join(dir, entryOf(pkg));
  if (pkg.exports !== undefined) return file;
  try {
    return createRequire(join(dir, 'package.json')).resolve(file);
  } catch {
    return file;
  }
}

const CONDITIONS = new Set(['node', 'import', 'default']);

function conditional(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return conditional(target[0]);
  if (typeof target !== 'object' || target === null) return undefined;
  for (const [key, value] of Object.entries(target)) {
    if (!CONDITIONS.has(key)) continue;
    const found = conditional(value);
    if (found) return found;
  }
  return undefined;
}

/** the package folder Node's resolution would find from `fromFile`, whatever the package's `exports` allow */
function packageDirFrom(fromFile: string, name: string): string | undefined {
  const paths = createRequire(fromFile).resolve.paths(name) ?? [];
  return paths.map((p) => join(p, name)).find((d) => packageNamed(d, name));
}

const packageNamed = (dir: string, name: string): boolean =>
  existsSync(join(dir, 'package.json')) && readPackageJson(dir).name === name;

/** a package folder's package.json ({} when it cannot be read) */
export function readPackageJson(dir: string): PackageJson {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return {};
  }
}

/** the folder of tlsgate's own copy, for tests and the inventory */
export const ownPackageDir = (name: string): string | undefined => packageDirFrom(OWN_FILE, name);
