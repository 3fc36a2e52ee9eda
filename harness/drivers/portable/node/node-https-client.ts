/**
 * Client driver `node-https`: one `https.request` GET / with the plan's TLS options, through a
 * fresh one-shot Agent (what `agent: false` creates, plus one override), so no pooled socket
 * or cached session leaks between connections. Accepted only on `200` with body `tlsgate-ok`.
 * Its pool (`openPool`) is one keep-alive Agent per scenario: a step that reuses the connection
 * sends its request over the socket the Agent kept, as a long-lived service does.
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
  peerCertificateSeen, rejection, targetOf, targetTlsOptions, timeoutMessage, tlsOptionsFromPlan, nodeDriverInfo,
  type SeenPeerCertificate,
} from '../client-common.js';
import type { ClientDriver, ClientHooks, ClientPlan, ClientPool, DriverInfo, PeerDecision } from '../types.js';
import { clientContexts } from './secure-contexts.js';

type OnSocket = (err: Error | null, socket: Duplex) => void;

/**
 * An agent that records every socket it makes and gates it behind the hook. `options` are the
 * Agent's own (a library driver hands its TLS options to the Agent, as users of axios or
 * node-fetch do); session caching stays off whatever they say, and keep-alive is on only for a
 * scenario's pool.
 */
export class RecordingAgent extends Agent {
  /** the recorder of the socket made last */
  recorder: HandshakeRecorder | undefined;
  socket: TLSSocket | undefined;
  refusal: PeerDecision | undefined;
  readonly recorders = new WeakMap<object, HandshakeRecorder>();

  constructor(public plan: ClientPlan, public hooks: ClientHooks, options: AgentOptions = {}, keepAlive = false) {
    super({ ...options, ...(keepAlive ? { keepAlive: true, maxSockets: 1 } : { keepAlive: false }), maxCachedSessions: 0 });
  }

  override createConnection(options: RequestOptions, onSocket?: OnSocket): Duplex | null | undefined {
    const seen: SeenPeerCertificate = {};
    const socket = super.createConnection(peerCertificateSeen(options, seen)) as TLSSocket;
    this.socket = socket;
    const recorder = new HandshakeRecorder(socket, !!this.plan.requestOCSP, seen);
    this.recorder = recorder;
    this.recorders.set(socket, recorder);
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
    const agent = new RecordingAgent(plan, hooks);
    return getOnce(agent, plan, signal, () => {
      agent.socket?.destroy();
      agent.destroy();
    });
  },

  openPool: () => new KeepAlivePool(),
};

/** one keep-alive Agent: `reuse` requests go over its kept socket with the options it was made with */
class KeepAlivePool implements ClientPool {
  private agent: RecordingAgent | undefined;

  async request(plan: ClientPlan, hooks: ClientHooks, reuse: boolean, signal: AbortSignal): Promise<ClientObservation> {
    signal.throwIfAborted();
    // a new connection replaces the agent, and with it every socket the old one kept
    if (!reuse || !this.agent) {
      this.agent?.destroy();
      this.agent = new RecordingAgent(plan, hooks, {}, true);
    }
    const agent = this.agent;
    // a socket goes back to the free list a tick after its response ended
    await new Promise((resolve) => setImmediate(resolve));
    return getOnce(agent, agent.plan, signal, () => undefined);
  }

  async close(): Promise<void> {
    this.agent?.destroy();
    this.agent = undefined;
  }
}

/** GET / through `agent`; `release` runs once the request ended, whichever way */
function getOnce(agent: RecordingAgent, plan: ClientPlan, signal: AbortSignal, release: () => void): Promise<ClientObservation> {
  const target = targetOf(plan);
  const options: RequestOptions = {
    ...clientContexts.withContext(tlsOptionsFromPlan(plan)),
    ...targetTlsOptions(target),
    agent,
    hostname: target.connectHost,
    port: plan.port,
    path: '/',
    method: 'GET',
  };
  let req: ReturnType<typeof request> | undefined;
  const recorder = () => (req?.socket && agent.recorders.get(req.socket)) || agent.recorder;
  const rejected = (code: string | undefined, message: string) => rejection(recorder(), code, message);
  let failed = false;
  return bounded<ClientObservation>({
    timeoutMs: plan.timeoutMs,
    signal,
    onTimeout: () => {
      failed = true;
      return rejected(CODES.timeout, timeoutMessage(plan.timeoutMs, recorder()?.handshakeDone ?? false));
    },
    cleanup: () => {
      if (failed) req?.destroy();
      release();
    },
  }, (bound) => {
    try {
      req = request(options);
    } catch (err) {
      failed = true;
      return bound.settle(configRejection(err));
    }
    const fail = (observation: ClientObservation) => {
      failed = true;
      bound.settle(observation);
    };
    req.on('error', (err) => {
      if (agent.refusal && !agent.refusal.allow) return fail(rejected(agent.refusal.code, agent.refusal.message));
      const { code, message } = errorFacts(err);
      fail(rejected(code, message));
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', () => undefined);
      res.on('end', () => {
        if (res.statusCode === 200 && body === OK_BODY) {
          return bound.settle({ ...recorder()!.accepted(), ...(req!.reusedSocket ? { connectionReused: true } : {}) });
        }
        fail(rejected(CODES.unexpectedResponse, `unexpected answer: HTTP ${res.statusCode} ${JSON.stringify(body.slice(0, 80))}`));
      });
    });
    req.end();
  });
}
