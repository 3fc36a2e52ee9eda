/**
 * How an observation is printed, defined once. The field list (KEY_FIELDS: the fields a reader
 * needs to see why a verdict went the way it did; also the JSON report's key fields) has two
 * views, both taken from it:
 * - key=value, every key field observed: `outcome=rejected code=... category=... side=client`
 *   (reporters' observation lines, TAP, table cells);
 * - prose, the key fields that explain the outcome: `accepted (TLSv1.3, ..., group X25519)`,
 *   `rejected (category expired, code ..., side client, "message")` (the verdict's "got ...").
 */
import type { ObservedOutcome, Observation } from './domain.js';

export const KEY_FIELDS = ['outcome', 'code', 'category', 'side', 'protocol', 'cipher', 'group', 'alpn'] as const;
export type KeyField = (typeof KEY_FIELDS)[number];

/** the key fields observed, in KEY_FIELDS order; alpn `false` (none negotiated) as `none` */
export function keyFields(obs: Observation): Array<[KeyField, string]> {
  const pairs: Array<[KeyField, string]> = [];
  for (const field of KEY_FIELDS) {
    const value = obs[field];
    if (value === undefined) continue;
    pairs.push([field, value === false ? 'none' : String(value)]);
  }
  return pairs;
}

/** key=value: `outcome=accepted protocol=TLSv1.3 ... alpn=none` */
export const formatObservation = (obs: Observation): string =>
  keyFields(obs).map(([k, v]) => `${k}=${v}`).join(' ');

/**
 * Which key fields the prose names for each outcome, in its order, each bare or after a label:
 * what an accepted connection negotiated; who refused a rejected one and why.
 */
const PROSE_FIELDS: Record<ObservedOutcome, ReadonlyArray<{ field: KeyField; label?: string }>> = {
  accepted: [{ field: 'protocol' }, { field: 'cipher' }, { field: 'group', label: 'group' }, { field: 'alpn', label: 'alpn' }],
  rejected: [{ field: 'category', label: 'category' }, { field: 'code', label: 'code' }, { field: 'side', label: 'side' }],
};

const MESSAGE_LIMIT = 120;

/** prose: `accepted (TLSv1.3, TLS_AES_256_GCM_SHA384, group X25519)`; a field absent, empty or false is left out */
export function describeObservation(obs: Observation): string {
  const details = PROSE_FIELDS[obs.outcome].flatMap(({ field, label }) => {
    const value = obs[field];
    if (!value) return [];
    return [label ? `${label} ${value}` : String(value)];
  });
  if (obs.outcome === 'accepted') return `accepted${details.length ? ` (${details.join(', ')})` : ''}`;
  if (obs.message) details.push(`"${truncate(obs.message, MESSAGE_LIMIT)}"`);
  return `rejected (${details.join(', ')})`;
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
