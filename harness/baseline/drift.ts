/**
 * Drift: what changed between a baseline and this run, classified by what it means for a
 * release. Security regressions (something refused is now accepted, or revocation stopped being
 * checked) and availability regressions fail the gate by default.
 */
import type { Baseline, StepSnapshot } from './snapshot.js';

export type DriftClass =
  | 'security-regression' | 'availability-regression' | 'error-changed' | 'negotiation-changed'
  | 'added' | 'removed';

export const DRIFT_CLASSES: readonly DriftClass[] = [
  'security-regression', 'availability-regression', 'error-changed', 'negotiation-changed', 'added', 'removed',
];

export const DEFAULT_FATAL: readonly DriftClass[] = ['security-regression', 'availability-regression'];

export interface DriftChange {
  id: string;
  kind: DriftClass;
  /** 1-based connection number within the scenario */
  step?: number;
  before?: StepSnapshot;
  after?: StepSnapshot;
  /** one line: what changed */
  summary: string;
}

export interface InventoryChange {
  key: string;
  before: string;
  after: string;
}

export interface Drift {
  changes: DriftChange[];
  inventory: InventoryChange[];
}

export interface DriftPolicy {
  fatal: ReadonlySet<DriftClass>;
  ignored: ReadonlySet<DriftClass>;
}

export function compareBaselines(before: Baseline, after: Baseline): Drift {
  const ids = [...new Set([...Object.keys(before.scenarios), ...Object.keys(after.scenarios)])].sort();
  const changes = ids.flatMap((id) => compareScenario(id, before.scenarios[id], after.scenarios[id]));
  return { changes, inventory: compareInventory(before.inventory, after.inventory) };
}

function compareScenario(id: string, before: StepSnapshot[] | undefined, after: StepSnapshot[] | undefined): DriftChange[] {
  if (!before) return [{ id, kind: 'added', summary: 'new scenario' }];
  if (!after) return [{ id, kind: 'removed', summary: 'scenario no longer runs' }];
  const out: DriftChange[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const change = compareStep(before[i], after[i]);
    if (change) out.push({ id, ...(before.length > 1 || after.length > 1 ? { step: i + 1 } : {}), before: before[i], after: after[i], ...change });
  }
  return out;
}

function compareStep(b: StepSnapshot | undefined, a: StepSnapshot | undefined): Pick<DriftChange, 'kind' | 'summary'> | undefined {
  if (!b || !a) return b ? { kind: 'removed', summary: 'connection no longer made' } : { kind: 'added', summary: 'new connection' };
  if (b.outcome === 'rejected' && a.outcome === 'accepted') {
    return { kind: 'security-regression', summary: `was rejected (${b.category ?? b.code ?? 'no code'}), now accepted` };
  }
  const lostChecks = b.revocationChecked.filter((s) => !a.revocationChecked.includes(s));
  if (lostChecks.length > 0) {
    return { kind: 'security-regression', summary: `revocation no longer checked: ${lostChecks.join(', ')} not asked` };
  }
  if (b.outcome === 'accepted' && a.outcome === 'rejected') {
    return { kind: 'availability-regression', summary: `was accepted, now rejected (${a.category ?? 'no category'}, ${a.code ?? 'no code'})` };
  }
  const fields = a.outcome === 'rejected' ? (['code', 'category', 'side'] as const) : (['protocol', 'cipher', 'group', 'alpn'] as const);
  const diffs = fields.filter((f) => b[f] !== a[f]).map((f) => `${f} ${show(b[f])} -> ${show(a[f])}`);
  if (diffs.length === 0) return undefined;
  return { kind: a.outcome === 'rejected' ? 'error-changed' : 'negotiation-changed', summary: diffs.join(', ') };
}

const show = (v: unknown): string => (v === undefined ? '(none)' : v === false ? 'none' : String(v));

function compareInventory(before: unknown, after: unknown): InventoryChange[] {
  const flatB = flatten(before);
  const flatA = flatten(after);
  const keys = [...new Set([...Object.keys(flatB), ...Object.keys(flatA)])].sort();
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

export function fatalChanges(drift: Drift, policy: DriftPolicy): DriftChange[] {
  return drift.changes.filter((c) => policy.fatal.has(c.kind) && !policy.ignored.has(c.kind));
}

export function parseDriftClasses(list: readonly string[], flag: string): DriftClass[] {
  const out: DriftClass[] = [];
  for (const item of list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    if (!DRIFT_CLASSES.includes(item as DriftClass)) {
      throw new Error(`${flag}: unknown drift class '${item}' (use: ${DRIFT_CLASSES.join(', ')})`);
    }
    out.push(item as DriftClass);
  }
  return out;
}
