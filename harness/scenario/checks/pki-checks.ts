/**
 * The PKI's own consistency (issuers exist, no cycles, ids unique, possible validity windows)
 * is ca/spec/validate-spec.ts's job; this adapts its problems to the file. It runs only once the
 * `pki` section has the right shape: validatePkiSpec takes a typed PkiSpec, and a shape problem
 * is already reported by the schema (never twice).
 */
import type { PkiSpec } from '../../../ca/spec/spec.js';
import { validatePkiSpec } from '../../../ca/spec/validate-spec.js';
import type { PkiInput } from '../schema/input.js';
import type { Finding } from '../problems.js';

/** `files`: the pki.files certificate ids, which a generated certificate may name as issuer (references.ts checks them) */
export function pkiFindings(pki: PkiSpec, files: ReadonlySet<string> = new Set()): Finding[] {
  try {
    return validatePkiSpec(pki, { externalIssuers: files }).map((p) => ({ path: ['pki', ...p.path], message: p.message, ...(p.hint !== undefined ? { hint: p.hint } : {}) }));
  } catch (err) {
    // a bug there must not hide the file's other problems, nor crash a validate run
    return [{ path: ['pki'], message: `the PKI check failed: ${(err as Error).message}`, hint: 'this is a bug in tlsgate; please report it with this file' }];
  }
}

/** the spec the factory issues: `files` are PEM files, not part of it */
export function pkiSpecOf(pki: PkiInput | undefined): PkiSpec {
  return {
    certs: pki?.certs ?? [],
    ...(pki?.revoked !== undefined ? { revoked: pki.revoked } : {}),
    ...(pki?.responders !== undefined ? { responders: pki.responders } : {}),
  };
}

/** the spec without its entries about files certificates (references.ts checks those) */
export function generatedPart(spec: PkiSpec, files: ReadonlySet<string>): PkiSpec {
  const { revoked, responders, ...rest } = spec;
  const kept = {
    revoked: revoked?.filter((r) => !files.has(r.cert)),
    responders: responders?.filter((r) => !files.has(r.ca) && (r.signer === undefined || !files.has(r.signer))),
  };
  return { ...rest, ...(kept.revoked ? { revoked: kept.revoked } : {}), ...(kept.responders ? { responders: kept.responders } : {}) };
}
