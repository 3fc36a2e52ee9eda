/**
 * A TLS library refused an end's own configuration before any connection (e.g. the server's
 * SHA-1 signed certificate: ERR_SSL_CA_MD_TOO_WEAK). That is an observable result of the stack
 * under test, not a tlsgate bug: the engine turns it into an Observation with
 * `observeSetupFailure` (harness/verdict/observe.ts) instead of an error verdict.
 */
import type { Side } from '../../model/domain.js';

export class TlsSetupError extends Error {
  override readonly name = 'TlsSetupError';

  constructor(
    readonly side: Side,
    /** the library's code, e.g. ERR_SSL_CA_MD_TOO_WEAK */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }

  static from(side: Side, err: unknown): TlsSetupError {
    const e = err as { code?: unknown; message?: unknown };
    return new TlsSetupError(side, typeof e?.code === 'string' ? e.code : undefined, String(e?.message ?? err));
  }
}
