/**
 * Errors a refused TLS configuration leaves on this thread's OpenSSL error queue, taken off
 * before anything else can read them.
 *
 * Node 20 (OpenSSL 3.0) refuses a group it does not know, and leaves an error queued when it
 * does: `tls.createSecureContext({ ecdhCurve: 'X25519MLKEM768' })` throws, and
 * "SSL routines::passed invalid argument" stays on the queue. The next call that reads the queue
 * without clearing it first then fails with that error. That call can be a `createPrivateKey` of
 * a valid key, or a TLS socket's check after a read, and in a run it belongs to another
 * scenario. The catalogue's post-quantum scenarios refuse that group on Node 20, so once in some
 * dozens of runs another scenario failed with `ERR_SSL_PASSED_INVALID_ARGUMENT`: an mTLS
 * client, and a PKCS#12 identity being built (an internal error).
 *
 * So wherever a TLS end refuses its own options, the queue is drained in the same synchronous
 * step, before any other scenario's code runs (client-common.ts, node-tls-server.ts,
 * secure-contexts.ts). The drain parses a valid key until the parse succeeds. A private-key parse
 * fails while any error is queued, and its failure takes the oldest one off the queue, so each
 * failed parse removes one stale error.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';

/** a queue holds at most a few: one refusal leaves one (two, when a cache tried first) */
const MAX_STALE = 16;

let probeKey: string | undefined;

/** removes the errors left on OpenSSL's queue; returns how many there were */
export function drainStaleOpenSslErrors(): number {
  probeKey ??= generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  for (let drained = 0; drained < MAX_STALE; drained++) {
    try {
      createPrivateKey(probeKey);
      return drained;
    } catch {
      // this failure took the oldest stale error off the queue
    }
  }
  return MAX_STALE;
}
