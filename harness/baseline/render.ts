/**
 * Drift as text for a terminal, as Markdown for a pull request or a CI job summary, and as the
 * JSON report carries it. Reporters import this module; it imports nothing from them.
 */
import type { Drift, DriftChange, DriftClass, StackChange } from './drift.js';
import { fatalChanges, shownChanges, type DriftPolicy } from './policy.js';
import type { ConnectionSnapshot } from './snapshot.js';

/** the drift of one run against one baseline */
export interface DriftOutcome {
  against: string;
  drift: Drift;
  policy: DriftPolicy;
  fatal: DriftChange[];
}

/** the drift as the JSON report carries it */
export interface DriftJson {
  baseline: string;
  failsGate: boolean;
  fatalClasses: DriftClass[];
  ignoredClasses: DriftClass[];
  changes: DriftChange[];
  stack: StackChange[];
}

export function driftJson(o: DriftOutcome): DriftJson {
  return {
    baseline: o.against,
    failsGate: o.fatal.length > 0,
    fatalClasses: [...o.policy.fatal],
    ignoredClasses: [...o.policy.ignored],
    changes: shownChanges(o.drift, o.policy),
    stack: o.drift.stack,
  };
}

const TITLES: Record<DriftClass, string> = {
  'security-regression': 'Security regressions',
  'availability-regression': 'Availability regressions',
  'error-changed': 'Errors changed',
  'negotiation-changed': 'Negotiation changed',
  added: 'Added (observed now, not before)',
  removed: 'Removed (observed before, not now)',
};

const ORDER = Object.keys(TITLES) as DriftClass[];

function grouped(drift: Drift, policy: DriftPolicy): Array<[DriftClass, DriftChange[]]> {
  const shown = shownChanges(drift, policy);
  return ORDER.map((k): [DriftClass, DriftChange[]] => [k, shown.filter((c) => c.kind === k)]).filter(([, list]) => list.length > 0);
}

const label = (c: DriftChange): string => (c.connection ? `${c.id} (connection ${c.connection})` : c.id);

/** `accepted TLSv1.3 TLS_AES_256_GCM_SHA384 X25519` / `rejected revoked CERT_REVOKED (client)` */
export function describeConnection(c: ConnectionSnapshot | undefined): string {
  if (!c) return '-';
  const parts = c.outcome === 'accepted'
    ? [c.protocol, c.cipher, c.group, c.alpn ? `alpn ${c.alpn}` : undefined]
    : [c.category, c.code, c.side ? `(${c.side})` : undefined];
  const revocation = c.revocationChecked.length ? `revocation ${c.revocationChecked.join('+')}` : undefined;
  return [c.outcome, ...parts, revocation].filter(Boolean).join(' ');
}

/** one line saying whether the gate holds */
export function driftHeadline(drift: Drift, policy: DriftPolicy, against: string): string {
  const shown = shownChanges(drift, policy).length;
  const fatal = fatalChanges(drift, policy).length;
  if (shown === 0) return `drift against ${against}: none, every scenario behaves as recorded`;
  return `drift against ${against}: ${shown} change${shown === 1 ? '' : 's'}, ${fatal ? `${fatal} fail${fatal === 1 ? 's' : ''} the gate` : 'none fails the gate'}`;
}

export function renderDriftText(drift: Drift, policy: DriftPolicy, against: string): string {
  const lines = [driftHeadline(drift, policy, against)];
  for (const [kind, list] of grouped(drift, policy)) {
    lines.push(`  ${TITLES[kind]} (${list.length})${policy.fatal.has(kind) ? ': fails the gate' : ''}`);
    for (const same of bySummary(list)) {
      if (same.length < GROUP_FROM) {
        for (const c of same) lines.push(`    ${label(c)}: ${c.summary}`);
        continue;
      }
      const shown = same.slice(0, 3).map(label).join(', ');
      lines.push(`    ${same[0]!.summary}: ${same.length} scenarios (${shown}, and ${same.length - 3} more)`);
    }
  }
  if (drift.stack.length) {
    lines.push('  Stack changes (for explanation; never fail the gate)');
    for (const s of drift.stack) lines.push(`    ${s.key}: ${s.before} -> ${s.after}`);
  }
  return `${lines.join('\n')}\n`;
}

/** this many changes with one summary are shown as one line (a new default group shows in every handshake) */
const GROUP_FROM = 5;

/** changes with the same summary, in order of first appearance */
function bySummary(list: readonly DriftChange[]): DriftChange[][] {
  const groups = new Map<string, DriftChange[]>();
  for (const c of list) groups.set(c.summary, [...(groups.get(c.summary) ?? []), c]);
  return [...groups.values()];
}

export function renderDriftMarkdown(drift: Drift, policy: DriftPolicy, title: string, level = '##'): string {
  const out = [`${level} ${md(title)}`, ''];
  const groups = grouped(drift, policy);
  if (groups.length === 0) out.push('No behaviour changed: every scenario behaves as recorded.', '');
  for (const [kind, list] of groups) {
    out.push(`${level}# ${TITLES[kind]} (${list.length})${policy.fatal.has(kind) ? ' :x: fails the gate' : ''}`, '');
    out.push('| scenario | before | after | change |', '| --- | --- | --- | --- |');
    for (const same of bySummary(list)) out.push(...markdownRows(same));
    out.push('');
  }
  if (drift.stack.length) {
    out.push(`${level}# Stack changes`, '', '| what | before | after |', '| --- | --- | --- |');
    for (const s of drift.stack) out.push(`| ${md(s.key)} | ${md(short(s.before))} | ${md(short(s.after))} |`);
    out.push('');
  }
  return out.join('\n');
}

/** one row per change, or one row for a large group with the scenarios folded away */
function markdownRows(same: readonly DriftChange[]): string[] {
  if (same.length < GROUP_FROM) {
    return same.map((c) => `| ${md(label(c))} | ${md(describeConnection(c.before))} | ${md(describeConnection(c.after))} | ${md(c.summary)} |`);
  }
  const common = (pick: (c: DriftChange) => string) => (new Set(same.map(pick)).size === 1 ? md(pick(same[0]!)) : '(varies)');
  const names = same.map((c) => md(label(c))).join('<br>');
  return [`| <details><summary>${same.length} scenarios</summary>${names}</details> | ${common((c) => describeConnection(c.before))} | ${common((c) => describeConnection(c.after))} | ${md(same[0]!.summary)} |`];
}

const short = (s: string): string => (s.length > 120 ? `${s.slice(0, 119)}…` : s);

/** one table cell: no line breaks, `|` escaped, no HTML tag can open (`<` and `&` escaped) */
export const md = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
