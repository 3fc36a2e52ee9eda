import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tlsgate package root, whether running from dist/ (compiled) or the sources (tsx). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('tlsgate: cannot find the package root (package.json beside scenarios/)');
    dir = up;
  }
}

export const builtinScenariosDir = (): string => join(packageRoot(), 'scenarios');
export const schemaPath = (): string => join(packageRoot(), 'schema', 'scenario.schema.json');

/** the environment variables the cache folders answer to (a subset of process.env) */
export type CacheEnv = Readonly<Record<string, string | undefined>>;

/**
 * The one folder tlsgate caches in: generated keys and certificates (`certs/`) and Node builds
 * (`node/`). Outside node_modules, so `npm ci` keeps it and CI can cache it (actions/cache):
 * $TLSGATE_CACHE_DIR, else `.tlsgate-cache` in the working directory (the project's), else,
 * when that cannot be written (a read-only checkout), the user's cache folder
 * ($XDG_CACHE_HOME/tlsgate or ~/.cache/tlsgate).
 */
export function defaultCacheDir(cwd = process.cwd(), env: CacheEnv = process.env, writable = isWritableDir): string {
  if (env.TLSGATE_CACHE_DIR) return env.TLSGATE_CACHE_DIR;
  const project = join(cwd, '.tlsgate-cache');
  if (existsSync(project) ? writable(project) : writable(cwd)) return project;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tlsgate');
}

/** generated keys and certificates: $TLSGATE_CERTS, else `certs/` in the cache folder */
export const defaultCertsDir = (cwd = process.cwd(), env: CacheEnv = process.env): string =>
  env.TLSGATE_CERTS || join(defaultCacheDir(cwd, env), 'certs');

/** scenario files as loaded and checked (harness/scenario/load-cache/): `loaded/` in the cache folder */
export const defaultLoadCacheDir = (cwd = process.cwd(), env: CacheEnv = process.env): string => join(defaultCacheDir(cwd, env), 'loaded');

function isWritableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `absolute` as a path a CI tool or terminal opens from `base` (the working directory by
 * default): relative and `/`-separated, also for the built-in catalogue inside node_modules
 * or elsewhere; absolute only where no relative path exists (another Windows drive).
 */
export function pathFrom(absolute: string, base = process.cwd()): string {
  const rel = relative(base, absolute);
  return isAbsolute(rel) ? absolute : rel.split(sep).join('/');
}
