/**
 * `tlsgate matrix --package NAME@V1,V2`: each version of a library installed once into the
 * cache (`npm install --prefix <cache>/packages/NAME@V NAME@V`, on first use), and one matrix
 * runtime per version: this Node, its placement's `libraryDirs` pointing the library's driver at
 * that copy (harness/drivers/README.md, "Which copy a driver loads").
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../model/errors.js';

const run = promisify(execFile);

export interface PackageRequest {
  name: string;
  versions: string[];
}

/** `undici@7.16.0,7.30.2` (scoped names too: `@grpc/grpc-js@1.9.0,1.10.0`) */
export function parsePackageRequest(given: string): PackageRequest {
  const at = given.lastIndexOf('@');
  const name = at > 0 ? given.slice(0, at) : '';
  const versions = at > 0 ? given.slice(at + 1).split(',').map((v) => v.trim()).filter(Boolean) : [];
  if (!name || versions.length === 0) throw new UsageError(`--package ${given}: give a package and its versions, e.g. --package undici@7.16.0,7.30.2`);
  return { name, versions };
}

/** the folder holding NAME@VERSION (installed now if it is not yet) */
export async function packageCopy(cacheDir: string, name: string, version: string, note: (line: string) => void): Promise<string> {
  const dir = join(cacheDir, 'packages', `${name.replace('/', '+')}@${version}`);
  if (existsSync(join(dir, 'node_modules', ...name.split('/'), 'package.json'))) return dir;
  note(`installing ${name}@${version} into ${dir}`);
  try {
    await run('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', `${name}@${version}`], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new UsageError(`--package ${name}@${version}: npm install failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  return dir;
}
