/**
 * The packages a project's lockfile installs, each copy with its version: npm's package-lock.json
 * (v2/v3 `packages`), pnpm-lock.yaml (v5 `/name/version`, v6 `/name@version`, v9 `name@version`
 * keys) and yarn.lock (classic v1 and berry, both read with yarn's own parser, @yarnpkg/parsers'
 * parseSyml). A lockfile that cannot be read is bad input naming the file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, errorMessage } from '../model/errors.js';

export type LockfileKind = 'package-lock' | 'pnpm-lock' | 'yarn-classic' | 'yarn-berry';

export interface InstalledCopy {
  name: string;
  version: string;
  /** npm: where it is installed (`node_modules/a/node_modules/pg`); pnpm/yarn: the lockfile key */
  where: string;
}

export interface Lockfile {
  file: string;
  kind: LockfileKind;
  copies: InstalledCopy[];
}

export const LOCKFILE_NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock'] as const;

/** every lockfile in `dir` (a project may have several), read */
export async function readLockfiles(dir: string): Promise<Lockfile[]> {
  const found = LOCKFILE_NAMES.filter((n) => existsSync(join(dir, n)));
  if (found.length === 0) throw new UsageError(`${dir}: no lockfile (looked for ${LOCKFILE_NAMES.join(', ')}); run npm install, pnpm install or yarn there first`);
  return Promise.all(found.map((n) => readLockfile(dir, n)));
}

/** `file` in the result is the lockfile's name (relative to the project) */
async function readLockfile(dir: string, name: string): Promise<Lockfile> {
  const file = name;
  const text = await readFile(join(dir, name), 'utf8');
  try {
    if (name === 'pnpm-lock.yaml') return { file, kind: 'pnpm-lock', copies: await pnpmCopies(text) };
    if (name === 'yarn.lock') return await yarnLock(file, text);
    return { file, kind: 'package-lock', copies: npmCopies(JSON.parse(text) as NpmLock, file) };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${join(dir, file)}: cannot be read as a ${name} (${errorMessage(err)}); regenerate it with your package manager`);
  }
}

interface NpmLock {
  lockfileVersion?: number;
  packages?: Record<string, { version?: string; name?: string; link?: boolean }>;
}

function npmCopies(lock: NpmLock, file: string): InstalledCopy[] {
  if (!lock.packages) throw new UsageError(`${file}: lockfileVersion ${lock.lockfileVersion ?? '?'} has no "packages" (npm 7+ writes v2/v3); run npm install with npm 7 or later`);
  return Object.entries(lock.packages).flatMap(([where, entry]) => {
    const name = entry.name ?? where.split('node_modules/').at(-1);
    if (!where || !name || !entry.version || entry.link) return [];
    return [{ name, version: entry.version, where }];
  });
}

async function pnpmCopies(text: string): Promise<InstalledCopy[]> {
  const { parse } = await import('yaml');
  const lock = parse(text) as { packages?: Record<string, unknown> } | null;
  return Object.keys(lock?.packages ?? {}).flatMap((key) => {
    const parsed = pnpmKey(key);
    return parsed ? [{ ...parsed, where: key }] : [];
  });
}

/** `/pg/8.11.3` (v5), `/pg@8.11.3(peer@1)` (v6), `pg@8.11.3` (v9), scoped names too */
export function pnpmKey(key: string): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = bare.lastIndexOf('@');
  if (at > 0) return { name: bare.slice(0, at), version: bare.slice(at + 1) };
  const slash = bare.lastIndexOf('/');
  return slash > 0 ? { name: bare.slice(0, slash), version: bare.slice(slash + 1) } : undefined;
}

async function yarnLock(file: string, text: string): Promise<Lockfile> {
  const { parseSyml } = await import('@yarnpkg/parsers');
  const lock = parseSyml(text) as Record<string, { version?: string; resolution?: string }>;
  const berry = '__metadata' in lock;
  const seen = new Set<string>();
  const copies: InstalledCopy[] = [];
  for (const [key, entry] of Object.entries(lock)) {
    if (key === '__metadata' || !entry?.version) continue;
    const name = descriptorName(berry && entry.resolution ? entry.resolution : key);
    if (!name || seen.has(`${name}@${entry.version}`)) continue;
    seen.add(`${name}@${entry.version}`);
    copies.push({ name, version: String(entry.version), where: key });
  }
  return { file, kind: berry ? 'yarn-berry' : 'yarn-classic', copies };
}

/** `pg@^8.11.3`, `pg@npm:8.11.3`, `@grpc/grpc-js@npm:^1.9.0`: the name */
function descriptorName(descriptor: string): string | undefined {
  const at = descriptor.indexOf('@', 1);
  return at > 0 ? descriptor.slice(0, at) : undefined;
}
