/**
 * Client driver `ws`: `new WebSocket('wss://host:port/', options)` as ws's README shows it, the
 * TLS options (`ca`, `cert`, `key`, `pfx`, `passphrase`, `rejectUnauthorized`, versions,
 * ciphers) beside ws's own, which ws hands to `https.request` (websockets/ws #2168);
 * `library.tlsOptionsIn: agent` builds an `https.Agent` with them instead; `client.proxy` uses
 * https-proxy-agent as `agent`. Accepted only when the socket opened and the message sent came
 * back from the `ws-echo` server. The TLS socket is recorded from the `upgrade` response.
 */
import { Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type WebSocket from 'ws';
import { CODES } from '../../../model/codes.js';
import type { ClientObservation } from '../../../model/domain.js';
import {
  bounded, errorFacts, HandshakeRecorder, rejection, targetOf, targetTlsOptions, timeoutMessage,
} from '../../portable/client-common.js';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import { companion } from './companion.js';
import { libraryTlsOptions, withProxyAnchors } from './http-exchange.js';
import type { WsOptions } from './http-options.js';

const MESSAGE = 'tlsgate-ping';
type ProxyAgents = { HttpsProxyAgent: new (proxy: string, options: Record<string, unknown>) => Agent };

export const client: LibraryClient = {
  async connect(library, plan, _hooks, signal) {
    const WebSocketClass = moduleExports<typeof WebSocket>(library.module);
    const options = (plan.library ?? {}) as WsOptions;
    const target = targetOf(plan);
    const tls = { ...withProxyAnchors(libraryTlsOptions(plan), plan), ...targetTlsOptions(target) };
    const proxyAgent = plan.proxy ? (await companion<ProxyAgents>('https-proxy-agent')).HttpsProxyAgent : undefined;
    const agent = proxyAgent
      ? new proxyAgent(plan.proxy!.url, { ...tls })
      : options.tlsOptionsIn === 'agent' ? new Agent({ ...tls, keepAlive: false, maxCachedSessions: 0 }) : undefined;
    let recorder: HandshakeRecorder | undefined;
    let socket: WebSocket | undefined;
    return bounded<ClientObservation>({
      timeoutMs: plan.timeoutMs,
      signal,
      onTimeout: () => rejection(recorder, CODES.timeout, timeoutMessage(plan.timeoutMs, recorder?.handshakeDone ?? false)),
      cleanup: () => {
        socket?.terminate();
        agent?.destroy();
      },
    }, (bound) => {
      const url = `wss://${target.urlHost}:${plan.port}/`;
      // a proxy agent tunnels, the TLS options still go beside ws's own (as ws's README shows);
      // tlsOptionsIn: agent puts them on the agent only
      const onAgentOnly = options.tlsOptionsIn === 'agent' && !proxyAgent;
      socket = new WebSocketClass(url, onAgentOnly ? { agent, ...(target.lookup ? { lookup: target.lookup } : {}) } : { ...tls, ...(agent ? { agent } : {}) });
      socket.on('upgrade', (res) => {
        const tlsSocket = res.socket as TLSSocket;
        recorder = new HandshakeRecorder(tlsSocket, false);
        recorder.captureHandshake(tlsSocket);
      });
      socket.on('open', () => socket!.send(MESSAGE));
      socket.on('message', (data) => {
        const text = String(data);
        bound.settle(text === MESSAGE
          ? recorder?.accepted() ?? { outcome: 'accepted' }
          : rejection(recorder, CODES.unexpectedResponse, `unexpected echo: ${JSON.stringify(text.slice(0, 80))}`));
      });
      socket.on('unexpected-response', (_req, res) => {
        bound.settle(rejection(recorder, CODES.unexpectedResponse, `no WebSocket upgrade: HTTP ${res.statusCode}`));
      });
      socket.on('error', (err) => {
        const { code, message } = errorFacts(err);
        bound.settle(rejection(recorder, code, message));
      });
      socket.on('close', (closeCode) => {
        bound.settle(rejection(recorder, recorder ? CODES.closedAfterHandshake : CODES.closedDuringHandshake, `the WebSocket closed (${closeCode}) before the echo`));
      });
    });
  },
};
