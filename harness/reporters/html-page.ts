/**
 * The HTML report's building blocks, shared by the run page (html.ts) and the matrix page
 * (matrix/html.ts): one self-contained document (inline CSS and JS, a Content-Security-Policy
 * that forbids every fetch), the filter bar, a scenario's verdict and observations, a drift.
 *
 * Everything that comes from a scenario file or a peer (names, tags, messages, subjects) goes
 * through `esc`; the page's script reads only data-* attributes and sets no markup, so a name
 * like `<script>` is text wherever it appears.
 */
import { dirname } from 'node:path';
import { DRIFT_CLASSES, type Drift, type DriftChange, type DriftClass } from '../baseline/drift.js';
import { fatalChanges, shownChanges, type DriftPolicy } from '../baseline/policy.js';
import { describeConnection, driftHeadline } from '../baseline/render.js';
import type { Observation, ScenarioResult } from '../model/domain.js';
import { keyFields } from '../model/observation-text.js';
import { formatMismatch, headline, STATUS_LABEL } from './format.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** text and attribute values: every markup character as an entity */
export const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** the filters a page offers; each item carries the matching data-* attribute */
export type FilterName = 'status' | 'folder' | 'tag' | 'drift';

export interface FilterOptions {
  status: readonly string[];
  folder: readonly string[];
  tag: readonly string[];
  /** absent: no drift filter (no --baseline) */
  drift?: readonly string[];
}

/** a scenario's folder, as the folder filter lists it */
export const folderOf = (r: ScenarioResult): string => dirname(r.scenario.path);

export function filterBar(options: FilterOptions): string {
  const select = (name: FilterName, label: string, values: readonly string[]) =>
    `<label>${esc(label)} <select data-filter="${name}"><option value="">all</option>${
      [...new Set(values)].sort().map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('')}</select></label>`;
  return `<nav class="filters">${[
    select('status', 'status', options.status),
    select('folder', 'folder', options.folder),
    select('tag', 'tag', options.tag),
    options.drift ? select('drift', 'drift', options.drift) : '',
  ].join('')}<span id="shown"></span></nav>`;
}

/** the data-* attributes the filters match: status/tag/drift are space-separated lists, folder exact */
export function filterAttributes(values: { status: readonly string[]; folder: string; tags: readonly string[]; drift: readonly string[] }): string {
  const list = (xs: readonly string[]) => esc(xs.join(' '));
  return `data-status="${list(values.status)}" data-folder="${esc(values.folder)}" data-tag="${list(values.tags)}" data-drift="${list(values.drift)}"`;
}

export const statusBadge = (status: ScenarioResult['verdict']['status']): string =>
  `<span class="badge ${status}">${STATUS_LABEL[status]}</span>`;

/** the verdict's message, its mismatches as a table, then every connection's observation */
export function resultDetails(r: ScenarioResult): string {
  const v = r.verdict;
  const parts = [`<p class="where">${esc(r.scenario.path)}:${r.scenario.line} &middot; id ${esc(r.scenario.id)} &middot; ${Math.round(r.durationMs)} ms</p>`];
  if (v.status !== 'passed') parts.push(`<p class="message">${esc(headline(r))}</p>`);
  if (v.status === 'failed' && v.mismatches.length) {
    parts.push(`<ul class="mismatches">${v.mismatches.map((m) => `<li>${esc(formatMismatch(m))}</li>`).join('')}</ul>`);
  }
  r.observations.forEach((obs, i) => parts.push(observationHtml(obs, r.observations.length > 1 ? `connection ${i + 1}` : 'observation')));
  if (r.observations.length === 0) parts.push('<p class="none">no connection was made</p>');
  return parts.join('\n');
}

function observationHtml(obs: Observation, title: string): string {
  const rows: Array<[string, string]> = keyFields(obs);
  if (obs.alert) rows.push(['alert', obs.alert]);
  if (obs.message) rows.push(['message', obs.message]);
  if (obs.peer) rows.push(['peer', `${obs.peer.subject}${obs.peer.san.length ? ` (${obs.peer.san.join(', ')})` : ''}`]);
  rows.push(['driver', `${obs.driver.client} -> ${obs.driver.server}${obs.driver.clientVersion ? ` (${obs.driver.clientVersion})` : ''}${obs.driver.serverVersion ? ` (server: ${obs.driver.serverVersion})` : ''}`]);
  if (obs.sessionReused !== undefined) rows.push(['session reused', String(obs.sessionReused)]);
  const table = `<table class="kv">${rows.map(([k, val]) => `<tr><th>${esc(k)}</th><td>${esc(val)}</td></tr>`).join('')}</table>`;
  return `<section class="observation"><h4>${esc(title)}</h4>${table}${revocationHtml(obs)}${warningsHtml(obs)}</section>`;
}

function revocationHtml(obs: Observation): string {
  const checks = obs.revocation.length === 0 ? '' : `<h5>revocation sources</h5><table class="grid"><tr><th>source</th><th>cert</th><th>result</th><th>url</th><th>detail</th></tr>${
    obs.revocation.map((c) => `<tr><td>${esc(c.source)}</td><td>${esc(c.cert)}</td><td>${esc(c.result)}</td><td>${esc(c.url ?? '')}</td><td>${esc(c.detail ?? '')}</td></tr>`).join('')}</table>`;
  const requests = obs.revocationRequests.length === 0 ? '' : `<h5>revocation requests</h5><table class="grid"><tr><th>server</th><th>path</th><th>serials</th><th>answer</th><th>fault</th></tr>${
    obs.revocationRequests.map((q) => `<tr><td>${esc(q.server)}</td><td>${esc(q.path)}</td><td>${esc(q.serials.join(', '))}</td><td>${esc(q.answer)}</td><td>${esc(q.fault ?? '')}</td></tr>`).join('')}</table>`;
  return checks + requests;
}

const warningsHtml = (obs: Observation): string =>
  obs.warnings.length === 0 ? '' : `<h5>warnings</h5><ul class="warnings">${obs.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`;

/** scenario id -> the drift classes of its changes, for the drift filter and badges */
export function driftClassesById(changes: readonly DriftChange[]): Map<string, DriftClass[]> {
  const byId = new Map<string, DriftClass[]>();
  for (const c of changes) byId.set(c.id, [...new Set([...(byId.get(c.id) ?? []), c.kind])]);
  return byId;
}

/** the drift of one comparison: headline, stack changes, then each class with identical changes folded into one line */
export function driftSection(drift: Drift, policy: DriftPolicy, against: string, title: string): string {
  const shown = shownChanges(drift, policy);
  const fatal = fatalChanges(drift, policy).length > 0;
  const out = [`<section class="drift${fatal ? ' fatal' : ''}"><h2>${esc(title)}</h2><p class="headline">${esc(driftHeadline(drift, policy, against))}</p>`];
  if (drift.stack.length) {
    out.push(`<table class="grid stack"><tr><th>stack</th><th>before</th><th>after</th></tr>${
      drift.stack.map((s) => `<tr><td>${esc(s.key)}</td><td>${esc(s.before)}</td><td>${esc(s.after)}</td></tr>`).join('')}</table>`);
  }
  const classes = DRIFT_CLASSES.filter((k) => shown.some((c) => c.kind === k)); // regressions first
  for (const kind of classes) {
    const list = shown.filter((c) => c.kind === kind);
    out.push(`<h3>${esc(kind)} (${list.length})${policy.fatal.has(kind) ? ' <span class="badge failed">fails the gate</span>' : ''}</h3><ul class="changes">`);
    for (const same of bySummary(list)) out.push(changeLine(same));
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

function changeLine(same: readonly DriftChange[]): string {
  const first = same[0]!;
  const label = (c: DriftChange) => (c.connection ? `${c.id} (connection ${c.connection})` : c.id);
  const detail = (c: DriftChange) => (c.before || c.after
    ? `${esc(label(c))}: ${esc(describeConnection(c.before))} &rarr; ${esc(describeConnection(c.after))}`
    : esc(label(c)));
  if (same.length === 1) return `<li>${detail(first)}<br><span class="summary">${esc(first.summary)}</span></li>`;
  return `<li><details><summary>${esc(first.summary)}: ${same.length} scenarios</summary><ul>${same.map((c) => `<li>${detail(c)}</li>`).join('')}</ul></details></li>`;
}

function bySummary(list: readonly DriftChange[]): DriftChange[][] {
  const groups = new Map<string, DriftChange[]>();
  for (const c of list) groups.set(c.summary, [...(groups.get(c.summary) ?? []), c]);
  return [...groups.values()];
}

/** the whole document: no external URL anywhere, and a policy that would refuse one */
export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px; color: #1d2330; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 18px 0 6px; } h3 { font-size: 14px; margin: 10px 0 4px; }
h4 { font-size: 13px; margin: 8px 0 4px; } h5 { font-size: 12px; margin: 6px 0 2px; color: #555; }
.env, .where, .summary { color: #555; font-size: 12px; }
.counts span { margin-right: 12px; font-weight: 600; }
.badge { display: inline-block; min-width: 42px; text-align: center; border-radius: 4px; padding: 0 6px; font-size: 11px; font-weight: 700; color: #fff; background: #6b7280; }
.badge.caveat { background: #9a6700; }
.badge.passed { background: #1a7f37; } .badge.failed { background: #cf222e; } .badge.error { background: #9a3412; } .badge.skipped { background: #8c959f; }
.badge.drift { background: #8250df; } .badge.drift.fatal { background: #cf222e; }
.filters { position: sticky; top: 0; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 10px; margin: 12px 0; display: flex; gap: 14px; align-items: center; flex-wrap: wrap; z-index: 1; }
#shown { margin-left: auto; color: #555; }
details.scenario { border: 1px solid #d0d7de; border-radius: 6px; margin: 4px 0; padding: 4px 10px; }
details.scenario.failed, details.scenario.error { border-left: 4px solid #cf222e; }
details.scenario > summary { cursor: pointer; } details.scenario .name { font-weight: 600; margin: 0 6px; }
.tag { font-size: 11px; background: #ddf4ff; border-radius: 10px; padding: 0 6px; margin-left: 4px; }
.message { white-space: pre-wrap; font-family: ui-monospace, monospace; background: #fff5f5; padding: 4px 6px; border-radius: 4px; }
table { border-collapse: collapse; } .kv th { text-align: left; padding-right: 12px; color: #555; font-weight: 500; vertical-align: top; }
.kv td, .grid td { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
.grid th, .grid td { border: 1px solid #d0d7de; padding: 2px 6px; text-align: left; }
section.drift { border: 1px solid #d0d7de; border-radius: 6px; padding: 4px 12px 10px; margin: 10px 0; } section.drift.fatal { border-color: #cf222e; }
.matrix td, .matrix th { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; }
.matrix button { border: 0; border-radius: 4px; padding: 1px 8px; cursor: pointer; color: #fff; font-weight: 700; font-size: 11px; }
.matrix button.passed { background: #1a7f37; } .matrix button.failed { background: #cf222e; } .matrix button.error { background: #9a3412; } .matrix button.skipped, .matrix button.missing { background: #8c959f; }
.matrix button.selected { outline: 3px solid #0969da; }
.cell-panel { position: sticky; bottom: 0; background: #fff; max-height: 50vh; overflow: auto; border: 2px solid #0969da; border-radius: 6px; padding: 4px 12px; margin: 10px 0; }
[hidden] { display: none !important; }
`;

/**
 * Filters and the selected matrix cell live in the URL hash (`#status=failed&tag=ocsp`,
 * `#cell=3-1`), so a link shows the same view. It only toggles `hidden` and reads attributes.
 */
const SCRIPT = `
(function () {
  var selects = Array.prototype.slice.call(document.querySelectorAll('select[data-filter]'));
  var items = Array.prototype.slice.call(document.querySelectorAll('.item'));
  function state() {
    var s = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
      var i = pair.indexOf('=');
      if (i > 0) s[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1));
    });
    return s;
  }
  function matches(item, name, value) {
    var have = item.getAttribute('data-' + name) || '';
    return name === 'folder' ? have === value : (' ' + have + ' ').indexOf(' ' + value + ' ') >= 0;
  }
  function apply() {
    var s = state();
    selects.forEach(function (sel) { sel.value = s[sel.getAttribute('data-filter')] || ''; });
    var shown = 0;
    items.forEach(function (item) {
      var ok = selects.every(function (sel) { var v = sel.value; return !v || matches(item, sel.getAttribute('data-filter'), v); });
      item.hidden = !ok;
      if (ok) shown++;
    });
    var counter = document.getElementById('shown');
    if (counter) counter.textContent = 'showing ' + shown + ' of ' + items.length;
    Array.prototype.forEach.call(document.querySelectorAll('[data-cell]'), function (el) {
      var on = el.getAttribute('data-cell') === s.cell;
      if (el.tagName === 'BUTTON') el.classList.toggle('selected', on); else el.hidden = !on;
    });
  }
  function write(s) {
    var parts = [];
    Object.keys(s).forEach(function (k) { if (s[k]) parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(s[k])); });
    location.hash = parts.join('&');
  }
  selects.forEach(function (sel) {
    sel.addEventListener('change', function () { var s = state(); s[sel.getAttribute('data-filter')] = sel.value; write(s); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('button[data-cell]'), function (b) {
    b.addEventListener('click', function () { var s = state(); s.cell = s.cell === b.getAttribute('data-cell') ? '' : b.getAttribute('data-cell'); write(s); });
  });
  window.addEventListener('hashchange', apply);
  apply();
})();
`;
