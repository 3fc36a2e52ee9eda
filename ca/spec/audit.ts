/**
 * What the mock CA did, as events: certificates issued, revoked and reinstated, CRLs published,
 * OCSP requests answered. The CA emits them into an AuditSink it is given; it never knows where
 * they go (the harness writes them as JSON Lines for `--audit FILE`, `serve` prints them live).
 * Plain data: serials are lowercase hex, times ISO 8601, CRL numbers decimal strings.
 */

export interface IssuedEvent {
  event: 'issued';
  cert: string;
  serial: string;
  subject: string;
  /** as Node prints them: `DNS:localhost`, `IP Address:127.0.0.1`, `URI:spiffe://...`, `email:...` */
  san: string[];
  notBefore: string;
  notAfter: string;
  /** the issuer's id; null for a self-signed certificate */
  issuer: string | null;
  /** the key type, e.g. `ec-p256`, `rsa-2048` */
  key: string;
  ca: boolean;
  fingerprint256: string;
}

export interface RevokedEvent {
  event: 'revoked';
  cert: string;
  serial: string;
  reason: string;
  /** the revocation time the CRL and OCSP answers carry */
  time: string;
}

export interface UnrevokedEvent {
  event: 'unrevoked';
  cert: string;
  serial: string;
  /** the reason of the revocation that was lifted */
  reason: string;
}

export interface CrlPublishedEvent {
  event: 'crl-published';
  ca: string;
  kind: 'base' | 'delta' | 'indirect';
  number: string;
  thisUpdate: string;
  nextUpdate: string;
  entries: Array<{ serial: string; reason: string; time: string }>;
  /** a content fault the scenario injected into this CRL */
  fault?: string;
}

export interface OcspAnsweredEvent {
  event: 'ocsp-answered';
  ca: string;
  /** one per certificate asked about; empty for an error response */
  answers: Array<{ serial: string; status: string }>;
  /** set for an error response (`malformedRequest`, `unauthorized`, `tryLater`, ...) */
  responseStatus?: string;
  /** the nonce sent back, hex; null when the answer carries none */
  nonce: string | null;
  /** the client's address and port */
  requester: string;
  fault?: string;
}

export type AuditEvent = IssuedEvent | RevokedEvent | UnrevokedEvent | CrlPublishedEvent | OcspAnsweredEvent;

export interface AuditSink {
  record(event: AuditEvent): void;
}

/** the sink of a CA nobody audits */
export const NO_AUDIT: AuditSink = { record: () => undefined };
