/**
 * Loads the copy of an npm library a library driver runs. Which copy is decided by the one
 * resolver every npm library's driver shares (portable/inventory/package-location.ts: an
 * override folder, else the user's project, else tlsgate's own); this adds the import. Nothing is
 * imported until a driver needs the library, so `tlsgate list` and validation stay fast and work
 * without it.
 */
import { pathToFileURL } from 'node:url';
import { entryFile, entryOf, locatePackage, ownPackageDir, type LocateOptions, type PackageLocation } from '../portable/inventory/package-location.js';
import { LibraryUnavailable } from './library-unavailable.js';

export { entryOf, locatePackage as locateLibrary };
export type ResolveOptions = LocateOptions;
export type LibraryLocation = PackageLocation;

export interface ResolvedLibrary<M = unknown> extends LibraryLocation {
  /** the module namespace as `import()` gives it (a CommonJS package's exports are its `default`) */
  module: M;
}

/** the library, imported (cached per folder); throws LibraryUnavailable when no copy is found or it does not load */
export async function resolveLibrary<M = unknown>(name: string, opts: ResolveOptions = {}): Promise<ResolvedLibrary<M>> {
  const where = locatePackage(name, opts);
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
  try {
    return await import(pathToFileURL(entryFile(where.dir)).href);
  } catch (err) {
    imported.delete(where.dir);
    throw new LibraryUnavailable(where.name, `${where.name} ${where.version} (${where.source}, ${where.dir}) does not load on Node ${process.versions.node}: ${(err as Error).message}`);
  }
}

/** the folder of tlsgate's own copy, for tests and the inventory */
export const ownLibraryDir = ownPackageDir;
