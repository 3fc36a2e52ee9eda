/**
 * Which undici the user's project would load (resolved from the working directory), and
 * tlsgate's own. After an undici upgrade it is the project's copy that must be tested.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * A folder whose node_modules holds the copy of a library to test, instead of the project's
 * (`tlsgate matrix --package NAME@V1,V2` installs each version into one and runs a worker with
 * this variable set). Every driver of an npm library resolves its package through locatePackage
 * below, so each honours it the same way.
 */
export const PACKAGE_DIR_ENV = 'TLSGATE_PACKAGE_DIR';

export interface UndiciLocation {
  version: string;
  source: 'project' | 'tlsgate' | 'override';
  /** the package.json of the copy found */
  path: string;
}

function locate(fromFile: string, name = 'undici'): { version: string; path: string } | undefined {
  try {
    const require = createRequire(fromFile);
    const main = require.resolve(name);
    let dir = dirname(main);
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      const pkgPath = join(dir, 'package.json');
      try {
        const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return { version: pkg.version, path: pkgPath };
      } catch { /* not here, go up */ }
    }
  } catch { /* not resolvable from there */ }
  return undefined;
}

export function locateUndici(cwd = process.cwd()): UndiciLocation | undefined {
  return locatePackage('undici', cwd);
}

/**
 * The copy of npm package `name` a driver tests: the one in $TLSGATE_PACKAGE_DIR when set (and
 * found there), else the one the project in `cwd` resolves, else tlsgate's own.
 */
export function locatePackage(name: string, cwd = process.cwd()): UndiciLocation | undefined {
  const overrideDir = process.env[PACKAGE_DIR_ENV];
  const override = overrideDir ? locate(join(overrideDir, 'package.json'), name) : undefined;
  if (override) return { ...override, source: 'override' };
  const project = locate(join(cwd, 'package.json'), name);
  const own = locate(import.meta.url.startsWith('file:') ? new URL(import.meta.url).pathname : import.meta.url, name);
  if (project && own && project.path !== own.path) return { ...project, source: 'project' };
  if (own) return { ...own, source: 'tlsgate' };
  return project ? { ...project, source: 'project' } : undefined;
}
