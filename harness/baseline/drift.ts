/**
 * Drift: what changed between a baseline and this run, classified by what it means for a
 * release:
 *   security-regression      a connection that was rejected is now accepted, or a revocation
 *                            source that was asked is no longer asked;
 *   availability-regression  a connection that was accepted is now rejected;
 *   error-changed            still rejected, with another code, category or side;
 *   negotiation-changed      still accepted, with another protocol, cipher, group or ALPN;
 *   declared                 any of the above that the scenario declares: both runs passed
 *                            their own stack's expectation, and the `stacks` entries they
 *                            selected differ in every field that moved (see declarations.ts);
 *                            shown with the `because`, never fatal by default;
 *   added / removed          a scenario (or a connection) observed now and not before, or the
 *                            other way round (e.g. a scenario now skipped on this runtime).
 * Each connection yields at most one change, the most severe; its summary names every field
 * that moved.
 */
import type { ComparedField } from '../verdict/declared-difference.js';
import { codeUnitOrder, type Baseline, type ConnectionSnapshot, type ScenarioSnapshot } from './snapshot.js';

/** in order of severity, the order reports list them in */
export const DRIFT_CLASSES = [
  'security-regression', 'availability-regression', 'error-changed', 'negotiation-changed', 'declared', 'added', 'removed',
] as const;

export type DriftClass = (typeof DRIFT_CLASSES)[number];

export interface DriftChange {
  id: string;
  kind: DriftClass;
  /** 1-based connection number, for scenarios with several connections */
  connection?: number;
  before?: ConnectionSnapshot;
  after?: ConnectionSnapshot;
  /** one line: what changed */
  summary: string;
  /** kind `declared`: the class the change would have without the declaration, and its reasons */
  declared?: { was: DriftClass; because: string[] };
  /** a live project acceptance covers the scenario: shown with this text, never fatal */
  accepted?: string;
}

/**
 * Whether a scenario declares a difference of connection `index` (0-based) in these fields
 * between the two runs' stacks: the reasons, or undefined (see declarations.ts).
 */
export type DeclaredLookup = (id: string, index: number, fields: readonly ComparedField[]) => string[] | undefined;

/** one line of the stack summary that differs, e.g. versions.openssl */
export interface StackChange {
  key: string;
  before: string;
  after: string;
}

export interface Drift {
  changes: DriftChange[];
  stack: StackChange[];
}

export interface CompareOptions {
  /**
   * The run covered only part of the catalogue (--grep, --tag, --shard): scenarios of the
   * baseline that were not selected are not reported as removed.
   */
  partial?: boolean;
  /**
   * With `partial`: every scenario id found (selected or not). Baseline scenarios missing from
   * it are reported as removed: shard 1 of an unfiltered sharded run does this, so the shards
   * together report each removal once, as an unsharded run does.
   */
  catalogue?: readonly string[];
  /** the scenarios' own declarations of stack differences; without it nothing is `declared` */
  declared?: DeclaredLookup;
}

export function compareBaselines(before: Baseline, after: Baseline, opts: CompareOptions = {}): Drift {
  const ids = new Set(Object.keys(after.scenarios));
  const found = opts.catalogue ? new Set(opts.catalogue) : undefined;
  for (const id of Object.keys(before.scenarios)) {
    if (!opts.partial || (found && !found.has(id))) ids.add(id);
  }
  const changes = [...ids].sort(codeUnitOrder).flatMap((id) => compareScenario(id, before.scenarios[id], after.scenarios[id], opts.declared));
  return { changes, stack: compareStack(before.stack, after.stack) };
}

export function compareScenario(id: string, before: ScenarioSnapshot | undefined, after: ScenarioSnapshot | undefined, declared?: DeclaredLookup): DriftChange[] {
  if (!before) return after && after.connections.length > 0 ? [{ id, kind: 'added', summary: 'new scenario' }] : [];
  if (!after) return [{ id, kind: 'removed', summary: 'scenario no longer in the catalogue' }];
  if (before.connections.length > 0 && after.connections.length === 0) {
    return [{ id, kind: 'removed', summary: `no longer observed: now ${after.verdict}` }];
  }
  if (before.connections.length === 0 && after.connections.length > 0) {
    return [{ id, kind: 'added', summary: `observed now (was ${before.verdict})` }];
  }
  const several = before.connections.length > 1 || after.connections.length > 1;
  // only a difference both runs were judged on and passed can be a declared one
  const judgedAlike = declared && before.verdict === 'passed' && after.verdict === 'passed' ? declared : undefined;
  const out: DriftChange[] = [];
  for (let i = 0; i < Math.max(before.connections.length, after.connections.length); i++) {
    const b = before.connections[i];
    const a = after.connections[i];
    const found = compareConnection(b, a);
    if (!found) continue;
    const because = b && a ? judgedAlike?.(id, i, changedFields(b, a)) : undefined;
    const change = because ? { kind: 'declared' as const, summary: `${found.summary} (declared: ${because.join('; ')})`, declared: { was: found.kind, because } } : found;
    out.push({ id, ...change, ...(several ? { connection: i + 1 } : {}), ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) });
  }
  return out;
}

/** the expectation fields a change touches: the outcome when it flipped, else every field that moved */
export function changedFields(b: ConnectionSnapshot, a: ConnectionSnapshot): ComparedField[] {
  if (b.outcome !== a.outcome) return ['outcome'];
  const fields = a.outcome === 'rejected' ? (['code', 'category', 'side'] as const) : (['protocol', 'cipher', 'group', 'alpn'] as const);
  const moved: ComparedField[] = fields.filter((f) => b[f] !== a[f]);
  if (JSON.stringify(b.revocationChecked) !== JSON.stringify(a.revocationChecked)) moved.push('revocationChecked');
  return moved;
}

type Classified = Pick<DriftChange, 'kind' | 'summary'>;

export function compareConnection(b: ConnectionSnapshot | undefined, a: ConnectionSnapshot | undefined): Classified | undefined {
  if (!b || !a) return b ? { kind: 'removed', summary: 'connection no longer made' } : { kind: 'added', summary: 'new connection' };
  const lost = b.revocationChecked.filter((s) => !a.revocationChecked.includes(s));
  const moved = movedFields(b, a);
  const also = moved.length ? `; ${moved.join(', ')}` : '';
  if (b.outcome === 'rejected' && a.outcome === 'accepted') {
    return { kind: 'security-regression', summary: `was rejected (${refusal(b)}), now accepted${lost.length ? `; revocation no longer checked: ${lost.join(', ')}` : ''}` };
  }
  if (lost.length > 0) {
    return { kind: 'security-regression', summary: `revocation no longer checked: ${lost.join(', ')} not asked${a.outcome !== b.outcome ? `; now ${a.outcome}` : ''}${also}` };
  }
  if (b.outcome === 'accepted' && a.outcome === 'rejected') {
    return { kind: 'availability-regression', summary: `was accepted, now rejected (${refusal(a)})` };
  }
  if (moved.length === 0) return undefined;
  return { kind: a.outcome === 'rejected' ? 'error-changed' : 'negotiation-changed', summary: moved.join(', ') };
}

/** the fields compared for the connection's outcome, plus revocation sources gained */
function movedFields(b: ConnectionSnapshot, a: ConnectionSnapshot): string[] {
  if (b.outcome !== a.outcome) return [];
  const fields = a.outcome === 'rejected' ? (['code', 'category', 'side'] as const) : (['protocol', 'cipher', 'group', 'alpn'] as const);
  const moved = fields.filter((f) => b[f] !== a[f]).map((f) => `${f} ${show(b[f])} -> ${show(a[f])}`);
  const gained = a.revocationChecked.filter((s) => !b.revocationChecked.includes(s));
  if (gained.length) moved.push(`revocation now also asks ${gained.join(', ')}`);
  return moved;
}

const refusal = (c: ConnectionSnapshot): string => [c.category, c.code].filter(Boolean).join(', ') || 'no code';

const show = (v: unknown): string => (v === undefined ? '(none)' : v === false ? 'none' : String(v));

function compareStack(before: unknown, after: unknown): StackChange[] {
  if (before === undefined || after === undefined) return [];
  const flatB = flatten(before);
  const flatA = flatten(after);
  const keys = [...new Set([...Object.keys(flatB), ...Object.keys(flatA)])].sort(codeUnitOrder);
  return keys.filter((k) => flatB[k] !== flatA[k]).map((k) => ({ key: k, before: flatB[k] ?? '(none)', after: flatA[k] ?? '(none)' }));
}

function flatten(v: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, child] of Object.entries(v)) flatten(child, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) {
    out[prefix] = Array.isArray(v) ? v.join(' ') : String(v);
  }
  return out;
}
