/**
 * A baseline: how a stack behaved, scenario by scenario, as stable text. Sorted keys, no
 * timestamps, one format version, so a baseline diff in code review shows only behaviour.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Inventory } from '../inventory/collect.js';
import type { Observation, ScenarioResult } from '../model.js';

export const BASELINE_FORMAT = 'tlsgate-baseline/1';

/** what is compared for one connection */
export interface StepSnapshot {
  outcome: 'accepted' | 'rejected';
  code?: string;
  category?: string;
  side?: string;
  protocol?: string;
  cipher?: string;
  group?: string;
  alpn?: string | false;
  /** revocation sources actually asked: crl, ocsp, staple */
  revocationChecked: string[];
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  inventory: Partial<Inventory> | undefined;
  scenarios: Record<string, StepSnapshot[]>;
}

export function snapshotOf(obs: Observation): StepSnapshot {
  const asked = new Set<string>(obs.revocationRequests.map((r) => r.server));
  for (const c of obs.revocation) if (c.source === 'staple') asked.add('staple');
  const snap: StepSnapshot = { outcome: obs.outcome, revocationChecked: [...asked].sort() };
  if (obs.outcome === 'rejected') {
    Object.assign(snap, defined({ code: obs.code, category: obs.category, side: obs.side }));
  } else {
    Object.assign(snap, defined({ protocol: obs.protocol, cipher: obs.cipher, group: obs.group, alpn: obs.alpn ?? false }));
  }
  return snap;
}

export function baselineOf(results: readonly ScenarioResult[], inventory: Inventory | undefined): Baseline {
  const scenarios: Record<string, StepSnapshot[]> = {};
  for (const r of [...results].sort((a, b) => a.scenario.id.localeCompare(b.scenario.id))) {
    if (r.verdict.status === 'skipped' || r.observations.length === 0) continue;
    scenarios[r.scenario.id] = r.observations.map(snapshotOf);
  }
  return { format: BASELINE_FORMAT, inventory: inventory && comparedInventory(inventory), scenarios };
}

/** the parts of the inventory worth showing in a drift report (not the long lists) */
function comparedInventory(inv: Inventory): Partial<Inventory> {
  return { versions: inv.versions, defaults: inv.defaults, securityLevel: inv.securityLevel, rootStore: inv.rootStore, fips: inv.fips, trustFlags: inv.trustFlags };
}

export function serializeBaseline(b: Baseline): string {
  return JSON.stringify(sortKeys(b), null, 2) + '\n';
}

export async function writeBaseline(path: string, b: Baseline): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serializeBaseline(b));
  await rename(tmp, path);
}

export class BaselineError extends Error {}

export async function readBaseline(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new BaselineError(`${path}: cannot read the baseline file (record one with --update-baseline ${path})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${path}: not valid JSON (${(err as Error).message}); re-record it with --update-baseline`);
  }
  const b = parsed as Partial<Baseline>;
  if (b.format !== BASELINE_FORMAT || typeof b.scenarios !== 'object' || b.scenarios === null) {
    throw new BaselineError(`${path}: not a ${BASELINE_FORMAT} file (format: ${JSON.stringify(b.format)}); re-record it with --update-baseline`);
  }
  return b as Baseline;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
