/**
 * `--node` requests -> Node binaries that run here, each with its exact version. Majors and
 * versions come from the npm registry into the cache (once); a path is used as it is. When the
 * registry cannot be reached, a major falls back to the newest cached build of it, with a note.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../model/errors.js';
import { cachedNode, cachedVersions, installNode } from './node-cache.js';
import type { NodeRequest } from './node-request.js';
import { RegistryUnreachable, resolveVersion, runNpm, type NpmRunner } from './npm-registry.js';

const run = promisify(execFile);

export interface ResolvedNode {
  request: NodeRequest;
  execPath: string;
  version: string;
  openssl: string;
  /** where the binary came from */
  source: 'path' | 'cache' | 'npm';
}

export interface ResolveOptions {
  cacheDir: string;
  npm?: NpmRunner;
  /** progress and fallbacks, one line each */
  note?: (line: string) => void;
}

export async function resolveNodes(requests: readonly NodeRequest[], opts: ResolveOptions): Promise<ResolvedNode[]> {
  const npm = opts.npm ?? runNpm;
  // registry look-ups at once; downloads one at a time (they are large); probes at once
  const wanted = await Promise.all(requests.map((r) => wantedBinary(r, opts, npm)));
  const located: Array<{ execPath: string; source: ResolvedNode['source'] }> = [];
  for (const w of wanted) located.push(await install(w, opts, npm));
  return Promise.all(requests.map(async (request, i) => {
    const { execPath, source } = located[i]!;
    const versions = await probe(execPath, request.text);
    return { request, execPath, version: versions.node, openssl: versions.openssl, source };
  }));
}

/** a binary on disk, or an exact version to take from the cache or the registry */
type Wanted = { path: string } | { version: string; why: string };

async function wantedBinary(request: NodeRequest, opts: ResolveOptions, npm: NpmRunner): Promise<Wanted> {
  switch (request.kind) {
    case 'path': return { path: executable(request) };
    case 'exact': return { version: request.version, why: '' };
    case 'major': return { version: await newestOfMajor(request, opts, npm), why: ` (newest ${request.major}.x)` };
  }
}

async function install(w: Wanted, opts: ResolveOptions, npm: NpmRunner): Promise<{ execPath: string; source: ResolvedNode['source'] }> {
  if ('path' in w) return { execPath: w.path, source: 'path' };
  const cached = cachedNode(opts.cacheDir, w.version);
  if (cached) return { execPath: cached, source: 'cache' };
  opts.note?.(`installing node ${w.version}${w.why} from the npm registry into ${opts.cacheDir}`);
  return { execPath: await installNode(w.version, opts.cacheDir, npm), source: 'npm' };
}

async function newestOfMajor(request: Extract<NodeRequest, { kind: 'major' }>, opts: ResolveOptions, npm: NpmRunner): Promise<string> {
  try {
    return await resolveVersion(String(request.major), npm);
  } catch (err) {
    const fallback = cachedVersions(opts.cacheDir).filter((v) => v.startsWith(`${request.major}.`)).at(-1);
    if (!fallback || !(err instanceof RegistryUnreachable)) throw err;
    opts.note?.(`the npm registry could not be asked for the newest node ${request.major}.x; using the cached node ${fallback}`);
    return fallback;
  }
}

function executable(request: Extract<NodeRequest, { kind: 'path' }>): string {
  const path = resolve(request.path);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new UsageError(`--node ${request.text}: no executable file at ${path}; give the path of a node binary`);
  }
  return path;
}

async function probe(execPath: string, asked: string): Promise<{ node: string; openssl: string }> {
  try {
    const { stdout } = await run(execPath, ['-p', 'JSON.stringify({ node: process.versions.node, openssl: process.versions.openssl })'], { timeout: 20_000, env: { ...process.env, NODE_OPTIONS: '' } });
    return JSON.parse(stdout) as { node: string; openssl: string };
  } catch (err) {
    throw new UsageError(`--node ${asked}: ${execPath} does not run as Node here (${(err as Error).message.split('\n')[0]})`);
  }
}
