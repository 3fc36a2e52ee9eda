/**
 * The `--out` folder of `tlsgate serve`, before anything is issued. A new or empty folder is
 * used as it is. A folder a previous serve wrote (its manifest.json says so) is either reused
 * as it is (same fixed --port, same spec, certificates still valid: the restart serves the same
 * PKI) or cleaned of that serve's files, so two PKIs never mix. Any other non-empty folder is
 * someone else's: serve refuses it rather than write among foreign files.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { filesOf, MANIFEST_FORMAT, type Manifest } from './manifest.js';

export const MANIFEST_FILE = 'manifest.json';
/** where a serve with --port keeps its keys and certificates, so a restart finds them */
export const CACHE_FOLDER = '.tlsgate-serve-cache';
/** written by the printed `curl ... > crls.pem` commands */
const SCRATCH_FILES = ['crls.pem'];

export type OutFolder =
  | { kind: 'fresh' }
  /** a previous serve's PKI, to be served again: issue with `now` = issuedAt and the cache */
  | { kind: 'reuse'; issuedAt: Date }
  | { kind: 'refused'; reason: string };

export interface Wanted {
  port: number | null;
  specDigest: string;
  now: Date;
}

export async function prepareOutFolder(out: string, wanted: Wanted): Promise<OutFolder> {
  const entries = await readdir(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (entries === null) return { kind: 'refused', reason: `--out ${out} is not a folder (or lies under a file); give a folder: new, empty, or one a previous tlsgate serve wrote` };
  if (entries === undefined) {
    const failed = await makeFolder(out).then(() => undefined, (err: NodeJS.ErrnoException) => err.code ?? err.message);
    return failed === undefined ? { kind: 'fresh' } : { kind: 'refused', reason: `--out ${out} cannot be created (${failed}); give a folder you can write` };
  }
  if (entries.length === 0) return { kind: 'fresh' };
  const previous = await previousManifest(join(out, MANIFEST_FILE));
  if (!previous) {
    return { kind: 'refused', reason: `--out ${out} is not empty and holds no tlsgate serve ${MANIFEST_FILE}; give a new or empty folder (serve will not write its PKI among other files)` };
  }
  if (reusable(previous, wanted)) return { kind: 'reuse', issuedAt: new Date(previous.issuedAt) };
  await removePreviousServe(out, previous);
  return { kind: 'fresh' };
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns for a path under /proc
 * (it retries ENOENT forever), and a typo must end in a message, not a hang.
 */
async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(path) === path) throw err;
    await makeFolder(dirname(path));
    await mkdir(path);
  }
}

async function previousManifest(path: string): Promise<Manifest | undefined> {
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as Partial<Manifest>;
    return m.format === MANIFEST_FORMAT && Array.isArray(m.certificates) ? (m as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

/** same fixed ports and spec, and every certificate still valid now */
function reusable(m: Manifest, wanted: Wanted): boolean {
  if (wanted.port === null || m.port !== wanted.port || m.specDigest !== wanted.specDigest) return false;
  const issuedAt = new Date(m.issuedAt ?? '');
  if (Number.isNaN(issuedAt.getTime())) return false;
  return m.certificates.every((c) => new Date(c.notAfter) > wanted.now);
}

/** the files the manifest names, the scratch files its commands write, the cache, the manifest */
async function removePreviousServe(out: string, m: Manifest): Promise<void> {
  // names only: a manifest that names a path elsewhere is not obeyed
  const names = [...filesOf(m), ...SCRATCH_FILES].filter((n) => typeof n === 'string' && n === basename(n) && n !== '..' && n !== '.');
  await Promise.all(names.map((n) => rm(join(out, n), { force: true })));
  await rm(join(out, CACHE_FOLDER), { recursive: true, force: true });
  await rm(join(out, MANIFEST_FILE), { force: true });
}
