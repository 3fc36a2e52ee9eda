/**
 * Faults switched on per CA or per certificate, for the CRL server or the OCSP responder, at
 * run time. A certificate's own fault wins over its CA's.
 */
import type { Fault, FaultScope } from './revocation-types.js';

export type RevocationServerKind = 'crl' | 'ocsp';

export class FaultTable {
  private readonly faults = new Map<string, Fault>();

  set(scope: FaultScope, server: RevocationServerKind, fault: Fault): void {
    this.faults.set(keyOf(scope, server), fault);
  }

  clear(scope: FaultScope, server: RevocationServerKind): void {
    this.faults.delete(keyOf(scope, server));
  }

  clearAll(): void {
    this.faults.clear();
  }

  /** the fault for a request about `caId` (and, for OCSP, these certificates) */
  lookup(server: RevocationServerKind, caId: string, certIds: readonly string[] = []): Fault | undefined {
    for (const certId of certIds) {
      const fault = this.faults.get(keyOf({ certId }, server));
      if (fault) return fault;
    }
    return this.faults.get(keyOf({ caId }, server));
  }
}

const keyOf = (scope: FaultScope, server: RevocationServerKind): string =>
  'caId' in scope ? `${server}\0ca\0${scope.caId}` : `${server}\0cert\0${scope.certId}`;
