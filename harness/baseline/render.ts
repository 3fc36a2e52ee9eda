/**
 * Drift as text for a terminal, as Markdown for a pull request or a CI job summary, and as the
 * JSON report carries it. Reporters import this module; it imports nothing from them.
 */
import type { Drift, DriftChange, DriftClass, StackChange } from './drift.js';
import { fatalChanges, shownChanges, type DriftPolicy } from './policy.js';
import type { FailureNote, FailuresAgainstBaseline } from './failures.js';
import type { ConnectionSnapshot } from './snapshot.js';

/** the drift of one run against one baseline */
export interface DriftOutcome {
  against: string;
  drift: Drift;
  policy: DriftPolicy;
  fatal: DriftChange[];
  /** failing scenarios: as the baseline recorded them (not fatal), or new/changed (fatal) */
  failures?: FailuresAgainstBaseline;
}

/** the drift as the JSON report carries it */
export interface DriftJson {
  baseline: string;
  failsGate: boolean;
  fatalClasses: DriftClass[];
  ignoredClasses: DriftClass[];
  changes: DriftChange[];
  stack: StackChange[];
  failures?: FailuresAgainstBaseline;
}

/** the gate fails: a fatal drift class, or a failure the baseline did not record */
export const failsGate = (o: DriftOutcome): boolean => o.fatal.length > 0 || newFailures(o.failures).length > 0;

/** new or changed failures the project does not accept: they fail the gate */
export const newFailures = (f: FailuresAgainstBaseline | undefined): FailureNote[] => f?.unexpected.filter((n) => n.accepted === undefined) ?? [];

export function driftJson(o: DriftOutcome): DriftJson {
  return {
    baseline: o.against,
    failsGate: failsGate(o),
    fatalClasses: [...o.policy.fatal],
    ignoredClasses: [...o.policy.ignored],
    changes: shownChanges(o.drift, o.policy),
    stack: o.drift.stack,
    ...(o.failures ? { failures: o.failures } : {}),
  };
}

const TITLES: Record<DriftClass, string> = {
  'security-regression': 'Security regressions',
  'availability-regression': 'Availability regressions',
  'error-changed': 'Errors changed',
  'negotiation-changed': 'Negotiation changed',
  declared: 'Declared stack differences (each side passed its own `stacks` expectation)',
  added: 'Added (observed now, not before)',
  removed: 'Removed (observed before, not now)',
};

const ORDER = Object.keys(TITLES) as DriftClass[];

function grouped(drift: Drift, policy: DriftPolicy): Array<[DriftClass, DriftChange[]]> {
  const shown = shownChanges(drift, policy);
  return ORDER.map((k): [DriftClass, DriftChange[]] => [k, shown.filter((c) => c.kind === k)]).filter(([, list]) => list.length > 0);
}

const label = (c: DriftChange): string => `${c.connection ? `${c.id} (connection ${c.connection})` : c.id}${c.accepted ? ` [ACCEPTED: ${c.accepted}]` : ''}`;

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
export function driftHeadline(drift: Drift, policy: DriftPolicy, against: string, failures?: FailuresAgainstBaseline): string {
  const shown = shownChanges(drift, policy);
  const fatal = fatalChanges(drift, policy).length + newFailures(failures).length;
  const news = failures?.unexpected.length ? `, ${plural(failures.unexpected.length, 'new failure')}` : '';
  if (shown.length === 0 && !news) return `drift against ${against}: none, every scenario behaves as recorded`;
  const findings = findingsOf(shown).length;
  const folded = findings < shown.length ? ` in ${plural(findings, 'finding')}` : '';
  return `drift against ${against}: ${plural(shown.length, 'change')}${folded}${news}, ${fatal ? `${fatal} fail${fatal === 1 ? 's' : ''} the gate` : 'none fails the gate'}`;
}

/** `Node v20.20.0 -> v24.11.1, OpenSSL 3.0.17 -> 3.5.4, root store 144 -> 118 certificates`, or undefined */
export function stackHeadline(stack: readonly StackChange[]): string | undefined {
  const parts = HEADLINE_KEYS.flatMap(([key, name, unit]) => {
    const s = stack.find((c) => c.key === key);
    return s ? [`${name} ${s.before} -> ${s.after}${unit}`] : [];
  });
  return parts.length ? parts.join(', ') : undefined;
}

/** `pg 8.11.3 -> 8.12.0, ws (none) -> 8.16.0`: the project's TLS-bearing packages that moved, or undefined */
export function packagesMoved(stack: readonly StackChange[]): string | undefined {
  const parts = stack.filter((s) => s.key.startsWith('packages.')).map((s) => `${s.key.slice('packages.'.length)} ${s.before} -> ${s.after}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** the stack facts that explain most drift, in the order the top line names them */
const HEADLINE_KEYS: ReadonlyArray<[key: string, name: string, unit: string]> = [
  ['versions.node', 'Node', ''],
  ['versions.openssl', 'OpenSSL', ''],
  ['versions.undici (undici driver)', 'undici', ''],
  ['versions.undici (bundled with node)', 'undici (bundled)', ''],
  ['rootStore.count', 'root store', ' certificates'],
  ['securityLevel.effective', 'security level', ''],
];
const isHeadlineKey = (key: string): boolean => HEADLINE_KEYS.some(([k]) => k === key);

export interface RenderExtras {
  /** failing scenarios against the baseline: known (as recorded) and new */
  failures?: FailuresAgainstBaseline | undefined;
}

export function renderDriftText(drift: Drift, policy: DriftPolicy, against: string, extras: RenderExtras = {}): string {
  const lines = [driftHeadline(drift, policy, against, extras.failures)];
  const top = stackHeadline(drift.stack);
  if (top) lines.push(`  Stack: ${top}`);
  const moved = packagesMoved(drift.stack);
  if (moved) lines.push(`  Packages: ${moved}`);
  for (const [kind, list] of grouped(drift, policy)) {
    lines.push(`  ${TITLES[kind]} (${list.length})${policy.fatal.has(kind) ? fatalNote(list, ': fails the gate') : ''}`);
    for (const same of findingsOf(list)) lines.push(...findingText(same));
  }
  lines.push(...failuresText(extras.failures));
  const rest = drift.stack.filter((s) => !isHeadlineKey(s.key));
  if (rest.length) {
    lines.push('  Stack changes (for explanation; never fail the gate)');
    for (const s of rest) lines.push(`    ${s.key}: ${s.before} -> ${s.after}`);
  }
  return `${lines.join('\n')}\n`;
}

/** a fatal class's note, unless every change in it is of an accepted scenario */
const fatalNote = (list: readonly DriftChange[], note: string): string =>
  (list.every((c) => c.accepted !== undefined) ? ' (accepted by the project config)' : note);

/** at most this many scenarios are listed under a finding in a terminal (Markdown lists all) */
const LISTED_IN_TEXT = 8;

/** one change: one line; identical changes: one line with the count, the scenarios folded below */
function findingText(same: readonly DriftChange[]): string[] {
  if (same.length === 1) return [`    ${label(same[0]!)}: ${same[0]!.summary}`];
  const listed = same.slice(0, LISTED_IN_TEXT).map((c) => `      ${label(c)}`);
  const more = same.length - listed.length;
  return [`    ${same[0]!.summary}: ${same.length} scenarios`, ...listed, ...(more > 0 ? [`      … and ${more} more (the JSON report and --drift-markdown list all)`] : [])];
}

function failuresText(f: FailuresAgainstBaseline | undefined): string[] {
  if (!f) return [];
  const out: string[] = [];
  if (f.unexpected.length) {
    out.push(`  New or changed failures (${f.unexpected.length})${newFailures(f).length ? ': fails the gate' : ' (accepted by the project config)'}`);
    for (const n of f.unexpected) out.push(`    ${n.id}${n.accepted ? ` [ACCEPTED: ${n.accepted}]` : ''}: ${n.now.join('; ')} (baseline: ${n.was ?? '?'})`);
  }
  if (f.asRecorded.length) {
    out.push(`  Fails as recorded (${f.asRecorded.length}): known failures, not new`);
    for (const n of f.asRecorded) out.push(`    ${n.id}: ${n.now.join('; ')}`);
  }
  return out;
}

/** identical changes (same class and summary) as one finding, in order of first appearance */
export function findingsOf(list: readonly DriftChange[]): DriftChange[][] {
  const groups = new Map<string, DriftChange[]>();
  for (const c of list) {
    const key = `${c.kind}\n${c.summary}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()];
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function renderDriftMarkdown(drift: Drift, policy: DriftPolicy, title: string, level = '##', extras: RenderExtras = {}): string {
  const out = [`${level} ${md(title)}`, ''];
  const top = stackHeadline(drift.stack);
  if (top) out.push(`**Stack:** ${md(top)}`, '');
  const moved = packagesMoved(drift.stack);
  if (moved) out.push(`**Packages:** ${md(moved)}`, '');
  const groups = grouped(drift, policy);
  if (groups.length === 0 && !extras.failures?.unexpected.length) out.push('No behaviour changed: every scenario behaves as recorded.', '');
  for (const [kind, list] of groups) {
    out.push(`${level}# ${TITLES[kind]} (${list.length})${policy.fatal.has(kind) ? fatalNote(list, ' :x: fails the gate') : ''}`, '');
    out.push('| scenario | before | after | change |', '| --- | --- | --- | --- |');
    for (const same of findingsOf(list)) out.push(...markdownRows(same));
    out.push('');
  }
  out.push(...failuresMarkdown(extras.failures, level));
  if (drift.stack.length) {
    out.push(`${level}# Stack changes`, '', '| what | before | after |', '| --- | --- | --- |');
    for (const s of drift.stack) out.push(`| ${md(s.key)} | ${md(short(s.before))} | ${md(short(s.after))} |`);
    out.push('');
  }
  return out.join('\n');
}

function failuresMarkdown(f: FailuresAgainstBaseline | undefined, level: string): string[] {
  if (!f) return [];
  const section = (title: string, notes: readonly FailureNote[], was: boolean): string[] => (notes.length === 0 ? [] : [
    `${level}# ${title} (${notes.length})`, '',
    `| scenario | failure now |${was ? ' baseline |' : ''}`, `| --- | --- |${was ? ' --- |' : ''}`,
    ...notes.map((n) => `| ${md(n.id)}${n.accepted ? ` **ACCEPTED**: ${md(n.accepted)}` : ''} | ${md(n.now.join('; '))} |${was ? ` ${md(n.was ?? '')} |` : ''}`),
    '',
  ]);
  return [...section('New or changed failures :x: fails the gate', f.unexpected, true), ...section('Fails as recorded (known, not new)', f.asRecorded, false)];
}

/** one row per change, or one row for identical changes with the scenarios folded away */
function markdownRows(same: readonly DriftChange[]): string[] {
  if (same.length === 1) {
    return same.map((c) => `| ${md(label(c))} | ${md(describeConnection(c.before))} | ${md(describeConnection(c.after))} | ${md(c.summary)} |`);
  }
  const common = (pick: (c: DriftChange) => string) => (new Set(same.map(pick)).size === 1 ? md(pick(same[0]!)) : '(varies)');
  const names = same.map((c) => md(label(c))).join('<br>');
  return [`| <details><summary>${same.length} scenarios</summary>${names}</details> | ${common((c) => describeConnection(c.before))} | ${common((c) => describeConnection(c.after))} | **${md(same[0]!.summary)}** (${same.length}) |`];
}

const short = (s: string): string => (s.length > 120 ? `${s.slice(0, 119)}…` : s);

/** one table cell: no line breaks, `|` escaped, no HTML tag can open (`<` and `&` escaped) */
export const md = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
