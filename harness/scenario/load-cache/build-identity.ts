/**
 * Which tlsgate made a cached load: a hash of the runtime and of the state of the files that
 * decide what loading a scenario file gives (build-files.ts finds them; an entry keeps their
 * list). A cached result is taken only under the same identity, so a rebuilt tlsgate, an
 * upgraded dependency or another Node never takes a result an older one made. Stat calls only:
 * a warm load makes about a hundred.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';

const identities = new Map<string, string>();

/** the identity as of the first time a process asks (its code does not change under it) */
export function buildIdentityOf(files: readonly string[]): string {
  const key = files.join('\0');
  let identity = identities.get(key);
  if (identity === undefined) {
    identity = currentBuildIdentity(files);
    identities.set(key, identity);
  }
  return identity;
}

/**
 * process.versions (Node and V8: what a regular expression may be; OpenSSL: what a certificate
 * or key file holds), and the size, mtime and inode of each file
 */
export function currentBuildIdentity(files: readonly string[]): string {
  const hash = createHash('sha256').update(`runtime ${JSON.stringify(process.versions)}\n`);
  for (const file of files) hash.update(`${file}\0${stampOf(file)}\n`);
  return hash.digest('hex');
}

/** what changes when a file is written or replaced; `missing` when there is none */
function stampOf(file: string): string {
  const s = statSync(file, { throwIfNoEntry: false });
  return s ? `${s.size} ${s.mtimeMs} ${s.ino}` : 'missing';
}
