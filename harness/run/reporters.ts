/**
 * Reporters by name: `--reporter NAME[:FILE]` becomes a ReporterTarget, and a target a Reporter
 * writing to its file, or to stdout when it has none.
 */
import type { DriftOutcome } from '../baseline/render.js';
import { UsageError } from '../model/errors.js';
import type { ScenarioResult } from '../model/domain.js';
import type { OutputPath } from './output-paths.js';
import { consoleOptionsFor, consoleReporter } from '../reporters/console.js';
import { githubReporter } from '../reporters/github.js';
import { jsonReporter } from '../reporters/json.js';
import { junitReporter } from '../reporters/junit.js';
import { fileOutput, streamOutput, type Output } from '../reporters/output.js';
import { tapReporter } from '../reporters/tap.js';
import type { Reporter, ReporterTarget } from '../reporters/types.js';

export const REPORTER_NAMES = ['console', 'json', 'junit', 'tap', 'github'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

const isReporterName = (name: string): name is ReporterName => (REPORTER_NAMES as readonly string[]).includes(name);

/** `json` → stdout; `json:out/report.json` → that file (everything after the first `:`) */
export function parseReporterArg(arg: string): ReporterTarget {
  const colon = arg.indexOf(':');
  const name = (colon < 0 ? arg : arg.slice(0, colon)).trim();
  const file = colon < 0 ? undefined : arg.slice(colon + 1).trim();
  if (!isReporterName(name)) {
    throw new UsageError(`unknown reporter '${name}' in --reporter ${arg}; use one of: ${REPORTER_NAMES.join(', ')} (optionally NAME:FILE)`);
  }
  if (file === '') throw new UsageError(`--reporter ${arg}: the file after ':' is empty; write ${name}:FILE, or just ${name} for stdout`);
  return file === undefined ? { name } : { name, file };
}

/** two reporters cannot share stdout (their output would interleave); files: see reporterOutputPaths */
export function checkTargets(targets: readonly ReporterTarget[]): void {
  const onStdout = targets.filter((t) => t.file === undefined).map((t) => t.name);
  if (onStdout.length > 1) {
    throw new UsageError(`reporters ${onStdout.join(' and ')} would both write to stdout; give all but one a file, e.g. --reporter ${onStdout[1]}:tlsgate-${onStdout[1]}.out`);
  }
}

/** the reporters' files, for checkOutputPaths (which also refuses two on one path) */
export const reporterOutputPaths = (targets: readonly ReporterTarget[]): OutputPath[] =>
  targets.flatMap((t) => (t.file === undefined ? [] : [{
    flag: `--reporter ${t.name}:${t.file}`, path: t.file, kind: 'file' as const, suggestedName: `tlsgate.${REPORT_EXTENSIONS[t.name as ReporterName] ?? 'out'}`,
  }]));

const REPORT_EXTENSIONS: Record<ReporterName, string> = { console: 'txt', json: 'json', junit: 'xml', tap: 'tap', github: 'txt' };

export interface ReporterContext {
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** for the json report's `inventory` field; collected only if a json reporter ends */
  inventory?: () => unknown | Promise<unknown>;
  /** maps a scenario's `path` (from the working directory) to one from the repository root, for GitHub annotations */
  annotationPath?: (path: string) => string;
  /** the drift against --baseline, for the console, json and github reporters (computed once) */
  drift?: (results: readonly ScenarioResult[]) => Promise<DriftOutcome | undefined>;
}

export function createReporter(target: ReporterTarget, ctx: ReporterContext = {}): Reporter {
  const out: Output = target.file === undefined ? streamOutput(ctx.stdout ?? process.stdout) : fileOutput(target.file);
  const env = ctx.env ?? process.env;
  if (!isReporterName(target.name)) throw new UsageError(`unknown reporter '${target.name}'; use one of: ${REPORTER_NAMES.join(', ')}`);
  switch (target.name) {
    case 'console': return consoleReporter(out, { ...consoleOptionsFor(out, env), ...(ctx.drift ? { drift: ctx.drift } : {}) });
    case 'json': return jsonReporter(out, { ...(ctx.inventory ? { inventory: ctx.inventory } : {}), ...(ctx.drift ? { drift: ctx.drift } : {}) });
    case 'junit': return junitReporter(out);
    case 'tap': return tapReporter(out);
    case 'github': return githubReporter(out, {
      ...(env.GITHUB_STEP_SUMMARY ? { stepSummaryFile: env.GITHUB_STEP_SUMMARY } : {}),
      ...(ctx.annotationPath ? { annotationPath: ctx.annotationPath } : {}),
      ...(ctx.drift ? { drift: ctx.drift } : {}),
    });
  }
}
