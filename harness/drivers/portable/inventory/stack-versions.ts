/**
 * The versions a scenario's `stacks` and `known` ranges select on, read inside the Node that runs
 * the scenario (a matrix worker answers for its own runtime, not the harness's).
 */
import type { StackVersions } from '../../../model/domain.js';
import type { LibraryDirs } from './package-location.js';
import { locateUndici } from './undici-version.js';

/** `libraryDirs`: the placement's override folders (`matrix --package`), which decide the undici version too */
export function stackVersions(cwd = process.cwd(), libraryDirs: LibraryDirs = {}): StackVersions {
  const versions: StackVersions = { node: process.versions.node, openssl: process.versions.openssl };
  const undici = locateUndici({ cwd, overrideDir: libraryDirs.undici });
  if (undici) versions.undici = undici.version;
  return versions;
}
