/**
 * What a `then` step changes before its connection, as pure helpers of the session: time
 * passes (`wait`), the server or the client rotates certificates (`rotate`), the client's trust
 * changes (`retrust`), and which connections go through a keep-alive pool (`connection`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fingerprint256 } from '../drivers/portable/peer.js';
import type { Observation, Scenario, ScenarioStep } from '../model/domain.js';
import type { ScenarioMaterials } from './scenario-materials.js';
import type { PkiSpec } from '../../ca/spec/spec.js';
import { parseTimeSpec } from '../../ca/spec/time.js';

/** a relative validity this short is measured from the first connection (the session issues it again then) */
const SECONDS_SCALE_MS = 60_000;

export function hasSecondsScaleValidity(pki: PkiSpec): boolean {
  return pki.certs.some((c) => [c.validity?.notBefore, c.validity?.notAfter].some((t) => {
    const parsed = t === undefined ? undefined : parseTimeSpec(t);
    return parsed?.kind === 'relative' && parsed.offsetMs !== 0 && Math.abs(parsed.offsetMs) < SECONDS_SCALE_MS;
  }));
}

/** the scenario's ends as the steps so far have left them (rotated server, new trust, new identity) */
export function endsAfter(current: Scenario, step: ScenarioStep): Scenario {
  const { rotate, retrust } = step;
  if (!rotate && !retrust) return current;
  let server = current.server;
  if (rotate && rotatesServer(step)) {
    // a new leaf has its own issuers and its own key unless the step names them
    const { chain, key, ...rest } = current.server;
    const kept = rotate.cert ? {} : { ...(chain ? { chain } : {}), ...(key ? { key } : {}) };
    server = {
      ...rest,
      ...kept,
      ...(rotate.cert ? { cert: rotate.cert } : {}),
      ...(rotate.chain ? { chain: rotate.chain } : {}),
      ...(rotate.key ? { key: rotate.key } : {}),
    };
  }
  const client = {
    ...current.client,
    ...(rotate?.identity ? { identity: rotate.identity } : {}),
    ...(retrust ? { trust: retrust } : {}),
  };
  return { ...current, server, client };
}

/** the server changed its credentials in this step */
export const rotatesServer = (step: ScenarioStep): boolean => !!(step.rotate?.cert || step.rotate?.chain || step.rotate?.key);

/** a scenario whose steps reuse a connection sends every request through one keep-alive pool */
export const usesPool = (s: Scenario): boolean => !!s.then?.some((step) => step.connection === 'reuse');

/** waits a step's `wait`, unless the run is aborted first */
export async function waitBefore(step: ScenarioStep, signal: AbortSignal): Promise<void> {
  if (step.wait) await sleep(step.wait, undefined, { signal });
}

/** which of the scenario's certificates the server's leaf was (by fingerprint), if any */
export function authenticatedBy(obs: Observation, materials: ScenarioMaterials): string | undefined {
  const leaf = obs.peer?.chainFingerprints[0];
  if (!leaf) return undefined;
  return materials.ids().find((id) => fingerprint256(materials.get(id).der) === leaf);
}
