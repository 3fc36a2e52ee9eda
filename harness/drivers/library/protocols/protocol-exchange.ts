/**
 * What the protocol-library drivers (pg, mysql2, ioredis, nodemailer) share: where the library is
 * told to connect (the scenario's name, resolved to the server's loopback address by a lookup
 * of tlsgate's, so the library derives SNI and the name check itself as for a real host), one
 * real operation bounded by the plan's timeout, the library closed on every path, and the
 * library's own error kept as it reported it.
 *
 * Libraries that wrap the TLS error (mysql2 `HANDSHAKE_SSL_ERROR`, nodemailer `ESOCKET` with
 * `originalCode`, ...) keep their own code; the cause's code is appended to the message as
 * `[cause: CODE]`, which the taxonomy reads when the library's code says nothing about TLS.
 */
import { connect as netConnect, Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { CODES } from '../../../model/codes.js';
import type { ClientObservation } from '../../../model/domain.js';
import { bounded, readableMessage, targetOf, type Target } from '../../portable/client-common.js';
import type { ClientPlan } from '../../portable/types.js';
import { libraryTlsOptions } from '../http/http-exchange.js';

export { libraryTlsOptions };

/** the host a library is given, and how a socket to it reaches the server */
export interface ProtocolTarget {
  /** the scenario's servername (a DNS name or an IP literal), or the server's address */
  host: string;
  target: Target;
  /** a plain TCP socket connecting to the server, for libraries that take a connected socket */
  socket(): Socket;
  /**
   * a plain TCP socket not yet connected, for libraries that call `connect(port, host)` on it
   * themselves (pg's `stream`): that call reaches the server whatever host it names
   */
  unconnectedSocket(): Socket;
}

export function protocolTarget(plan: ClientPlan): ProtocolTarget {
  const target = targetOf(plan);
  const host = target.lookup ? target.connectHost : plan.host;
  return {
    host,
    target,
    socket: () => netConnect(where()),
    unconnectedSocket: () => {
      const socket = new Socket();
      const connect = socket.connect.bind(socket) as (options: object, listener?: () => void) => Socket;
      socket.connect = ((...args: unknown[]) => connect(where(), args.find((a): a is () => void => typeof a === 'function'))) as Socket['connect'];
      return socket;
    },
  };
  function where() {
    return { host: target.connectHost, port: plan.port, ...(target.lookup ? { lookup: target.lookup } : {}) };
  }
}

/** the plan's TLS options with the checked name when it is not the connected address */
export function protocolTlsOptions(plan: ClientPlan, target: Target): ConnectionOptions {
  return { ...libraryTlsOptions(plan), ...(target.checkServerIdentity ? { checkServerIdentity: target.checkServerIdentity } : {}) };
}

/** what the TLS socket revealed, when the library lets one reach it after the operation */
export function tlsFacts(socket: unknown): Partial<ClientObservation> {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (!tls || typeof tls.getProtocol !== 'function') return {};
  return { protocol: tls.getProtocol() ?? undefined, cipher: tls.getCipher?.()?.standardName };
}

/** the library's error as it reported it, with the TLS cause it wrapped */
export function libraryRejection(err: unknown): ClientObservation {
  const e = err as { code?: unknown; originalCode?: unknown; cause?: { code?: unknown } };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.code === 'number' ? String(e.code) : undefined;
  const causeCode = [e?.originalCode, e?.cause?.code].find((c): c is string => typeof c === 'string' && c !== code);
  const message = readableMessage(err) + (causeCode ? ` [cause: ${causeCode}]` : '');
  return { outcome: 'rejected', ...(code ? { code } : {}), message };
}

/**
 * Runs the library's operation: `run` resolves to the answer and the TLS socket (when reachable)
 * and is accepted only when `answered(answer)`; `close` ends the library's connection on every path.
 */
export function protocolExchange<A>(
  plan: ClientPlan,
  signal: AbortSignal,
  opts: { run: () => Promise<{ answer: A; socket?: unknown }>; answered: (answer: A) => boolean; close: () => void; describe: (answer: A) => string },
): Promise<ClientObservation> {
  return bounded<ClientObservation>({
    timeoutMs: plan.timeoutMs,
    signal,
    onTimeout: () => ({ outcome: 'rejected', code: CODES.timeout, message: `no answer from the library within ${plan.timeoutMs} ms` }),
    cleanup: () => {
      try {
        opts.close();
      } catch {
        // closing a connection that never opened may throw in some libraries: nothing to free
      }
    },
  }, (bound) => {
    opts.run().then(({ answer, socket }) => {
      if (opts.answered(answer)) return bound.settle({ outcome: 'accepted', ...tlsFacts(socket) });
      bound.settle({ outcome: 'rejected', code: CODES.unexpectedResponse, message: `unexpected answer: ${opts.describe(answer)}` });
    }, (err: unknown) => bound.settle(libraryRejection(err)));
  });
}
