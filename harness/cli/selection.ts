/**
 * What `run` and `list` share: which paths to scan by default, and loading + filtering the
 * scenarios there. Scenario file problems are bad input: every one is printed, nothing runs.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../model/domain.js';
import { builtinScenariosDir } from '../model/paths.js';
import { errorMessage, UsageError } from '../model/errors.js';

export interface Filters {
  grep?: string;
  tags?: string[];
  /** `i/n` as given on the command line */
  shard?: string;
  /** the project config's include/exclude (applied before --grep, --tag and --shard) */
  keep?: (s: Scenario) => boolean;
}

export interface Selection {
  /** the scenarios to run or list, in catalogue order */
  scenarios: Scenario[];
  shard?: { index: number; count: number };
  /** the id of every scenario found, selected or not (a shard's baseline comparison needs them) */
  catalogue: string[];
  /** the ids of every scenario found, before any filter */
  foundIds: string[];
}

/** the built-in catalogue, plus ./scenarios when it exists and is another folder */
export function defaultScenarioPaths(cwd = process.cwd()): string[] {
  const builtin = builtinScenariosDir();
  const local = join(cwd, 'scenarios');
  if (!existsSync(local) || sameFolder(local, builtin)) return [builtin];
  return [builtin, local];
}

function sameFolder(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** the paths the user gave, or the default ones */
export const scenarioPaths = (given: readonly string[] | undefined): string[] =>
  given && given.length > 0 ? [...given] : defaultScenarioPaths();

type LoaderModules = Promise<[typeof import('../scenario/load.js'), typeof import('../scenario/problems.js'), typeof import('../scenario/select.js')]>;

let loaderModules: LoaderModules | undefined;

/**
 * The scenario loader's modules, imported once. A command may start this before it needs them
 * (list, while it looks for the project config): a start is mostly modules loading one after another.
 */
export function importLoader(): LoaderModules {
  loaderModules ??= Promise.all([import('../scenario/load.js'), import('../scenario/problems.js'), import('../scenario/select.js')]);
  loaderModules.catch(() => undefined); // awaited by loadSelection, which reports a failure
  return loaderModules;
}

/** loaded and filtered; throws ScenarioProblems (exit 2) or UsageError (exit 2) */
export async function loadSelection(paths: readonly string[], filters: Filters): Promise<Selection> {
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  }
  const [{ loadScenarios }, { formatProblem }, select] = await importLoader();
  const { scenarios: found, problems } = await loadScenarios([...paths]);
  if (problems.length > 0) throw new ScenarioProblems(problems.map((p) => formatProblem(p)));
  const scenarios = filters.keep ? found.filter(filters.keep) : found;

  const shard = filters.shard === undefined ? undefined : parseShardArg(select.parseShard, filters.shard);
  const criteria = { grep: filters.grep, tags: filters.tags?.length ? filters.tags : undefined };
  const matching = select.selectScenarios(scenarios, criteria);
  if (matching.length === 0 && (criteria.grep !== undefined || criteria.tags)) {
    throw new UsageError(`no scenario matches ${describeFilters(filters)} (of ${scenarios.length} found; see \`tlsgate list\`)`);
  }
  const selected = shard ? select.selectScenarios(scenarios, { ...criteria, shard }) : matching;
  return { scenarios: selected, ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}), catalogue: scenarios.map((s) => s.id), foundIds: found.map((s) => s.id) };
}

function parseShardArg<T>(parse: (text: string) => T, text: string): T {
  try {
    return parse(text);
  } catch (err) {
    throw new UsageError(`--shard ${text}: ${errorMessage(err)}`);
  }
}

function describeFilters(f: Filters): string {
  const parts = [
    f.grep !== undefined ? `--grep ${JSON.stringify(f.grep)}` : undefined,
    ...(f.tags ?? []).map((t) => `--tag ${t}`),
  ].filter(Boolean);
  return parts.join(' ');
}

/** scenario files (or the project config) did not validate: each entry is one formatted problem */
export class ScenarioProblems extends Error {
  override readonly name = 'ScenarioProblems';
  constructor(readonly problems: string[], where = 'scenario files') {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${where}`);
  }
}
