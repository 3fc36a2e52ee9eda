/**
 * Every request the CRL server and the OCSP responder received for one PKI: the proof that a
 * client really checked revocation (and the evidence when it stops checking). Bounded, so a
 * load test cannot grow it without end.
 */
import type { RequestLogEntry } from './revocation-types.js';

const MAX_ENTRIES = 10_000;

export class RequestLog {
  private readonly items: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.items.push(entry);
    if (this.items.length > MAX_ENTRIES) this.items.splice(0, this.items.length - MAX_ENTRIES);
  }

  entries(): readonly RequestLogEntry[] {
    return this.items;
  }

  /** entries logged at or after `at` (ms since epoch) */
  since(at: number): RequestLogEntry[] {
    return this.items.filter((e) => e.at >= at);
  }
}
