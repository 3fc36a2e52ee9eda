/**
 * A JSON report read back (for `tlsgate merge-reports`): checked against the report's schema,
 * then turned into the results and drift the reporters take, so a merged run is reported by the
 * same code as a live one. What is not a report is bad input naming the file.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { UsageError } from '../model/errors.js';
import type { Observation, ScenarioResult, Verdict } from '../model/domain.js';
import { KEY_FIELDS } from '../model/observation-text.js';
import type { JsonReport, ReportObservation, ReportResult } from './json.js';
import { reportSchemaDocument } from './report-format.js';

export interface ReadReport {
  file: string;
  report: JsonReport;
  results: ScenarioResult[];
}

let validator: ReturnType<Ajv['compile']> | undefined;

export async function readJsonReport(file: string): Promise<ReadReport> {
  const notReport = (why: string) => new UsageError(`${file}: not a tlsgate JSON report (${why}); give the files written by \`tlsgate run --reporter json:FILE\``);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw err instanceof SyntaxError ? notReport(`not JSON: ${err.message}`) : new UsageError(`${file}: cannot read it (${(err as Error).message})`);
  }
  validator ??= new Ajv({ strict: false, allErrors: false }).compile(reportSchemaDocument());
  if (!validator(parsed)) {
    const e = validator.errors?.[0];
    throw notReport(e ? `${e.instancePath || 'top level'} ${e.message ?? 'is invalid'}` : 'invalid');
  }
  const report = parsed as JsonReport;
  return { file, report, results: report.results.map(resultOf) };
}

function resultOf(r: ReportResult): ScenarioResult {
  return {
    scenario: { id: r.id, name: r.name, file: r.file, path: r.path, line: r.line, ...(r.column !== undefined ? { column: r.column } : {}), tags: r.tags, ...(r.caveats ? { caveats: r.caveats } : {}) },
    observations: r.observations.map(observationOf),
    verdict: verdictOf(r),
    durationMs: r.durationMs,
    ...(r.acceptance ? { acceptance: r.acceptance } : {}),
  };
}

function verdictOf(r: ReportResult): Verdict {
  const message = r.message ?? '';
  switch (r.status) {
    case 'passed': return { status: 'passed' };
    // an accepted failure is still a failure; the acceptance rides on the result
    case 'failed':
    case 'accepted': return { status: 'failed', message, mismatches: r.mismatches ?? [] };
    case 'error': return { status: 'error', message };
    case 'skipped': return { status: 'skipped', reason: message };
  }
}

/** the report says null where the observation had nothing: back to absent */
function observationOf(o: ReportObservation): Observation {
  const copy: Record<string, unknown> = { ...o };
  for (const k of KEY_FIELDS) if (copy[k] === null) delete copy[k];
  return copy as unknown as Observation;
}

