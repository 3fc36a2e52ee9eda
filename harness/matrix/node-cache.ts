/**
 * Node builds installed from the npm registry, one folder per exact version
 * (`<cache>/<version>/bin/node`), installed on first use and reused by every later run.
 * An install unpacks into a private temporary folder and is renamed into place, so a reader
 * never sees half a binary and two installs of one version cannot collide.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../model/errors.js';
import { defaultCacheDir, type CacheEnv } from '../model/paths.js';
import { compareVersions } from './node-request.js';
import { packNode, runNpm, type NpmRunner } from './npm-registry.js';

const run = promisify(execFile);

export function defaultNodeCache(cwd = process.cwd(), env: CacheEnv = process.env): string {
  return env.TLSGATE_NODE_CACHE || join(defaultCacheDir(cwd, env), 'node');
}

const binaryIn = (cache: string, version: string): string => join(cache, version, 'bin', 'node');

export function cachedNode(cache: string, version: string): string | undefined {
  const bin = binaryIn(cache, version);
  return existsSync(bin) ? bin : undefined;
}

/** exact versions already installed, oldest first */
export function cachedVersions(cache: string): string[] {
  if (!existsSync(cache)) return [];
  return readdirSync(cache).filter((v) => /^\d+\.\d+\.\d+$/.test(v) && cachedNode(cache, v)).sort(compareVersions);
}

/** `npm pack` the version's package, unpack only bin/node, move it into the cache */
export async function installNode(version: string, cache: string, npm: NpmRunner = runNpm): Promise<string> {
  const existing = cachedNode(cache, version);
  if (existing) return existing;
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(cache, `.install-${version}-`));
  try {
    const tarball = await packNode(version, tmp, npm);
    await unpackBinary(tarball, tmp);
    try {
      renameSync(join(tmp, 'package'), join(cache, version));
    } catch (err) {
      // another run installed it meanwhile: use theirs
      if (!cachedNode(cache, version)) throw err;
    }
    return binaryIn(cache, version);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function unpackBinary(tarball: string, dir: string): Promise<void> {
  try {
    await run('tar', ['-xzf', tarball, '-C', dir, 'package/bin/node'], { timeout: 120_000 });
  } catch (err) {
    throw new UsageError(`could not unpack bin/node from ${tarball}: ${(err as Error).message.split('\n')[0]} (is tar installed?)`);
  }
}
