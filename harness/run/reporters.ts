/**
 * Reporters by name: `--reporter NAME[:FILE]` becomes a ReporterTarget, and a target a Reporter
 * writing to its file, or to stdout when it has none. Built-ins are entries in a registry
 * (name -> factory); a NAME that is a module path adds a plug-in's factory (plugin.ts).
 */
import { join } from 'node:path';
import { UsageError } from '../model/errors.js';
import type { OutputPath } from './output-paths.js';
import { consoleOptionsFor, consoleReporter } from '../reporters/console.js';
import { githubReporter } from '../reporters/github.js';
import { HTML_REPORT_FILE, htmlReporter } from '../reporters/html.js';
import { jsonReporter } from '../reporters/json.js';
import { junitReporter } from '../reporters/junit.js';
import { fileOutput, streamOutput, type Output } from '../reporters/output.js';
import { importReporterFactory, isReporterModulePath } from '../reporters/plugin.js';
import { tapReporter } from '../reporters/tap.js';
import type { Reporter, ReporterContext, ReporterFactory, ReporterTarget } from '../reporters/types.js';

export type { ReporterContext, ReporterFactory } from '../reporters/types.js';

interface BuiltinReporter {
  factory: ReporterFactory;
  /** for the file name suggested when a path given is a folder */
  extension: string;
  /** the reporter writes this file inside the folder the user names (`html:DIR`), not the path itself */
  fileInFolder?: string;
}

const BUILTIN_REPORTERS: ReadonlyMap<string, BuiltinReporter> = new Map<string, BuiltinReporter>([
  ['console', { extension: 'txt', factory: (out, ctx) => consoleReporter(out, { ...consoleOptionsFor(out, ctx.env), ...(ctx.drift ? { drift: ctx.drift } : {}) }) }],
  ['json', { extension: 'json', factory: (out, ctx) => jsonReporter(out, { ...(ctx.inventory ? { inventory: ctx.inventory } : {}), ...(ctx.drift ? { drift: ctx.drift } : {}) }) }],
  ['junit', { extension: 'xml', factory: (out) => junitReporter(out) }],
  ['tap', { extension: 'tap', factory: (out) => tapReporter(out) }],
  ['github', { extension: 'txt', factory: (out, ctx) => githubReporter(out, {
    ...(ctx.env.GITHUB_STEP_SUMMARY ? { stepSummaryFile: ctx.env.GITHUB_STEP_SUMMARY } : {}),
    ...(ctx.annotationPath ? { annotationPath: ctx.annotationPath } : {}),
    ...(ctx.drift ? { drift: ctx.drift } : {}),
  }) }],
  ['html', { extension: 'html', fileInFolder: HTML_REPORT_FILE, factory: (out, ctx) => htmlReporter(out, ctx.drift ? { drift: ctx.drift } : {}) }],
]);

export const REPORTER_NAMES: readonly string[] = [...BUILTIN_REPORTERS.keys()];

/** every reporter a run may create: the built-ins, plus the plug-in modules its targets name */
export type ReporterRegistry = ReadonlyMap<string, ReporterFactory>;

const BUILTIN_REGISTRY: ReporterRegistry = new Map([...BUILTIN_REPORTERS].map(([name, r]) => [name, r.factory]));

/** `json` → stdout; `json:out/report.json` → that file (everything after the first `:`); `./mine.mjs[:FILE]` → a plug-in */
export function parseReporterArg(arg: string): ReporterTarget {
  return splitReporterArg(arg, (name): name is string => BUILTIN_REPORTERS.has(name) || isReporterModulePath(name),
    (name) => `unknown reporter '${name}' in --reporter ${arg}; use one of: ${REPORTER_NAMES.join(', ')} (optionally NAME:FILE), or a module path such as ./my-reporter.mjs`);
}

/** `NAME[:FILE]` whose NAME is `known` (else bad input, saying `unknown(name)`); `tlsgate lint` reads its --reporter so too */
export function splitReporterArg<Name extends string>(
  arg: string, known: (name: string) => name is Name, unknown: (name: string) => string,
): { name: Name; file?: string } {
  const colon = arg.indexOf(':');
  const name = (colon < 0 ? arg : arg.slice(0, colon)).trim();
  const file = colon < 0 ? undefined : arg.slice(colon + 1).trim();
  if (!known(name)) throw new UsageError(unknown(name));
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
  targets.flatMap((t) => (t.file === undefined ? [] : [BUILTIN_REPORTERS.get(t.name)?.fileInFolder === undefined ? {
    flag: `--reporter ${t.name}:${t.file}`, path: t.file, kind: 'file' as const, suggestedName: `tlsgate.${BUILTIN_REPORTERS.get(t.name)?.extension ?? 'out'}`,
  } : { flag: `--reporter ${t.name}:${t.file}`, path: t.file, kind: 'folder' as const }]));

/** imports the plug-in modules the targets name (before anything runs: a bad one is exit 2) */
export async function loadReporters(targets: readonly ReporterTarget[], cwd = process.cwd()): Promise<ReporterRegistry> {
  const registry = new Map(BUILTIN_REGISTRY);
  for (const { name } of targets) {
    if (!registry.has(name)) registry.set(name, await importReporterFactory(name, cwd));
  }
  return registry;
}

export function createReporter(target: ReporterTarget, ctx: ReporterContext = {}, registry: ReporterRegistry = BUILTIN_REGISTRY): Reporter {
  const factory = registry.get(target.name);
  if (!factory) throw new UsageError(`unknown reporter '${target.name}'; use one of: ${REPORTER_NAMES.join(', ')}, or a module path loaded with loadReporters`);
  const inFolder = BUILTIN_REPORTERS.get(target.name)?.fileInFolder;
  const out: Output = target.file === undefined ? streamOutput(ctx.stdout ?? process.stdout) : fileOutput(inFolder ? join(target.file, inFolder) : target.file);
  return factory(out, { ...ctx, env: ctx.env ?? process.env });
}
