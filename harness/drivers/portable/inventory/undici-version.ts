/**
 * Which undici the user's project would load (resolved from the working directory), and
 * tlsgate's own. After an undici upgrade it is the project's copy that must be tested.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface UndiciLocation {
  version: string;
  source: 'project' | 'tlsgate';
  /** the package.json of the copy found */
  path: string;
}

function locate(fromFile: string): { version: string; path: string } | undefined {
  try {
    const require = createRequire(fromFile);
    const main = require.resolve('undici');
    let dir = dirname(main);
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      const pkgPath = join(dir, 'package.json');
      try {
        const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'undici' && pkg.version) return { version: pkg.version, path: pkgPath };
      } catch { /* not here, go up */ }
    }
  } catch { /* not resolvable from there */ }
  return undefined;
}

export function locateUndici(cwd = process.cwd()): UndiciLocation | undefined {
  const project = locate(join(cwd, 'package.json'));
  const own = locate(import.meta.url.startsWith('file:') ? new URL(import.meta.url).pathname : import.meta.url);
  if (project && own && project.path !== own.path) return { ...project, source: 'project' };
  if (own) return { ...own, source: 'tlsgate' };
  return project ? { ...project, source: 'project' } : undefined;
}
