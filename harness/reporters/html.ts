/**
 * `--reporter html:DIR`: the run as one self-contained page, DIR/index.html. Failures and
 * regressions first, filters by status, folder, tag and drift class, each scenario expandable to
 * its observations, and the drift against --baseline when the run compares against one.
 */
import type { DriftOutcome } from '../baseline/render.js';
import type { DriftClass } from '../baseline/drift.js';
import { shownChanges } from '../baseline/policy.js';
import type { RunSummary, ScenarioResult } from '../model/domain.js';
import { formatDuration } from './format.js';
import { driftClassesById, driftSection, esc, filterAttributes, filterBar, folderOf, htmlDocument, resultDetails, statusBadge } from './html-page.js';
import type { Output } from './output.js';
import type { Reporter, RunInfo } from './types.js';

/** the page's file inside the folder the user names */
export const HTML_REPORT_FILE = 'index.html';

export interface HtmlReporterOptions {
  drift?: (results: readonly ScenarioResult[]) => Promise<DriftOutcome | undefined>;
}

export function htmlReporter(out: Output, opts: HtmlReporterOptions = {}): Reporter {
  let run: RunInfo | undefined;
  return {
    name: 'html',
    onBegin: (info) => { run = info; },
    async onEnd(summary, results) {
      const drift = await opts.drift?.(results);
      out.write(renderRunPage({ run, summary, results, drift }));
      await out.close();
    },
  };
}

export interface RunPage {
  run: RunInfo | undefined;
  summary: RunSummary;
  results: readonly ScenarioResult[];
  drift: DriftOutcome | undefined;
}

export function renderRunPage(page: RunPage): string {
  const { summary, results, drift } = page;
  const classes = drift ? driftClassesById(shownChanges(drift.drift, drift.policy)) : new Map<string, DriftClass[]>();
  const ordered = worstFirst(results, classes, drift);
  const body = [
    `<header><h1>tlsgate run</h1><p class="env">${esc(environmentLine(page))}</p>`,
    `<p class="counts"><span>${summary.total} scenarios</span><span>${summary.passed} passed</span><span>${summary.failed} failed</span>${
      summary.errors ? `<span>${summary.errors} errors</span>` : ''}${summary.skipped ? `<span>${summary.skipped} skipped</span>` : ''}<span>${esc(formatDuration(summary.durationMs))}</span>${summary.interrupted ? '<span class="badge failed">interrupted</span>' : ''}</p></header>`,
    drift ? driftSection(drift.drift, drift.policy, drift.against, `Drift against ${drift.against}`) : '',
    filterBar({
      status: results.map((r) => r.verdict.status),
      folder: results.map(folderOf),
      tag: results.flatMap((r) => r.scenario.tags),
      ...(drift ? { drift: [...classes.values()].flat() } : {}),
    }),
    `<main>${ordered.map((r) => scenarioHtml(r, classes.get(r.scenario.id) ?? [], drift)).join('\n')}</main>`,
  ];
  return htmlDocument(`tlsgate: ${summary.failed + summary.errors ? `${summary.failed + summary.errors} failing` : 'all passed'}`, body.join('\n'));
}

function environmentLine(page: RunPage): string {
  const env = page.run?.environment ?? {};
  const facts = ['node', 'openssl', 'undici', 'platform'].flatMap((k) => (env[k] === undefined || env[k] === null ? [] : [`${k} ${factText(env[k])}`]));
  const started = page.run?.startedAt.toISOString();
  return [...facts, ...(started ? [`started ${started}`] : [])].join(' · ');
}

/** a fact is a string, or an object such as undici's `{ version, source }` */
const factText = (value: unknown): string =>
  typeof value === 'object' && value !== null ? Object.values(value).map(String).join(' ') : String(value);

/** errors and failures, then scenarios whose drift fails the gate, then other drift, then the rest; catalogue order within */
function worstFirst(results: readonly ScenarioResult[], classes: Map<string, DriftClass[]>, drift: DriftOutcome | undefined): ScenarioResult[] {
  const rank = (r: ScenarioResult): number => {
    if (r.verdict.status === 'error' || r.verdict.status === 'failed') return 0;
    const kinds = classes.get(r.scenario.id) ?? [];
    if (kinds.some((k) => drift?.policy.fatal.has(k))) return 1;
    if (kinds.length) return 2;
    return r.verdict.status === 'skipped' ? 4 : 3;
  };
  return results.map((r, i) => ({ r, i, rank: rank(r) })).sort((a, b) => a.rank - b.rank || a.i - b.i).map((x) => x.r);
}

function scenarioHtml(r: ScenarioResult, kinds: readonly DriftClass[], drift: DriftOutcome | undefined): string {
  const status = r.verdict.status;
  const attrs = filterAttributes({ status: [status], folder: folderOf(r), tags: r.scenario.tags, drift: kinds });
  const driftBadges = kinds.map((k) => `<span class="badge drift${drift?.policy.fatal.has(k) ? ' fatal' : ''}">${esc(k)}</span>`).join(' ');
  const tags = r.scenario.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('');
  const caveats = (r.scenario.caveats ?? []).map((c) => `<span class="badge caveat" title="${esc(c)}">proves less</span>`).join('');
  return `<details class="scenario item ${status}" ${attrs}${status === 'failed' || status === 'error' ? ' open' : ''}>
<summary>${statusBadge(status)}<span class="name">${esc(r.scenario.name)}</span>${caveats}${driftBadges}${tags}</summary>
${resultDetails(r)}
</details>`;
}
