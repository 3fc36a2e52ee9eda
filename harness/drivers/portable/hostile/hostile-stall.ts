/**
 * Client driver `hostile-stall`: sends a real ClientHello (Node's own, for this plan), then
 * never says another word: a slowloris on the handshake, or a client whose process froze. It
 * reads (and drops) whatever the server sends, so it is the server's behaviour that decides the
 * observation, seen from the wire:
 *   - the server held the half-open handshake until the plan's timeout: TLSGATE_TIMEOUT (timeout);
 *   - the server closed it first (a handshake timeout shorter than ours): TLSGATE_CLOSED_DURING_HANDSHAKE (reset);
 *   - the server reset it: the socket's code, e.g. ECONNRESET (reset).
 * The message says how long the server kept it and how many bytes it sent (its ServerHello
 * flight, or nothing); what the server recorded is in the observation's `server` part.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CODES } from '../../../model/codes.js';
import type { ClientObservation } from '../../../model/domain.js';
import { bounded, errorFacts } from '../client-common.js';
import { captureClientHello } from './hostile-client-hello.js';
import type { ClientDriver, ClientHooks, ClientPlan, DriverInfo } from '../types.js';

export const hostileStallClient: ClientDriver = {
  name: 'hostile-stall',

  async info(): Promise<DriverInfo> {
    return { name: 'hostile-stall', version: `ClientHello of node ${process.versions.node} (OpenSSL ${process.versions.openssl}), then silence`, source: 'tlsgate' };
  },

  async connect(plan: ClientPlan, _hooks: ClientHooks, signal: AbortSignal): Promise<ClientObservation> {
    signal.throwIfAborted();
    const hello = await captureClientHello(plan, signal);
    return stallAfter(hello, plan, signal);
  },
};

function stallAfter(hello: Buffer, plan: ClientPlan, signal: AbortSignal): Promise<ClientObservation> {
  const started = performance.now();
  const heldMs = () => Math.round(performance.now() - started);
  let socket: Socket | undefined;
  let serverBytes = 0;
  const sent = () => (serverBytes === 0 ? 'it sent nothing' : `it sent ${serverBytes} bytes`);
  const rejected = (code: string | undefined, message: string): ClientObservation => ({ outcome: 'rejected', ...(code ? { code } : {}), message });
  return bounded<ClientObservation>({
    timeoutMs: plan.timeoutMs,
    signal,
    onTimeout: () => rejected(CODES.timeout, `the server held the stalled handshake open for ${plan.timeoutMs} ms (${sent()}) without closing it`),
    cleanup: () => socket?.destroy(),
  }, (bound) => {
    socket = connect({ host: plan.host, port: plan.port }, () => socket!.write(hello));
    socket.on('data', (chunk: Buffer) => { serverBytes += chunk.length; });
    socket.on('error', (err) => {
      const { code, message } = errorFacts(err);
      bound.settle(rejected(code, `${message} after ${heldMs()} ms of a stalled handshake (${sent()})`));
    });
    socket.on('close', () => {
      bound.settle(rejected(CODES.closedDuringHandshake, `the server closed the stalled handshake after ${heldMs()} ms (${sent()})`));
    });
  });
}
