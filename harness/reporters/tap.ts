/**
 * TAP 14 (testanything.org/tap-version-14-specification.html): a version line, the plan, one
 * test point per scenario in catalogue order, a YAML diagnostic block under each failure, and
 * `Bail out!` when the run was interrupted. An accepted failure is `not ok ... # TODO accepted:
 * <reason>`: TAP's own word for a known failure that does not fail the suite.
 */
import { createRequire } from 'node:module';
import type { RunSummary, ScenarioResult } from '../model/domain.js';
import type { Reporter } from './types.js';
import { formatObservation } from '../model/observation-text.js';
import { formatValue, headline } from './format.js';
import { acceptanceText, isAccepted } from '../model/acceptance.js';

// loaded with the first diagnostic block: yaml is 72 modules (~45 ms), and most runs write no TAP
let yaml: typeof import('yaml') | undefined;
const yamlModule = () => (yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
import type { Output } from './output.js';

export function tapReporter(out: Output): Reporter {
  return {
    name: 'tap',
    async onEnd(summary, results) {
      out.write(buildTap(summary, results));
      await out.close();
    },
  };
}

export function buildTap(summary: RunSummary, results: readonly ScenarioResult[]): string {
  const lines = ['TAP version 14', `1..${results.length}`];
  results.forEach((r, i) => lines.push(...testPoint(r, i + 1)));
  if (summary.interrupted) lines.push(`Bail out! interrupted after ${results.length} scenarios`);
  return lines.join('\n') + '\n';
}

function testPoint(r: ScenarioResult, n: number): string[] {
  const description = escapeDescription(`${r.scenario.file}: ${r.scenario.name}`);
  const v = r.verdict;
  switch (v.status) {
    case 'passed': return [`ok ${n} - ${description}`];
    case 'skipped': return [`ok ${n} - ${description} # SKIP ${escapeDirective(v.reason)}`];
    case 'failed':
      if (isAccepted(r)) return [`not ok ${n} - ${description} # TODO accepted: ${escapeDirective(r.acceptance!.reason)}`, ...yamlBlock(diagnostics(r))];
      return [`not ok ${n} - ${description}`, ...yamlBlock(diagnostics(r))];
    case 'error': return [`not ok ${n} - ${description}`, ...yamlBlock(diagnostics(r))];
  }
}

function diagnostics(r: ScenarioResult): Record<string, unknown> {
  const v = r.verdict;
  return {
    message: headline(r),
    severity: v.status === 'error' ? 'error' : isAccepted(r) ? 'todo' : 'fail',
    ...(r.acceptance ? { acceptance: acceptanceText(r) } : {}),
    at: { file: r.scenario.path, line: r.scenario.line },
    ...(v.status === 'failed'
      ? { mismatches: v.mismatches.map((m) => ({ field: m.field, expected: formatValue(m.expected), got: formatValue(m.actual) })) }
      : {}),
    ...(r.observations.length ? { observed: r.observations.map(formatObservation) } : {}),
    duration_ms: r.durationMs,
  };
}

/** the spec: a YAML block is indented two spaces more than its test point, between `---` and `...` */
function yamlBlock(data: Record<string, unknown>): string[] {
  const body = yamlModule().stringify(data, { lineWidth: 0 }).trimEnd().split('\n');
  return ['  ---', ...body.map((l) => `  ${l}`), '  ...'];
}

/** `#` starts a directive and `\` escapes: both are escaped in descriptions; no line breaks */
const escapeDescription = (s: string): string => s.replace(/\\/g, '\\\\').replace(/#/g, '\\#').replace(/[\r\n]+/g, ' ');

const escapeDirective = (s: string): string => s.replace(/[\r\n]+/g, ' ');
