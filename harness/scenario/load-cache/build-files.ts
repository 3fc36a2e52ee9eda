/**
 * The files whose state makes tlsgate's build identity (build-identity.ts), everything that
 * decides what loading a scenario file gives besides the file itself and the files it reads:
 *
 * - the code: every module the loader's imports reach (load-file and the cache, followed through
 *   every relative `import`, static or dynamic). tsc rewrites each file it emits (a full build
 *   all of them, --watch the changed ones), so an edit and a rebuild always change one; a module
 *   nothing imports cannot change what loading gives;
 * - the generated validators (schema/*.cjs) and package.json;
 * - the dependencies as installed: each one's package.json, and the package manager's record of
 *   the whole tree (npm's node_modules/.package-lock.json, pnpm's, yarn's), which changes when a
 *   dependency of a dependency does.
 *
 * Finding the modules reads them: done on a miss, once per process.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../model/paths.js';
import { libraryOptionsValidatorPath } from '../schema/library-options-validator.js';
import { scenarioValidatorPath } from '../schema/scenario-validator.js';

/** where the loader's imports start: the checks, and this cache */
const ROOTS = ['../load-file.js', './load-cache.js'];
/** a relative module specifier of a static or dynamic import (or export ... from) */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.\.?\/[^'"]+)['"]/g;
/** what npm, pnpm and yarn (node_modules linker) write into node_modules/ whenever they change the tree */
const TREE_RECORDS = ['.package-lock.json', '.modules.yaml', '.yarn-state.yml'];

let files: string[] | undefined;

export function buildFiles(): string[] {
  if (!files) {
    const root = packageRoot();
    files = [join(root, 'package.json'), scenarioValidatorPath(), libraryOptionsValidatorPath(), ...loaderModules(), ...installedFiles(root)];
  }
  return files;
}

/** the roots and every module their relative imports reach: `.js` in dist/, `.ts` when tsx runs the sources */
function loaderModules(): string[] {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const asRun = (path: string) => path.replace(/\.js$/, ext);
  const found = new Set<string>();
  const pending = ROOTS.map((r) => asRun(resolve(dirname(here), r)));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (found.has(file)) continue;
    found.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // a specifier in a comment that names no file: stamped `missing`, harmless
    }
    for (const m of text.matchAll(RELATIVE_IMPORT)) pending.push(asRun(resolve(dirname(file), m[1]!)));
  }
  return [...found].sort();
}

/**
 * Each dependency's package.json where Node resolves it (the first node_modules from the package
 * up), and the tree records of every node_modules on the way.
 */
function installedFiles(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const folders: string[] = [];
  for (let dir = root; ; dir = dirname(dir)) {
    folders.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) break;
  }
  const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  const dependencies = Object.keys(manifest.dependencies ?? {}).map((name) =>
    folders.map((folder) => join(folder, name, 'package.json')).find(isFile) ?? join(folders[0]!, name, 'package.json'));
  return [...dependencies, ...folders.flatMap((folder) => TREE_RECORDS.map((record) => join(folder, record)))];
}
