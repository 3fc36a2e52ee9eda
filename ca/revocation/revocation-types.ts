/**
 * Faults the CRL server and OCSP responder can inject. Each produces exactly the bytes it names.
 * Defined once, as the scenario schema's `fault` definition (a union discriminated by `kind`).
 */
import Type, { type Static, type TObject, type TProperties, type TUnsafe } from 'typebox';
import { closed, named, stringEnum } from '../spec/json-schema.js';

export const OCSP_ERROR_STATUSES = ['malformedRequest', 'internalError', 'tryLater', 'sigRequired', 'unauthorized'] as const;
export type OcspErrorStatus = (typeof OCSP_ERROR_STATUSES)[number];

/** one kind of fault: `{ kind, ...its parameters }`, refusing other keys */
function fault<K extends string, P extends TProperties = Record<never, never>>(kind: K, description: string, parameters?: P): TObject<{ kind: TUnsafe<K> } & P> {
  const tag = Type.Unsafe<K>({ const: kind, description: `\`${kind}\`: ${description}` });
  return closed(description, { kind: tag, ...(parameters ?? {}) } as { kind: TUnsafe<K> } & P);
}

const FAULT_VARIANTS = [
  fault('delay', 'answer correctly after `ms` milliseconds', { ms: Type.Integer({ minimum: 0, maximum: 600000, description: 'how long to wait before answering, ms' }) }),
  fault('hang', 'accept the request and never answer (until the server closes)'),
  fault('http-status', 'answer with this HTTP status and an empty body', { status: Type.Integer({ minimum: 100, maximum: 599, description: 'the HTTP status code, e.g. 404 or 500' }) }),
  fault('truncate', 'the correct answer cut to half its length'),
  fault('garbage', 'random bytes instead of DER'),
  fault('trickle', 'send the body one byte every `intervalMs`', { intervalMs: Type.Integer({ minimum: 1, maximum: 600000, description: 'pause between two bytes, ms' }) }),
  fault('endless', 'an endless body'),
  fault('stale', 'nextUpdate in the past (CRL and OCSP)'),
  fault('future', 'thisUpdate in the future (CRL and OCSP)'),
  fault('wrong-key', 'signed by a key unrelated to the CA'),
  fault('signer-without-eku', 'OCSP: signed by a delegated responder cert that lacks id-kp-OCSPSigning'),
  fault('certid-mismatch', 'OCSP: the SingleResponse names another certificate\'s CertID'),
  fault('nonce-mismatch', 'OCSP: a nonce that differs from the request\'s'),
  fault('unknown-status', 'OCSP: a signed answer with certStatus unknown'),
  fault('ocsp-status', 'OCSP: an error responseStatus instead of a response', { status: stringEnum(OCSP_ERROR_STATUSES, 'the OCSP responseStatus to answer with') }),
] as const;

export type Fault = Static<(typeof FAULT_VARIANTS)[number]>;
export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = FAULT_VARIANTS.map((v) => (v.properties.kind as { const?: unknown }).const as FaultKind);

export const FaultSchema = named('fault', Type.Unsafe<Fault>({
  type: 'object',
  description: 'What goes wrong; `kind` says which fault.',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: FAULT_VARIANTS,
}));

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
