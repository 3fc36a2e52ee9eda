/**
 * Client driver `node-https`: one `https.request` GET / with the plan's TLS options, through a
 * fresh one-shot Agent (what `agent: false` creates, plus one override), so no pooled socket
 * or cached session leaks between connections. Accepted only on `200` with body `tlsgate-ok`.
 *
 * The override: `createConnection` hands the TLS socket to the request only after
 * 'secureConnect' and the afterHandshake hook, so a hook refusal happens before any HTTP byte is
 * written (a ClientRequest buffers its head until it has a socket). Without a hook the socket is
 * handed over at once, exactly as `agent: false` does.
 */
import { Agent, request, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { CODES } from '../../../model/codes.js';
import type { ClientObservation } from '../../../model/domain.js';
import {
  bounded, configRejection, decideAfterHandshake, errorFacts, HandshakeRecorder, OK_BODY,
  rejection, targetOf, targetTlsOptions, timeoutMessage, tlsOptionsFromPlan, nodeDriverInfo,
} from '../client-common.js';
import type { ClientDriver, ClientHooks, ClientPlan, DriverInfo, PeerDecision } from '../types.js';

type OnSocket = (err: Error | null, socket: Duplex) => void;

/**
 * One connection's agent: records the socket and gates it behind the hook. `options` are the
 * Agent's own (a library driver hands its TLS options to the Agent, as users of axios or
 * node-fetch do); keep-alive and session caching stay off whatever they say.
 */
export class OneShotAgent extends Agent {
  recorder: HandshakeRecorder | undefined;
  socket: TLSSocket | undefined;
  refusal: PeerDecision | undefined;

  constructor(private readonly plan: ClientPlan, private readonly hooks: ClientHooks, options: AgentOptions = {}) {
    super({ ...options, keepAlive: false, maxCachedSessions: 0 });
  }

  override createConnection(options: RequestOptions, onSocket?: OnSocket): Duplex | null | undefined {
    const socket = super.createConnection(options) as TLSSocket;
    this.socket = socket;
    const recorder = new HandshakeRecorder(socket, !!this.plan.requestOCSP);
    this.recorder = recorder;
    socket.once('secureConnect', () => recorder.captureHandshake(socket));
    if (!this.hooks.afterHandshake || !onSocket) return socket;
    this.handOverAfterHook(socket, recorder, onSocket);
    return undefined;
  }

  private handOverAfterHook(socket: TLSSocket, recorder: HandshakeRecorder, onSocket: OnSocket): void {
    const onEarlyError = (err: Error) => onSocket(err, socket);
    socket.once('error', onEarlyError);
    socket.once('secureConnect', () => {
      void decideAfterHandshake(this.hooks, recorder.facts()).then((decision) => {
        socket.off('error', onEarlyError);
        if (socket.destroyed) return onSocket(new Error('the connection closed during the afterHandshake hook'), socket);
        if (decision.allow) return onSocket(null, socket);
        this.refusal = decision;
        socket.destroy();
        onSocket(Object.assign(new Error(decision.message), { code: decision.code }), socket);
      });
    });
  }
}

export const nodeHttpsClient: ClientDriver = {
  name: 'node-https',

  async info(): Promise<DriverInfo> {
    return nodeDriverInfo('node-https');
  },

  async connect(plan: ClientPlan, hooks: ClientHooks, signal: AbortSignal): Promise<ClientObservation> {
    signal.throwIfAborted();
    const target = targetOf(plan);
    const agent = new OneShotAgent(plan, hooks);
    const options: RequestOptions = {
      ...tlsOptionsFromPlan(plan),
      ...targetTlsOptions(target),
      agent,
      hostname: target.connectHost,
      port: plan.port,
      path: '/',
      method: 'GET',
    };
    const rejected = (code: string | undefined, message: string) => rejection(agent.recorder, code, message);
    let req: ReturnType<typeof request> | undefined;
    return bounded<ClientObservation>({
      timeoutMs: plan.timeoutMs,
      signal,
      onTimeout: () => rejected(CODES.timeout, timeoutMessage(plan.timeoutMs, agent.recorder?.handshakeDone ?? false)),
      cleanup: () => {
        req?.destroy();
        agent.socket?.destroy();
        agent.destroy();
      },
    }, (bound) => {
      try {
        req = request(options);
      } catch (err) {
        return bound.settle(configRejection(err));
      }
      req.on('error', (err) => {
        if (agent.refusal && !agent.refusal.allow) return bound.settle(rejected(agent.refusal.code, agent.refusal.message));
        const { code, message } = errorFacts(err);
        bound.settle(rejected(code, message));
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', () => undefined);
        res.on('end', () => {
          if (res.statusCode === 200 && body === OK_BODY) return bound.settle(agent.recorder!.accepted());
          bound.settle(rejected(CODES.unexpectedResponse, `unexpected answer: HTTP ${res.statusCode} ${JSON.stringify(body.slice(0, 80))}`));
        });
      });
      req.end();
    });
  },
};
