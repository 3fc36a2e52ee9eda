/**
 * Which copy of an npm library a library driver runs: the one an override folder holds
 * (`tlsgate matrix --package` installs versions into its cache and points here), else the one
 * the user's project resolves from its working directory (after an upgrade it is theirs that
 * must be tested), else tlsgate's own devDependency copy. Nothing is imported until a driver
 * needs the library, so `tlsgate list` and validation stay fast and work without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LibraryUnavailable } from './library-unavailable.js';

export type LibrarySource = 'override' | 'project' | 'tlsgate';

export interface ResolveOptions {
  /** the user's project (default: the working directory) */
  cwd?: string | undefined;
  /** a folder holding the package (`<dir>/node_modules/<name>`, or the package folder itself); when given, nothing else is used */
  overrideDir?: string | undefined;
}

export interface LibraryLocation {
  name: string;
  version: string;
  source: LibrarySource;
  /** the package's folder */
  dir: string;
}

export interface ResolvedLibrary<M = unknown> extends LibraryLocation {
  /** the module namespace as `import()` gives it (a CommonJS package's exports are its `default`) */
  module: M;
}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  module?: string;
  type?: string;
  exports?: unknown;
}

const OWN_FILE = fileURLToPath(import.meta.url);

/** where the package is, without loading it; undefined when no copy is found */
export function locateLibrary(name: string, opts: ResolveOptions = {}): LibraryLocation | undefined {
  if (opts.overrideDir) {
    const dir = [join(opts.overrideDir, 'node_modules', name), opts.overrideDir].find((d) => packageNamed(d, name));
    return dir ? { name, version: packageJson(dir).version ?? '0.0.0', source: 'override', dir } : undefined;
  }
  const project = packageDirFrom(join(opts.cwd ?? process.cwd(), 'package.json'), name);
  const own = packageDirFrom(OWN_FILE, name);
  const found = project && project !== own ? { dir: project, source: 'project' as const } : own ? { dir: own, source: 'tlsgate' as const } : undefined;
  return found && { name, version: packageJson(found.dir).version ?? '0.0.0', ...found };
}

/** the library, imported (cached per folder); throws LibraryUnavailable when no copy is found or it does not load */
export async function resolveLibrary<M = unknown>(name: string, opts: ResolveOptions = {}): Promise<ResolvedLibrary<M>> {
  const where = locateLibrary(name, opts);
  if (!where) {
    const place = opts.overrideDir ? `in ${opts.overrideDir}` : `from ${opts.cwd ?? process.cwd()} nor among tlsgate's own dependencies`;
    throw new LibraryUnavailable(name, `package ${name} is not installed (not found ${place}); npm install --save-dev ${name} to run these scenarios`);
  }
  let entry = imported.get(where.dir);
  if (!entry) {
    entry = importPackage(where);
    imported.set(where.dir, entry);
  }
  return { ...where, module: (await entry) as M };
}

const imported = new Map<string, Promise<unknown>>();

async function importPackage(where: LibraryLocation): Promise<unknown> {
  const file = join(where.dir, entryOf(packageJson(where.dir)));
  try {
    return await import(pathToFileURL(file).href);
  } catch (err) {
    imported.delete(where.dir);
    throw new LibraryUnavailable(where.name, `${where.name} ${where.version} (${where.source}, ${where.dir}) does not load on Node ${process.versions.node}: ${(err as Error).message}`);
  }
}

/** the file `import('<name>')` would load from Node: exports with the node/import/default conditions, else module/main */
export function entryOf(pkg: PackageJson): string {
  const root = typeof pkg.exports === 'object' && pkg.exports !== null && !Array.isArray(pkg.exports) && Object.keys(pkg.exports).some((k) => k.startsWith('.'))
    ? (pkg.exports as Record<string, unknown>)['.']
    : pkg.exports;
  return conditional(root) ?? pkg.main ?? 'index.js';
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
  existsSync(join(dir, 'package.json')) && packageJson(dir).name === name;

function packageJson(dir: string): PackageJson {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return {};
  }
}

/** the folder of tlsgate's own copy, for tests and the inventory */
export const ownLibraryDir = (name: string): string | undefined => packageDirFrom(OWN_FILE, name);
