/**
 * JUnit XML, the format every CI server reads. One <testsuite> per scenario file, one <testcase>
 * per scenario with `file` and `line` pointing into its YAML (GitLab and Jenkins link to them).
 * Checked against test/fixtures/junit.xsd (Jenkins' JUnit schema plus testcase file/line).
 * An interrupted run ends with one more suite, `tlsgate run`, holding an errored testcase `run
 * interrupted`: CI servers show error counts and testcases, not properties, so that is where a
 * run that stopped early must say so.
 * An accepted failure (a project acceptance covers it) is a <skipped> testcase whose message
 * starts `ACCEPTED:` with the reason (Jenkins, GitLab and GitHub test reports list skipped
 * tests with their message and do not fail on them), and the failure itself in <system-out>.
 */
import { createRequire } from 'node:module';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { RunSummary, ScenarioResult } from '../model/domain.js';
import type { Reporter, RunInfo } from './types.js';
import { collapseLineBreaks, failureDetails } from './format.js';
import { isAccepted, reportedStatus } from '../model/acceptance.js';
import type { Output } from './output.js';

export function junitReporter(out: Output): Reporter {
  let run: RunInfo | undefined;
  return {
    name: 'junit',
    onBegin: (info) => { run = info; },
    async onEnd(summary, results) {
      out.write(buildJunitXml(run, summary, results));
      await out.close();
    },
  };
}

/** xmlbuilder2, loaded on the first report built: every run imports this module, few write JUnit (70 ms a start) */
let xml: typeof import('xmlbuilder2') | undefined;
const xmlBuilder = () => (xml ??= createRequire(import.meta.url)('xmlbuilder2') as typeof import('xmlbuilder2'));

export function buildJunitXml(run: RunInfo | undefined, summary: RunSummary, results: readonly ScenarioResult[]): string {
  const doc = xmlBuilder().create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const interruption = summary.interrupted ? 1 : 0;
  const root = doc.ele('testsuites', {
    name: 'tlsgate',
    tests: String(summary.total + interruption),
    failures: String(summary.failed),
    errors: String(summary.errors + interruption),
    skipped: String(summary.skipped + summary.accepted),
    time: seconds(summary.durationMs),
  });
  const startedAt = run?.startedAt ?? new Date();
  for (const [file, cases] of byFile(results)) {
    addSuite(root, file, cases, { startedAt, environment: run?.environment ?? {}, interrupted: summary.interrupted });
  }
  if (summary.interrupted) addInterruption(root, run, summary, startedAt);
  return doc.end({ prettyPrint: true }) + '\n';
}

interface SuiteContext {
  startedAt: Date;
  environment: Record<string, unknown>;
  interrupted: boolean;
}

function addSuite(root: XMLBuilder, file: string, cases: ScenarioResult[], ctx: SuiteContext): void {
  const count = (...statuses: string[]) => String(cases.filter((r) => statuses.includes(reportedStatus(r))).length);
  const suite = root.ele('testsuite', {
    name: file,
    tests: String(cases.length),
    failures: count('failed'),
    errors: count('error'),
    skipped: count('skipped', 'accepted'),
    time: seconds(cases.reduce((sum, r) => sum + r.durationMs, 0)),
    timestamp: antTimestamp(ctx.startedAt),
    file: cases[0]!.scenario.path,
  });
  const props = suite.ele('properties');
  for (const [name, value] of propertiesOf(ctx)) props.ele('property', { name, value });
  for (const r of cases) addCase(suite, r);
}

function addCase(suite: XMLBuilder, r: ScenarioResult): void {
  const testcase = suite.ele('testcase', {
    classname: r.scenario.file,
    name: r.scenario.name,
    file: r.scenario.path,
    line: String(r.scenario.line),
    time: seconds(r.durationMs),
  });
  const v = r.verdict;
  const details = () => failureDetails(r).join('\n');
  // attribute values on one line: parsers turn raw line breaks in attributes into spaces anyway
  if (isAccepted(r)) {
    testcase.ele('skipped', { message: collapseLineBreaks(`ACCEPTED: ${r.acceptance!.reason} (${r.acceptance!.source}, expires ${r.acceptance!.expires})`) });
    testcase.ele('system-out').txt(details());
    return;
  }
  if (v.status === 'failed') testcase.ele('failure', { message: collapseLineBreaks(v.message), type: 'VerdictMismatch' }).txt(details());
  if (v.status === 'error') testcase.ele('error', { message: collapseLineBreaks(v.message), type: 'ScenarioError' }).txt(details());
  if (v.status === 'skipped') testcase.ele('skipped', { message: collapseLineBreaks(v.reason) });
  // a passed scenario that proves less says so where CI shows a test's output
  if (r.scenario.caveats?.length) testcase.ele('system-out').txt(r.scenario.caveats.join('\n'));
}

const INTERRUPTION_SUITE = 'tlsgate run';

function addInterruption(root: XMLBuilder, run: RunInfo | undefined, summary: RunSummary, startedAt: Date): void {
  const suite = root.ele('testsuite', {
    name: INTERRUPTION_SUITE, tests: '1', failures: '0', errors: '1', skipped: '0', time: seconds(summary.durationMs), timestamp: antTimestamp(startedAt),
  });
  const finished = run ? `${summary.total} of ${run.total}` : String(summary.total);
  const message = `run interrupted: ${finished} scenarios finished; the others did not run or were stopped, and are not in this report`;
  suite.ele('testcase', { classname: INTERRUPTION_SUITE, name: 'run interrupted', time: seconds(summary.durationMs) })
    .ele('error', { message, type: 'Interrupted' }).txt(`${message}. Exit code 130.`);
}

/** environment values flattened to strings: `undici` is an object */
function propertiesOf(ctx: SuiteContext): Array<[string, string]> {
  const env = Object.entries(ctx.environment)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  return [...env, ['interrupted', String(ctx.interrupted)]];
}

/** results grouped by file, files and cases kept in the given (catalogue) order */
function byFile(results: readonly ScenarioResult[]): Map<string, ScenarioResult[]> {
  const groups = new Map<string, ScenarioResult[]>();
  for (const r of results) {
    const list = groups.get(r.scenario.file) ?? [];
    list.push(r);
    groups.set(r.scenario.file, list);
  }
  return groups;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** Ant's timestamp: ISO 8601 without zone or fraction (xs:dateTime in the Ant schema), in UTC */
const antTimestamp = (d: Date): string => d.toISOString().slice(0, 19);
