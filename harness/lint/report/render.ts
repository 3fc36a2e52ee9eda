/** The lint's reporters by name: what `--reporter NAME[:FILE]` of `tlsgate lint` may name. */
import { renderLintConsole } from './console.js';
import { renderLintAnnotations } from './github.js';
import { renderLintJson } from './json.js';
import { renderLintJunit } from './junit.js';
import type { LintReport } from '../findings.js';

export const LINT_REPORTERS = {
  console: renderLintConsole,
  json: renderLintJson,
  junit: renderLintJunit,
  github: (report: LintReport) => renderLintAnnotations(report),
} as const;

export type LintReporterName = keyof typeof LINT_REPORTERS;

export const isLintReporter = (name: string): name is LintReporterName => Object.hasOwn(LINT_REPORTERS, name);
