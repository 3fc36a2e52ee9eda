/**
 * `--audit FILE`: the mock CA's events (ca/spec/audit.ts) as JSON Lines, in the order they
 * happened, each with a sequence number, the time and the scenario it belongs to. Lines are
 * written synchronously as events arrive, so the file is complete up to the last event even
 * when a run is interrupted, and concurrent scenarios interleave in true order.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { AuditEvent, AuditSink } from '../../ca/spec/audit.js';

/** one line of the audit log */
export type AuditLine = { seq: number; at: string; scenario?: string } & AuditEvent;

export class AuditLog {
  private seq = 0;
  private fd: number | undefined;

  /** `path`: the JSON Lines file (created or truncated, 0644); `echo`: also hear every line (serve prints them) */
  constructor(path: string | undefined, private readonly echo?: (line: AuditLine) => void) {
    this.fd = path === undefined ? undefined : openSync(path, 'w');
  }

  /** a sink whose events are marked as `scenario`'s (none for serve's one PKI) */
  sink(scenario?: string): AuditSink {
    return { record: (event) => this.write(event, scenario) };
  }

  private write(event: AuditEvent, scenario: string | undefined): void {
    const line: AuditLine = { seq: ++this.seq, at: new Date().toISOString(), ...(scenario !== undefined ? { scenario } : {}), ...event };
    if (this.fd !== undefined) writeSync(this.fd, `${JSON.stringify(line)}\n`);
    this.echo?.(line);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
