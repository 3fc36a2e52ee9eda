/**
 * `tlsgate run`: load, filter, run through the engine, report. Exit codes: 0 every scenario
 * passed, 1 one failed or errored (or a drift against --baseline fails the gate), 2 bad input (thrown as UsageError/ScenarioProblems),
 * 3 a bug was met (the scenario it hit ended in an internal error; everything else ran and was
 * reported), 130 interrupted.
 */
import { checkBaselineTarget } from '../../baseline/baseline-file.js';
import { BaselineGate } from '../../baseline/gate.js';
import { driftPolicy } from '../../baseline/policy.js';
import { failsGate, type DriftOutcome } from '../../baseline/render.js';
import { failureOf } from '../../baseline/snapshot.js';
import type { RunSummary, ScenarioResult } from '../../model/domain.js';
import { summarizeStack } from '../../inventory/environment.js';
import { resolve } from 'node:path';
import type { Inventory } from '../../drivers/portable/inventory/collect.js';
import { checkOutputPaths, type OutputPath } from '../../run/output-paths.js';
import { pathFrom } from '../../model/paths.js';
import { createReporter, checkTargets, loadReporters, parseReporterArg, reporterOutputPaths, type ReporterContext } from '../../run/reporters.js';
import { describeInternalError, runSuite } from '../../run/runner.js';
import { pruneCacheAfterRun } from '../cache-upkeep.js';
import { EXIT, reportContainedErrors } from '../exit.js';
import { trapInterrupts } from '../interrupt.js';
import { defaultScenarioPaths, loadSelection, type Filters } from '../selection.js';
import { projectConfig, projectKeep } from '../project-config.js';
import type { ProjectConfig } from '../../config/load-config.js';
import { defaultCacheDir, defaultCertsDir } from '../../model/paths.js';
import { DurationHistory } from '../../run/duration-history.js';
import { planRun } from '../../run/run-plan.js';

export interface RunArgs extends Filters {
  /** as given; none: the project config's, else the default ones */
  paths: string[];
  /** `NAME[:FILE]` (NAME a built-in or a module path), as given to --reporter; none: the config's, else console */
  reporters: string[];
  bail: boolean;
  timeoutMs: number;
  /** scenarios in flight; unset: 4 per CPU (engine-workers.ts) */
  concurrency?: number;
  /** worker processes the TLS ends run in; unset: one per core but one, while each gets 40 scenarios (engine-workers.ts) */
  workers?: number;
  /** --certs (or $TLSGATE_CERTS); absent: the config's, else the default */
  certsDir?: string;
  /** say which project config was used */
  verbose?: boolean;
  /** hooks for the reporters (inventory, annotation paths); defaults are derived here */
  reporterContext?: ReporterContext;
  /** --baseline FILE, --update-baseline FILE, --fail-on, --ignore, --drift-markdown FILE */
  baseline?: string;
  updateBaseline?: string;
  failOn?: string[];
  ignore?: string[];
  driftMarkdown?: string;
  /** --audit FILE: what the mock CA did, as JSON Lines */
  audit?: string;
}

export async function runCommand(given: RunArgs): Promise<number> {
  const config = await projectConfig(given.verbose ?? false);
  const args = withConfig(given, config);
  const targets = args.reporters.map(parseReporterArg);
  checkTargets(targets);
  checkOutputPaths([...reporterOutputPaths(targets), ...runOutputPaths(args)]);
  const reporterRegistry = await loadReporters(targets);
  if (args.updateBaseline !== undefined) checkBaselineTarget(args.updateBaseline);
  const inventory = lazyInventory(args.certsDir);
  const gate = await BaselineGate.prepare({
    ...(args.baseline !== undefined ? { compareWith: args.baseline } : {}),
    ...(args.updateBaseline !== undefined ? { updateFile: args.updateBaseline } : {}),
    ...(args.driftMarkdown !== undefined ? { markdownFile: args.driftMarkdown } : {}),
    policy: driftPolicy(args.failOn ?? [], args.ignore ?? []),
    partial: args.grep !== undefined || !!args.tags?.length || args.shard !== undefined,
  }, inventory);
  const selection = await loadSelection(args.paths, args);
  gate?.judgeWith(selection.scenarios);
  // the shards split the catalogue; the first also reports the baseline's scenarios it lost
  if (selection.shard?.index === 1 && args.grep === undefined && !args.tags?.length) gate?.reportRemovalsFrom(selection.catalogue);
  if (selection.scenarios.length === 0) {
    process.stderr.write(`tlsgate: shard ${args.shard} has no scenarios (fewer scenarios than shards); nothing to run\n`);
  }
  const acceptances = config?.accept.length ? await import('../../config/acceptances.js') : undefined;
  for (const a of acceptances?.unmatchedAcceptances(config!.accept, selection.foundIds) ?? []) {
    process.stderr.write(`tlsgate: warning: ${a.source}: accept ${JSON.stringify(a.scenario)} matches no scenario (see \`tlsgate list\`); remove it or fix the id\n`);
  }
  const ctx: ReporterContext = {
    annotationPath: (path) => pathFrom(resolve(path), process.env.GITHUB_WORKSPACE ?? process.cwd()),
    inventory,
    ...(gate?.comparing ? { drift: (results) => gate.evaluate(results) } : {}),
    ...args.reporterContext,
  };
  const reporters = targets.map((t) => createReporter(t, ctx, reporterRegistry));

  const { createEngineOn, defaultConcurrency, defaultWorkers } = await import('../../session/engine-workers.js');
  const workers = args.workers ?? defaultWorkers(selection.scenarios.length);
  const concurrency = args.concurrency ?? defaultConcurrency();
  const history = DurationHistory.read(defaultCacheDir());
  const plan = planRun(selection.scenarios, workers, history.weightOf);
  const audit = args.audit !== undefined ? new (await import('../../run/audit-log.js')).AuditLog(args.audit) : undefined;
  const engine = await createEngineOn(workers, {
    certsDir: args.certsDir,
    timeoutMs: args.timeoutMs,
    workerOfFile: plan.workerOfFile,
    ...(audit ? { audit: (id: string) => audit.sink(id) } : {}),
  });
  const interrupts = trapInterrupts();
  try {
    // one at a time, the order changes nothing but the output's: it stays the catalogue's
    const { summary, results, internalErrors } = await runSuite(concurrency > 1 ? plan.order : selection.scenarios, {
      execute: (s, signal) => engine.run(s, signal),
      prepare: (s) => engine.prepare(s),
      reporters,
      timeoutMs: args.timeoutMs,
      concurrency,
      bail: args.bail,
      signal: interrupts.signal,
      environment: { ...summarizeStack() },
      ...(selection.shard ? { shard: selection.shard } : {}),
      ...(acceptances ? { review: acceptances.acceptanceReview(config!.accept, { now: new Date(), node: process.versions.node }) } : {}),
    });
    if (internalErrors.length) reportContainedErrors(internalErrors.map(describeInternalError), process.stderr);
    if (summary.interrupted) return EXIT.interrupted;
    history.record(results);
    await history.write();
    await pruneCacheAfterRun(args.certsDir);
    // a verdict a bug decided is no record of how the stack behaves: the baseline is left as it was
    await gate?.finish(results, { record: internalErrors.length === 0 });
    if (internalErrors.length) {
      if (args.updateBaseline !== undefined) process.stderr.write(`tlsgate: ${args.updateBaseline} was not updated, because of the internal error\n`);
      return EXIT.internal;
    }
    const drift = await gate?.evaluate(results);
    if (args.updateBaseline !== undefined) reportRecordedFailures(args.updateBaseline, results, process.stderr);
    return runExitCode(summary, drift, args.updateBaseline !== undefined);
  } finally {
    await engine.close();
    audit?.close();
    interrupts.release();
  }
}

/**
 * Against a baseline, only the drift and failures it did not record fail the run. Recording a
 * baseline records whatever the stack does: failing scenarios do not fail it (they are listed).
 */
function runExitCode(summary: RunSummary, drift: DriftOutcome | undefined, recording: boolean): number {
  if (drift) return failsGate(drift) ? EXIT.failed : EXIT.passed;
  return !recording && summary.failed + summary.errors > 0 ? EXIT.failed : EXIT.passed;
}

function reportRecordedFailures(file: string, results: readonly ScenarioResult[], stderr: NodeJS.WritableStream): void {
  const failing = results.filter((r) => failureOf(r.verdict));
  if (failing.length === 0) return;
  const lines = failing.map((r) => `  ${r.scenario.id}: ${failureOf(r.verdict)!.join('; ')}`);
  stderr.write(`tlsgate: recorded ${failing.length} failing scenario${failing.length === 1 ? '' : 's'} in ${file}; a --baseline run passes them while they fail exactly like this:\n${lines.join('\n')}\n`);
}

/** flags win; what they leave unset comes from the project config, then the defaults */
function withConfig(args: RunArgs, config: ProjectConfig | undefined): RunArgs & { certsDir: string } {
  // recording (--update-baseline) is a mode of its own: the config's baseline is for comparing
  const baseline = args.baseline ?? (args.updateBaseline === undefined ? config?.baseline : undefined);
  const keep = config ? projectKeep(config) : undefined;
  return {
    ...args,
    paths: args.paths.length ? args.paths : config?.paths ?? defaultScenarioPaths(),
    reporters: args.reporters.length ? args.reporters : config?.reporters ?? ['console'],
    certsDir: args.certsDir ?? config?.certs ?? defaultCertsDir(),
    ...(baseline !== undefined ? { baseline } : {}),
    ...(keep ? { keep } : {}),
  };
}

/** what a run writes besides its reports */
function runOutputPaths(args: RunArgs & { certsDir: string }): OutputPath[] {
  return [
    { flag: '--certs', path: args.certsDir, kind: 'folder' },
    ...(args.updateBaseline !== undefined ? [{ flag: `--update-baseline ${args.updateBaseline}`, path: args.updateBaseline, kind: 'file' as const, suggestedName: 'tlsgate.baseline.json' }] : []),
    ...(args.driftMarkdown !== undefined ? [{ flag: `--drift-markdown ${args.driftMarkdown}`, path: args.driftMarkdown, kind: 'file' as const, suggestedName: 'tlsgate-drift.md' }] : []),
    ...(args.audit !== undefined ? [{ flag: `--audit ${args.audit}`, path: args.audit, kind: 'file' as const, suggestedName: 'tlsgate-audit.jsonl' }] : []),
  ];
}

/** the stack inventory, collected at most once and only if a reporter or the baseline wants it */
function lazyInventory(certsDir: string): () => Promise<Inventory> {
  let inventory: Promise<Inventory> | undefined;
  return () => {
    inventory ??= import('./inventory.js').then((m) => m.gatherInventory(certsDir));
    return inventory;
  };
}
