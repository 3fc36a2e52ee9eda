/**
 * Who is revoked, for one PKI, changeable while the servers run. The CRL server and the OCSP
 * responder read it on every request, so a revocation shows in the very next answer.
 */
import type { Materials } from '../issue/materials.js';
import type { RevocationReason, TimeSpec } from '../spec/spec.js';
import { resolveTime } from '../spec/time.js';
import { NO_AUDIT, type AuditSink } from '../spec/audit.js';

export interface Revocation {
  readonly certId: string;
  readonly serialHex: string;
  readonly reason: RevocationReason;
  readonly revokedAt: Date;
  readonly invalidityDate?: Date;
}

export interface RevokeOptions {
  /** default keyCompromise */
  reason?: RevocationReason | undefined;
  /** default `-1h` */
  time?: TimeSpec | Date | undefined;
  invalidityDate?: TimeSpec | Date | undefined;
}

export class RevocationRegistry {
  private readonly revoked = new Map<string, Revocation>();
  /** holds lifted since the PKI was attached: delta CRLs list them as removeFromCRL */
  private readonly lifted = new Map<string, Revocation>();
  private changes = 0;

  constructor(private readonly materials: Materials, private readonly audit: AuditSink = NO_AUDIT) {}

  /** grows with every change: answers made before a change are never reused after it */
  get version(): number {
    return this.changes;
  }

  revoke(certId: string, opts: RevokeOptions = {}): Revocation {
    const cert = this.materials.get(certId);
    const at = (t: TimeSpec | Date) => (t instanceof Date ? t : resolveTime(t, new Date()));
    const revocation: Revocation = {
      certId,
      serialHex: cert.serialHex,
      reason: opts.reason ?? 'keyCompromise',
      revokedAt: at(opts.time ?? '-1h'),
      ...(opts.invalidityDate !== undefined ? { invalidityDate: at(opts.invalidityDate) } : {}),
    };
    this.revoked.set(certId, revocation);
    this.lifted.delete(certId);
    this.changes++;
    this.audit.record({ event: 'revoked', cert: certId, serial: revocation.serialHex, reason: revocation.reason, time: revocation.revokedAt.toISOString() });
    return revocation;
  }

  /**
   * Lifts a revocation. RFC 5280 only allows lifting a certificateHold; tlsgate lets any
   * revocation go (a test may want exactly that) and records it for delta CRLs either way.
   */
  unrevoke(certId: string): void {
    const was = this.revoked.get(certId);
    if (!was) return;
    this.revoked.delete(certId);
    this.lifted.set(certId, was);
    this.changes++;
    this.audit.record({ event: 'unrevoked', cert: certId, serial: was.serialHex, reason: was.reason });
  }

  status(certId: string): Revocation | undefined {
    return this.revoked.get(certId);
  }

  /** revocations of certificates issued by `caId` */
  issuedBy(caId: string): Revocation[] {
    return [...this.revoked.values()].filter((r) => this.materials.get(r.certId).issuerId === caId);
  }

  /** lifted holds of certificates issued by `caId` */
  liftedFrom(caId: string): Revocation[] {
    return [...this.lifted.values()].filter((r) => this.materials.get(r.certId).issuerId === caId);
  }

  all(): Revocation[] {
    return [...this.revoked.values()];
  }
}
