/**
 * One PKI as the revocation servers see it: its materials, who is revoked, which faults are on,
 * what was asked. The CRL server and the OCSP responder share these by namespace, so many
 * scenarios (each its own namespace) can use one pair of servers at once.
 */
import type { Materials, RevocationEndpoints } from './materials.js';
import { FaultTable } from './fault-table.js';
import { RequestLog } from './request-log.js';
import { RevocationRegistry } from './revocation-registry.js';

export class AttachedPki {
  readonly registry: RevocationRegistry;
  readonly faults = new FaultTable();
  readonly log = new RequestLog();
  private readonly crlNumbers = new Map<string, bigint>();
  private readonly bySerial = new Map<string, string>();

  constructor(readonly namespace: string, readonly materials: Materials, readonly endpoints: RevocationEndpoints) {
    this.registry = new RevocationRegistry(materials);
    for (const cert of materials.certs.values()) {
      if (cert.issuerId !== undefined) this.bySerial.set(serialKey(cert.issuerId, cert.serialHex), cert.id);
    }
  }

  /** CRL numbers grow with every CRL issued (RFC 5280 5.2.3) */
  nextCrlNumber(caId: string): bigint {
    const next = (this.crlNumbers.get(caId) ?? 0n) + 1n;
    this.crlNumbers.set(caId, next);
    return next;
  }

  /** the id of the certificate `caId` issued with this serial */
  certBySerial(caId: string, serialHex: string): string | undefined {
    return this.bySerial.get(serialKey(caId, serialHex));
  }
}

const serialKey = (caId: string, serialHex: string) => `${caId}\0${serialHex.toLowerCase().replace(/^(?:00)+(?=.)/, '')}`;

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
