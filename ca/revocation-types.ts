/** Faults the CRL server and OCSP responder can inject. Each produces exactly the bytes it names. */
export type Fault =
  /** answer correctly after `ms` milliseconds */
  | { kind: 'delay'; ms: number }
  /** accept the request and never answer (until the server closes) */
  | { kind: 'hang' }
  /** answer with this HTTP status and an empty body */
  | { kind: 'http-status'; status: number }
  /** the correct answer cut to half its length */
  | { kind: 'truncate' }
  /** random bytes instead of DER */
  | { kind: 'garbage' }
  /** send the body one byte every `intervalMs` */
  | { kind: 'trickle'; intervalMs: number }
  /** an endless body */
  | { kind: 'endless' }
  /** nextUpdate in the past (CRL and OCSP) */
  | { kind: 'stale' }
  /** thisUpdate in the future (CRL and OCSP) */
  | { kind: 'future' }
  /** signed by a key unrelated to the CA */
  | { kind: 'wrong-key' }
  /** OCSP: signed by a delegated responder cert that lacks id-kp-OCSPSigning */
  | { kind: 'signer-without-eku' }
  /** OCSP: the SingleResponse names another certificate's CertID */
  | { kind: 'certid-mismatch' }
  /** OCSP: a nonce that differs from the request's */
  | { kind: 'nonce-mismatch' }
  /** OCSP: a signed answer with certStatus unknown */
  | { kind: 'unknown-status' }
  /** OCSP: an error responseStatus instead of a response */
  | { kind: 'ocsp-status'; status: OcspErrorStatus };

export type OcspErrorStatus = 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized';

export type FaultKind = Fault['kind'];

/** Where a fault applies: every request about a CA, or only about one certificate. */
export type FaultScope = { caId: string } | { certId: string };

/** One request either server received; scenarios use it to prove the client really checked. */
export interface RequestLogEntry {
  /** ms since epoch */
  readonly at: number;
  readonly server: 'crl' | 'ocsp';
  readonly method: string;
  readonly path: string;
  /** CA the request was about, when known */
  readonly caId: string | undefined;
  /** serials (hex) asked about; for a CRL fetch, empty */
  readonly serials: readonly string[];
  /** e.g. `crl`, `good`, `revoked`, `unknown`, `malformedRequest`, `http 404` */
  readonly answer: string;
  readonly fault: FaultKind | undefined;
  readonly durationMs: number;
}
