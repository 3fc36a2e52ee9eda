/** Drift as text for a terminal, and as Markdown for a pull request or a CI job summary. */
import type { Drift, DriftChange, DriftClass, DriftPolicy } from './drift.js';

const TITLES: Record<DriftClass, string> = {
  'security-regression': 'Security regressions',
  'availability-regression': 'Availability regressions',
  'error-changed': 'Errors changed',
  'negotiation-changed': 'Negotiation changed',
  added: 'Scenarios added',
  removed: 'Scenarios removed',
};

const ORDER = Object.keys(TITLES) as DriftClass[];

function grouped(drift: Drift, policy: DriftPolicy): Array<[DriftClass, DriftChange[]]> {
  return ORDER.filter((k) => !policy.ignored.has(k))
    .map((k): [DriftClass, DriftChange[]] => [k, drift.changes.filter((c) => c.kind === k)])
    .filter(([, list]) => list.length > 0);
}

const label = (c: DriftChange) => (c.step ? `${c.id} (connection ${c.step})` : c.id);

export function renderDriftText(drift: Drift, policy: DriftPolicy): string {
  const groups = grouped(drift, policy);
  if (groups.length === 0 && drift.inventory.length === 0) return 'drift: none - every scenario behaves as in the baseline\n';
  const lines: string[] = [];
  for (const [kind, list] of groups) {
    lines.push(`${TITLES[kind]} (${list.length})${policy.fatal.has(kind) ? ' - fails the gate' : ''}`);
    for (const c of list) lines.push(`  ${label(c)}: ${c.summary}`);
  }
  if (drift.inventory.length) {
    lines.push('Stack changes');
    for (const i of drift.inventory) lines.push(`  ${i.key}: ${i.before} -> ${i.after}`);
  }
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderDriftMarkdown(drift: Drift, policy: DriftPolicy, title = 'tlsgate drift'): string {
  const groups = grouped(drift, policy);
  const out = [`## ${title}`, ''];
  if (groups.length === 0) out.push('No behaviour changed: every scenario behaves as in the baseline.', '');
  for (const [kind, list] of groups) {
    out.push(`### ${TITLES[kind]} (${list.length})${policy.fatal.has(kind) ? ' :x:' : ''}`, '', '| scenario | change |', '| --- | --- |');
    for (const c of list) out.push(`| ${md(label(c))} | ${md(c.summary)} |`);
    out.push('');
  }
  if (drift.inventory.length) {
    out.push('### Stack changes', '', '| what | before | after |', '| --- | --- | --- |');
    for (const i of drift.inventory) out.push(`| ${md(i.key)} | ${md(i.before)} | ${md(i.after)} |`);
    out.push('');
  }
  return out.join('\n');
}
