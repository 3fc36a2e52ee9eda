/**
 * Loading scenario files and folders: every file's scenarios, or every problem found in them.
 * A caller that gets any problem runs nothing (a gate that runs half its scenarios is not one).
 */
import { errorMessage } from '../model/errors.js';
import type { Scenario } from '../model/domain.js';
import { defaultLoadCacheDir } from '../model/paths.js';
import { findScenarioFiles, type ScenarioFileRef } from './find-files.js';
import type { FileResult } from './load-file.js';
import { defaultLoadCache, type LoadCache } from './load-cache/load-cache.js';
import type { ScenarioProblem } from './problems.js';
import { quote } from './quote.js';
import { readSourceBytes } from './yaml/read-source.js';

export interface Catalogue {
  /** the files read, as shown in problems */
  files: string[];
  /** in the order found: paths as given, files sorted within a folder, scenarios in file order */
  scenarios: Scenario[];
  problems: ScenarioProblem[];
}

export interface LoadOptions {
  /** where checked files are kept (load-cache/); default: `loaded/` in the cache folder, none with TLSGATE_NO_LOAD_CACHE=1; null: none */
  cache?: LoadCache | null;
}

export async function loadScenarios(paths: string[], opts: LoadOptions = {}): Promise<{ scenarios: Scenario[]; problems: ScenarioProblem[] }> {
  const { scenarios, problems } = await loadCatalogue(paths, opts);
  return { scenarios, problems };
}

export async function loadCatalogue(paths: readonly string[], opts: LoadOptions = {}): Promise<Catalogue> {
  const found = findScenarioFiles(paths);
  const cache = opts.cache === undefined ? defaultLoadCache(defaultLoadCacheDir()) : opts.cache ?? undefined;
  const scenarios: Scenario[] = [];
  const problems = [...found.problems];
  const origins = new Map<Scenario, Origin>();
  // a few files started ahead while one is taken: a check waits on imports and on the cache's
  // writes, which left a loader of many small files mostly idle; a few, as each may hold 5 MB of text
  const results = inOrderAhead(found.files, READ_AHEAD, (ref) => loadGuarded(ref, cache));
  for (const [i, ref] of found.files.entries()) {
    const result = await results(i);
    problems.push(...result.problems);
    scenarios.push(...result.scenarios);
    result.scenarios.forEach((s, index) => origins.set(s, { shown: ref.shown, index }));
  }
  problems.push(...duplicateIds(scenarios, origins));
  await cache?.settled();
  return { files: found.files.map((f) => f.shown), scenarios: problems.length > 0 ? [] : scenarios, problems };
}

const READ_AHEAD = 8;

/**
 * `work` over the items, at most `ahead` started and not yet taken; `take(i)` gives item i's
 * result (taken in order, each once), so the results keep the items' order.
 */
function inOrderAhead<T, R>(items: readonly T[], ahead: number, work: (item: T) => Promise<R>): (i: number) => Promise<R> {
  const started: Array<Promise<R>> = [];
  const startUpTo = (n: number) => {
    while (started.length < Math.min(n, items.length)) started.push(work(items[started.length]!));
  };
  return async (i) => {
    startUpTo(i + ahead);
    return started[i]!;
  };
}

/**
 * Every check is written not to throw on any input; should one still do (a bug, or a library's
 * edge case), the user gets a problem naming the file instead of a stack, and the other files
 * are still checked.
 */
async function loadGuarded(ref: ScenarioFileRef, cache: LoadCache | undefined): Promise<FileResult> {
  try {
    const read = readSourceBytes(ref.absolute);
    // the checks (YAML, schema, PEM parsers) are imported only when a file is not in the cache
    const check = async () => (await import('./load-file.js')).checkScenarioFile(ref, read);
    return cache ? await cache.load(ref, read.bytes, check) : await check();
  } catch (err) {
    const message = `tlsgate could not check this file: ${errorMessage(err)}`;
    return { scenarios: [], problems: [{ file: ref.shown, line: 1, column: 1, path: '', message, hint: 'this is a bug in tlsgate; please report it with this file' }] };
  }
}

/**
 * Ids are `<file relative to its folder>#<name>`: two folders given with the same layout (the
 * built-in catalogue and ./scenarios, say) can collide, and then a report, a baseline or
 * `tlsgate certs` could not tell the two apart.
 */
function duplicateIds(scenarios: readonly Scenario[], origins: ReadonlyMap<Scenario, Origin>): ScenarioProblem[] {
  const first = new Map<string, Scenario>();
  const problems: ScenarioProblem[] = [];
  for (const s of scenarios) {
    const earlier = first.get(s.id);
    if (!earlier) {
      first.set(s.id, s);
      continue;
    }
    const origin = origins.get(s)!;
    problems.push({
      file: origin.shown, line: s.line, column: s.column, path: `scenarios[${origin.index}].name`,
      message: `scenario id ${quote(s.id)} is taken by ${origins.get(earlier)!.shown}:${earlier.line}`,
      hint: 'ids are <file relative to the folder given>#<name>: rename this file or scenario',
    });
  }
  return problems;
}

/** where a scenario was read: for problems that involve two files */
interface Origin {
  shown: string;
  index: number;
}
