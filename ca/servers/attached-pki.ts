/**
 * One PKI as the revocation servers see it: its materials, who is revoked, which faults are on,
 * what was asked. The CRL server and the OCSP responder share these by namespace, so many
 * scenarios (each its own namespace) can use one pair of servers at once.
 */
import { canonicalSerialHex } from '../asn1/asn1-values.js';
import type { Materials, RevocationEndpoints } from '../issue/materials.js';
import { FaultTable } from '../revocation/fault-table.js';
import { RequestLog } from '../revocation/request-log.js';
import { RevocationRegistry } from '../revocation/revocation-registry.js';
import { NO_AUDIT, type AuditSink } from '../spec/audit.js';

export interface AttachOptions {
  /** by CA id, CRLs served as written (a team's own) */
  ownCrls?: ReadonlyMap<string, Buffer> | undefined;
  audit?: AuditSink | undefined;
}

export class AttachedPki {
  readonly registry: RevocationRegistry;
  readonly faults = new FaultTable();
  readonly log = new RequestLog();
  private readonly crlNumbers = new Map<string, bigint>();
  private readonly baseNumbers = new Map<string, bigint>();
  private readonly bySerial = new Map<string, string>();

  private readonly signs = new Map<string, boolean>();
  /** CRLs a CA's owner wrote (DER, by CA id), served as-is instead of one tlsgate signs */
  readonly ownCrls: ReadonlyMap<string, Buffer>;
  /** hears what the CA does for this PKI: revocations, CRLs published, OCSP answers */
  readonly audit: AuditSink;

  constructor(readonly namespace: string, readonly materials: Materials, readonly endpoints: RevocationEndpoints, options: AttachOptions = {}) {
    this.ownCrls = options.ownCrls ?? new Map();
    this.audit = options.audit ?? NO_AUDIT;
    this.registry = new RevocationRegistry(materials, this.audit);
    for (const cert of materials.certs.values()) {
      if (cert.issuerId !== undefined) this.bySerial.set(serialKey(cert.issuerId, cert.serialHex), cert.id);
    }
  }

  /** CRL numbers grow with every CRL issued, base or delta (RFC 5280 5.2.3) */
  nextCrlNumber(caId: string, kind: 'base' | 'delta' | 'indirect'): bigint {
    const next = (this.crlNumbers.get(caId) ?? 0n) + 1n;
    this.crlNumbers.set(caId, next);
    if (kind === 'base') this.baseNumbers.set(caId, next);
    return next;
  }

  /** the number of the last base CRL issued: what a delta CRL names as its base */
  baseCrlNumber(caId: string): bigint | undefined {
    return this.baseNumbers.get(caId);
  }

  /** a CA, or at least a cert that issued others in this PKI: only those get CRLs and OCSP */
  isIssuer(certId: string): boolean {
    const cert = this.materials.certs.get(certId);
    return !!cert && (cert.isCa || [...this.materials.certs.values()].some((c) => c.issuerId === certId && c.id !== certId));
  }

  /** tlsgate holds the key of `certId` (always for generated certificates; for a team's, when it gave it) */
  canSign(certId: string): boolean {
    let can = this.signs.get(certId);
    if (can === undefined) {
      try {
        this.materials.key(certId);
        can = true;
      } catch {
        can = false;
      }
      this.signs.set(certId, can);
    }
    return can;
  }

  /** the id of the certificate `caId` issued with this serial */
  certBySerial(caId: string, serialHex: string): string | undefined {
    return this.bySerial.get(serialKey(caId, serialHex));
  }
}

/** a team's certificate may carry a serial no CA should (negative, oversized): it keys as written */
const serialKey = (caId: string, serialHex: string) => `${caId}\0${canonicalOrAsIs(serialHex)}`;

function canonicalOrAsIs(serialHex: string): string {
  try {
    return canonicalSerialHex(serialHex);
  } catch {
    return serialHex.toLowerCase();
  }
}

/** namespaces -> attached PKIs */
export class PkiDirectory {
  private readonly pkis = new Map<string, AttachedPki>();

  attach(pki: AttachedPki): void {
    if (this.pkis.has(pki.namespace)) throw new Error(`namespace '${pki.namespace}' is already attached to the revocation servers`);
    this.pkis.set(pki.namespace, pki);
  }

  detach(namespace: string): void {
    this.pkis.delete(namespace);
  }

  get(namespace: string): AttachedPki | undefined {
    return this.pkis.get(namespace);
  }
}
