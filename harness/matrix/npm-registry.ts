/**
 * Node builds from the npm registry, through the npm client only: the official binaries are
 * published as `node-<platform>-<arch>` packages whose tarball holds `bin/node`. `npm view`
 * resolves a major to its newest version; `npm pack` fetches one tarball (no install scripts).
 */
import { execFile } from 'node:child_process';
import { errorMessage, UsageError } from '../model/errors.js';
import { compareVersions } from './node-request.js';

/** runs npm with these arguments; resolves to stdout, or rejects with the npm error */
export type NpmRunner = (args: string[], opts: { cwd?: string; timeoutMs: number }) => Promise<string>;

export const NPM_VIEW_TIMEOUT_MS = 60_000;
export const NPM_PACK_TIMEOUT_MS = 600_000;

/** the package that carries Node for this machine */
export function nodePackageName(platform = process.platform, arch = process.arch): string {
  return `node-${platform}-${arch}`;
}

export const runNpm: NpmRunner = (args, opts) => new Promise((resolve, reject) => {
  execFile('npm', args, { cwd: opts.cwd, timeout: opts.timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
    if (!err) return resolve(stdout);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return reject(new NpmError('npm is not on PATH', stdout));
    if (err.killed) return reject(new NpmError(`npm ${args[0]} did not finish within ${opts.timeoutMs / 1000} s`, stdout));
    reject(new NpmError(npmSummary(stdout) ?? (stderr.split('\n').find((l) => /npm (error|ERR!)/.test(l)) ?? err.message).trim(), stdout));
  });
});

export class NpmError extends Error {
  override readonly name = 'NpmError';
  constructor(message: string, readonly stdout: string) {
    super(message);
  }

  /** npm's own error code (E404, ECONNREFUSED...) from its --json output */
  get npmCode(): string | undefined {
    try {
      return (JSON.parse(this.stdout) as { error?: { code?: string } }).error?.code;
    } catch {
      return undefined;
    }
  }
}

/** `npm ... --json` prints `{ error: { code, summary } }` on failure */
function npmSummary(stdout: string): string | undefined {
  try {
    const e = (JSON.parse(stdout) as { error?: { code?: string; summary?: string } }).error;
    return e ? [e.code, e.summary].filter(Boolean).join(' ') : undefined;
  } catch {
    return undefined;
  }
}

/** the newest published version matching `range` (a major or an exact version) */
export async function resolveVersion(range: string, npm: NpmRunner = runNpm): Promise<string> {
  const pkg = nodePackageName();
  let out: string;
  try {
    out = await npm(['view', `${pkg}@${range}`, 'version', '--json'], { timeoutMs: NPM_VIEW_TIMEOUT_MS });
  } catch (err) {
    throw registryError(err, `${pkg}@${range}`, range);
  }
  const parsed = out.trim() ? (JSON.parse(out) as string | string[]) : [];
  const versions = [parsed].flat().filter((v) => /^\d+\.\d+\.\d+$/.test(v)).sort(compareVersions);
  const newest = versions.at(-1);
  if (!newest) throw noSuchNode(range, pkg);
  return newest;
}

/** downloads the tarball of exactly `version` into `dir`; resolves to the tarball's path */
export async function packNode(version: string, dir: string, npm: NpmRunner = runNpm): Promise<string> {
  const pkg = nodePackageName();
  let out: string;
  try {
    out = await npm(['pack', `${pkg}@${version}`, '--pack-destination', dir, '--json', '--silent'], { cwd: dir, timeoutMs: NPM_PACK_TIMEOUT_MS });
  } catch (err) {
    throw registryError(err, `${pkg}@${version}`, version);
  }
  const filename = (JSON.parse(out) as Array<{ filename?: string }>)[0]?.filename;
  if (!filename) throw new UsageError(`npm pack ${pkg}@${version} printed no tarball name; run it by hand to see why`);
  return `${dir}/${filename.replace(/^.*\//, '')}`;
}

/** the registry has no such Node build */
export class NoSuchNode extends UsageError {}
/** the registry (or npm) could not be asked */
export class RegistryUnreachable extends UsageError {}

function registryError(err: unknown, spec: string, range: string): Error {
  if (err instanceof NpmError && err.npmCode === 'E404') return noSuchNode(range, spec.replace(/@.*$/, ''));
  const why = errorMessage(err);
  return new RegistryUnreachable(
    `--node ${range}: could not get ${spec} from the npm registry (${why}). `
    + 'Check the network and `npm config get registry`, or pass a Node binary you have: --node /path/to/node',
  );
}

function noSuchNode(range: string, pkg: string): NoSuchNode {
  return new NoSuchNode(`--node ${range}: the npm registry has no ${pkg} for Node ${range}; see \`npm view ${pkg} versions\`, or pass --node /path/to/node`);
}
