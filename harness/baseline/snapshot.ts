/**
 * A baseline: how a stack behaved, scenario by scenario, as stable text. Sorted keys, one line
 * per scenario, no timestamps and no durations, one format version, so a baseline diff in code
 * review shows only behaviour, one changed line per changed scenario.
 */
import type { Inventory } from '../drivers/portable/inventory/collect.js';
import type { Observation, ResultStatus, ScenarioResult, Verdict } from '../model/domain.js';

export const BASELINE_FORMAT = 'tlsgate-baseline/1';

export type RevocationSource = 'crl' | 'ocsp' | 'staple';

/** what is compared for one connection */
export interface ConnectionSnapshot {
  outcome: 'accepted' | 'rejected';
  /** rejected only: the client's code, the category and the side that refused */
  code?: string | undefined;
  category?: string;
  side?: string;
  /** accepted only: what was negotiated (`alpn: false` = none) */
  protocol?: string | undefined;
  cipher?: string | undefined;
  group?: string | undefined;
  alpn?: string | false;
  /** revocation sources that were actually asked during the connection, sorted */
  revocationChecked: RevocationSource[];
}

export interface ScenarioSnapshot {
  verdict: ResultStatus;
  /** one per connection; empty when the scenario was skipped or could not run */
  connections: ConnectionSnapshot[];
  /**
   * failed: each unmet expectation as `field: expected X, got Y`; error: the message. A
   * baseline records failing scenarios too, so a later run can tell "fails as recorded" from a
   * new or changed failure.
   */
  failure?: string[];
}

/** the parts of the inventory that explain a drift (not the long lists), shown, never gating */
export type StackSummary = Pick<Inventory, 'versions' | 'defaults' | 'securityLevel' | 'rootStore' | 'fips' | 'trustFlags' | 'packages'>;

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  stack?: StackSummary;
  scenarios: Record<string, ScenarioSnapshot>;
}

export function connectionSnapshot(obs: Observation): ConnectionSnapshot {
  const asked = new Set<RevocationSource>(obs.revocationRequests.map((r) => r.server));
  if (obs.server.stapleSent || obs.revocation.some((c) => c.source === 'staple')) asked.add('staple');
  const revocationChecked = [...asked].sort();
  if (obs.outcome === 'rejected') {
    return { outcome: 'rejected', ...defined({ code: obs.code, category: obs.category, side: obs.side }), revocationChecked };
  }
  return {
    outcome: 'accepted',
    ...defined({ protocol: obs.protocol, cipher: obs.cipher, group: obs.group }),
    alpn: obs.alpn ?? false,
    revocationChecked,
  };
}

export function scenarioSnapshot(r: ScenarioResult): ScenarioSnapshot {
  const failure = failureOf(r.verdict);
  return { verdict: r.verdict.status, connections: r.observations.map(connectionSnapshot), ...(failure ? { failure } : {}) };
}

/** how a verdict failed, as stable text (JSON values: `null` for nothing observed) */
export function failureOf(v: Verdict): string[] | undefined {
  if (v.status === 'failed') return v.mismatches.map((m) => `${m.field}: expected ${JSON.stringify(m.expected ?? null)}, got ${JSON.stringify(m.actual ?? null)}`);
  if (v.status === 'error') return [v.message];
  return undefined;
}

export function baselineOf(results: readonly ScenarioResult[], inventory?: Inventory): Baseline {
  const scenarios: Record<string, ScenarioSnapshot> = {};
  for (const r of results) scenarios[r.scenario.id] = scenarioSnapshot(r);
  return { format: BASELINE_FORMAT, ...(inventory ? { stack: stackSummary(inventory) } : {}), scenarios };
}

export function stackSummary(inv: Inventory): StackSummary {
  const { versions, defaults, securityLevel, rootStore, fips, trustFlags, packages } = inv;
  return { versions, defaults, securityLevel, rootStore, fips, trustFlags, ...(packages && Object.keys(packages).length ? { packages } : {}) };
}

/**
 * Pretty JSON with every key sorted (plain code-unit order, the same in every locale), except
 * that each scenario is one line: a changed scenario is a one-line diff naming it.
 */
export function serializeBaseline(b: Baseline): string {
  const ids = Object.keys(b.scenarios).sort(codeUnitOrder);
  const lines = ids.map((id, i) => `    ${JSON.stringify(id)}: ${JSON.stringify(sortKeys(b.scenarios[id]))}${i < ids.length - 1 ? ',' : ''}`);
  const head = [`  "format": ${JSON.stringify(b.format)},`];
  if (b.stack) head.push(`  "stack": ${JSON.stringify(sortKeys(b.stack), null, 2).replace(/\n/g, '\n  ')},`);
  const scenarios = ids.length ? ['  "scenarios": {', ...lines, '  }'] : ['  "scenarios": {}'];
  return ['{', ...head, ...scenarios, '}', ''].join('\n');
}

export const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort(codeUnitOrder).map((k) => [k, sortKeys(o[k])]));
  }
  return v;
}
