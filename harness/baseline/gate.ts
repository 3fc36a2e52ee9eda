/**
 * The baseline side of `tlsgate run`: read the baseline before anything runs (a bad file is
 * bad input, exit 2), compare once the results are in (once, however many reporters ask),
 * record the new baseline, and write the Markdown drift report.
 */
import { existsSync } from 'node:fs';
import { PUBLIC_FILE, writeFileAtomic } from '../../ca/issue/atomic-file.js';
import type { Inventory } from '../drivers/portable/inventory/collect.js';
import type { Scenario, ScenarioResult } from '../model/domain.js';
import { readBaseline, writeBaseline } from './baseline-file.js';
import { declaringScenarios, type DeclaringScenarios } from './declarations.js';
import { acceptedScenarios, markAcceptedFailures } from './accepted-drift.js';
import { failuresAgainst } from './failures.js';
import { fatalChanges, type DriftPolicy } from './policy.js';
import { renderDriftMarkdown, type DriftOutcome } from './render.js';
import { reportedDrift } from './reported-drift.js';
import { baselineOf, type Baseline } from './snapshot.js';

export interface BaselineArgs {
  /** --baseline FILE: compare against it */
  compareWith?: string;
  /** --update-baseline FILE: record this run */
  updateFile?: string;
  /** --drift-markdown FILE */
  markdownFile?: string;
  policy: DriftPolicy;
  /** only part of the catalogue runs (filters): missing scenarios are not "removed", and an update merges */
  partial: boolean;
}

export class BaselineGate {
  private outcome: Promise<DriftOutcome | undefined> | undefined;
  /** the catalogue's ids, when this run reports the scenarios it lost (see scopeTo) */
  private catalogue: readonly string[] | undefined;
  /** the scenarios that run, whose `stacks` declare differences from the baseline's stack */
  private scenarios: DeclaringScenarios = new Map();

  private constructor(
    private readonly args: BaselineArgs,
    private readonly before: Baseline | undefined,
    private readonly inventory: () => Promise<Inventory>,
  ) {}

  /** undefined when no baseline flag was given */
  static async prepare(args: BaselineArgs, inventory: () => Promise<Inventory>): Promise<BaselineGate | undefined> {
    if (!args.compareWith && !args.updateFile) return undefined;
    const before = args.compareWith ? await readBaseline(args.compareWith) : undefined;
    // an update of part of the catalogue keeps the rest of the file: read it now, fail early
    if (args.updateFile && args.partial && args.updateFile !== args.compareWith) await readIfPresent(args.updateFile);
    return new BaselineGate(args, before, inventory);
  }

  get comparing(): boolean {
    return this.before !== undefined;
  }

  /**
   * A partial run compares only its own scenarios. Given the catalogue's ids, it also reports
   * the baseline's scenarios that are gone from the catalogue (for shard 1 of an unfiltered
   * sharded run: the shards' drifts then add up to the unsharded run's).
   */
  reportRemovalsFrom(catalogue: readonly string[]): void {
    this.catalogue = catalogue;
  }

  /** the scenarios as they are now: their `stacks` entries may declare a difference from the baseline's stack */
  judgeWith(scenarios: readonly Scenario[]): void {
    this.scenarios = declaringScenarios(scenarios);
  }

  /** the drift against --baseline (computed once), or undefined without one */
  evaluate(results: readonly ScenarioResult[]): Promise<DriftOutcome | undefined> {
    this.outcome ??= this.compare(results);
    return this.outcome;
  }

  private async compare(results: readonly ScenarioResult[]): Promise<DriftOutcome | undefined> {
    if (!this.before || !this.args.compareWith) return undefined;
    const after = baselineOf(results, await this.inventory());
    const accepted = acceptedScenarios(results);
    const drift = reportedDrift(this.before, after, {
      scenarios: this.scenarios, accepted, partial: this.args.partial, ...(this.catalogue ? { catalogue: this.catalogue } : {}),
    });
    const failures = markAcceptedFailures(failuresAgainst(this.before, results), accepted);
    return { against: this.args.compareWith, drift, policy: this.args.policy, fatal: fatalChanges(drift, this.args.policy), failures };
  }

  /** after the run: the new baseline (unless told not to record) and the Markdown report, as asked */
  async finish(results: readonly ScenarioResult[], opts: { record?: boolean } = {}): Promise<void> {
    const outcome = await this.evaluate(results);
    if (outcome && this.args.markdownFile) {
      await writeFileAtomic(this.args.markdownFile, renderDriftMarkdown(outcome.drift, outcome.policy, `tlsgate drift against ${outcome.against}`, '##', { failures: outcome.failures }), PUBLIC_FILE);
    }
    if (this.args.updateFile && opts.record !== false) await this.record(this.args.updateFile, results);
  }

  private async record(file: string, results: readonly ScenarioResult[]): Promise<void> {
    const now = baselineOf(results, await this.inventory());
    const kept = this.args.partial ? (file === this.args.compareWith ? this.before : await readIfPresent(file)) : undefined;
    await writeBaseline(file, kept ? { ...now, scenarios: { ...kept.scenarios, ...now.scenarios } } : now);
  }
}

async function readIfPresent(file: string): Promise<Baseline | undefined> {
  return existsSync(file) ? readBaseline(file) : undefined;
}
