/**
 * The order a run starts its scenarios in, and the engine worker each file goes to.
 *
 * Verdicts depend on neither (runner.ts); wall time depends on both:
 *   - A worker builds a file's PKI (reads and parses its certificates, keys and CRLs) once, on
 *     the file's first scenario it runs. A file whose scenarios are spread over every worker is
 *     built in every worker. So each file goes to one worker.
 *   - A run lasts until its last scenario ends: a 4-second scenario started last adds 4 s to
 *     the run. So heavy files start first, and files go to workers by weight, heaviest first,
 *     each to the worker with the least so far (longest processing time first). A scenario
 *     weighs what it took in the last run (duration-history.ts), else an estimate.
 *
 * The runner keeps one queue. The order interleaves the workers' lists by planned time, so the
 * queue feeds each worker at the pace its own list needs.
 */
import type { Scenario } from '../model/domain.js';

export interface RunPlan {
  /** every scenario once, in the order to start them */
  order: Scenario[];
  /** the worker (0-based) that runs each file's scenarios, by scenario path */
  workerOfFile: ReadonlyMap<string, number>;
}

/** `scenarios` in catalogue order; `weightOf` in any unit (ms) */
export function planRun(scenarios: readonly Scenario[], workers: number, weightOf: (s: Scenario) => number): RunPlan {
  const files = heaviestFirst(groupByFile(scenarios, weightOf));
  const lists = Array.from({ length: Math.max(1, workers) }, () => ({ scenarios: [] as Weighed[], load: 0 }));
  const workerOfFile = new Map<string, number>();
  for (const file of files) {
    const lightest = lists.reduce((best, list, i) => (list.load < lists[best]!.load ? i : best), 0);
    lists[lightest]!.scenarios.push(...file.scenarios);
    lists[lightest]!.load += file.weight;
    workerOfFile.set(file.path, lightest);
  }
  return { order: interleave(lists.map((l) => l.scenarios)), workerOfFile };
}

interface Weighed {
  scenario: Scenario;
  weight: number;
}

interface FileGroup {
  path: string;
  scenarios: Weighed[];
  weight: number;
}

/** files in order of first appearance, each one's scenarios heaviest first (ties: as given) */
function groupByFile(scenarios: readonly Scenario[], weightOf: (s: Scenario) => number): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const scenario of scenarios) {
    const weight = Math.max(0, weightOf(scenario));
    let group = groups.get(scenario.path);
    if (!group) groups.set(scenario.path, (group = { path: scenario.path, scenarios: [], weight: 0 }));
    group.scenarios.push({ scenario, weight });
    group.weight += weight;
  }
  for (const group of groups.values()) group.scenarios = heaviestFirst(group.scenarios);
  return [...groups.values()];
}

/** a stable sort, heaviest first */
const heaviestFirst = <T extends { weight: number }>(items: T[]): T[] =>
  items.map((item, i) => ({ item, i })).sort((a, b) => b.item.weight - a.item.weight || a.i - b.i).map(({ item }) => item);

/** one list: always the next scenario of the list whose planned time so far is least (ties: the lower list) */
function interleave(lists: Weighed[][]): Scenario[] {
  const next = lists.map(() => 0);
  const planned = lists.map(() => 0);
  const order: Scenario[] = [];
  for (;;) {
    let pick = -1;
    for (let i = 0; i < lists.length; i++) {
      if (next[i]! < lists[i]!.length && (pick === -1 || planned[i]! < planned[pick]!)) pick = i;
    }
    if (pick === -1) return order;
    const item = lists[pick]![next[pick]!++]!;
    planned[pick] = planned[pick]! + item.weight;
    order.push(item.scenario);
  }
}
