import { existsSync } from 'node:fs';
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
export const defaultCertsDir = (): string => join(packageRoot(), 'certs');

/**
 * `absolute` as a path a CI tool or terminal opens from `base` (the working directory by
 * default): relative and `/`-separated, also for the built-in catalogue inside node_modules
 * or elsewhere; absolute only where no relative path exists (another Windows drive).
 */
export function pathFrom(absolute: string, base = process.cwd()): string {
  const rel = relative(base, absolute);
  return isAbsolute(rel) ? absolute : rel.split(sep).join('/');
}
