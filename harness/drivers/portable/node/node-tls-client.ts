/**
 * Client driver `node-tls`: one `tls.connect` with the plan's options, then the wire protocol
 * (PING, wait for `tlsgate-ok`) under the TLS 1.3 waiting rule.
 */
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { ClientObservation } from '../../../model/domain.js';
import { configRejection, exchangeOverTls, HandshakeRecorder, peerCertificateSeen, targetOf, tlsOptionsFromPlan, nodeDriverInfo, type SeenPeerCertificate } from '../client-common.js';
import type { ClientDriver, ClientHooks, ClientPlan, DriverInfo } from '../types.js';
import { clientContexts } from './secure-contexts.js';

export const nodeTlsClient: ClientDriver = {
  name: 'node-tls',

  async info(): Promise<DriverInfo> {
    return nodeDriverInfo('node-tls');
  },

  async connect(plan: ClientPlan, hooks: ClientHooks, signal: AbortSignal): Promise<ClientObservation> {
    signal.throwIfAborted();
    const target = targetOf(plan);
    const options: ConnectionOptions = {
      ...tlsOptionsFromPlan(plan),
      ...(target.checkServerIdentity ? { checkServerIdentity: target.checkServerIdentity } : {}),
      host: plan.host,
      port: plan.port,
      // An IP literal is never sent as SNI (RFC 6066); Node then checks the IP SAN against `host`.
      ...(target.sni ? { servername: target.sni } : {}),
    };
    const seen: SeenPeerCertificate = {};
    let socket: TLSSocket;
    try {
      socket = connect(clientContexts.withContext(peerCertificateSeen(options, seen)));
    } catch (err) {
      return configRejection(err);
    }
    const recorder = new HandshakeRecorder(socket, !!plan.requestOCSP, seen);
    return exchangeOverTls(socket, recorder, hooks, plan, signal);
  },
};
