/**
 * `tlsgate merge-reports DIR`: the JSON reports of a sharded run (every `*.json` in DIR) joined
 * into one run and reported by any reporters, as if one run had produced it. Exit codes as
 * `tlsgate run`: 0 passed (or, with a drift, the gate holds), 1 failed, 2 bad input, 3 a
 * reporter met a bug.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { failsGate, renderDriftMarkdown } from '../../baseline/render.js';
import { PUBLIC_FILE, writeFileAtomic } from '../../../ca/issue/atomic-file.js';
import { UsageError } from '../../model/errors.js';
import { pathFrom } from '../../model/paths.js';
import { readJsonReport } from '../../reporters/report-reader.js';
import { mergeReports } from '../../run/merge.js';
import { checkOutputPaths } from '../../run/output-paths.js';
import { checkTargets, createReporter, loadReporters, parseReporterArg, reporterOutputPaths } from '../../run/reporters.js';
import { describeInternalError, replayResults } from '../../run/runner.js';
import { EXIT, reportContainedErrors } from '../exit.js';

export interface MergeReportsArgs {
  dir: string;
  reporters: string[];
  driftMarkdown?: string;
}

export async function mergeReportsCommand(args: MergeReportsArgs): Promise<number> {
  const targets = args.reporters.map(parseReporterArg);
  checkTargets(targets);
  const files = reportFiles(args.dir);
  const markdown = args.driftMarkdown === undefined ? [] : [{ flag: `--drift-markdown ${args.driftMarkdown}`, path: args.driftMarkdown, kind: 'file' as const, suggestedName: 'tlsgate-drift.md' }];
  const outputs = [...reporterOutputPaths(targets), ...markdown];
  checkOutputPaths(outputs);
  const inputs = new Set(files.map((f) => resolve(f)));
  const clash = outputs.find((o) => inputs.has(resolve(o.path)));
  if (clash) throw new UsageError(`${clash.flag}: ${clash.path} is one of the reports being merged; write the merged report outside ${args.dir}`);
  const registry = await loadReporters(targets);
  const merged = mergeReports(await Promise.all(files.map(readJsonReport)));
  const drift = merged.drift;
  const reporters = targets.map((t) => createReporter(t, {
    annotationPath: (path) => pathFrom(resolve(path), process.env.GITHUB_WORKSPACE ?? process.cwd()),
    ...(merged.inventory !== undefined ? { inventory: () => merged.inventory } : {}),
    ...(drift ? { drift: () => Promise.resolve(drift) } : {}),
  }, registry));
  const faults = await replayResults(reporters, merged.run, merged.summary, merged.results);
  if (drift && args.driftMarkdown !== undefined) {
    await writeFileAtomic(args.driftMarkdown, renderDriftMarkdown(drift.drift, drift.policy, `tlsgate drift against ${drift.against}`, '##', { failures: drift.failures }), PUBLIC_FILE);
  }
  if (faults.length) {
    reportContainedErrors(faults.map(describeInternalError), process.stderr);
    return EXIT.internal;
  }
  if (drift) return failsGate(drift) ? EXIT.failed : EXIT.passed;
  return merged.summary.failed + merged.summary.errors > 0 ? EXIT.failed : EXIT.passed;
}

/** every `*.json` file in the folder, sorted; none is bad input */
function reportFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`merge-reports ${dir}: not a folder; give the folder holding the shards' JSON reports`);
    names = readdirSync(dir);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`merge-reports ${dir}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give the folder holding the shards' JSON reports`);
  }
  const files = names.filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));
  if (files.length === 0) throw new UsageError(`merge-reports ${dir}: no .json files in it; write each shard's report with \`tlsgate run --shard i/n --reporter json:${join(dir, 'shard-i.json')}\``);
  return files;
}
