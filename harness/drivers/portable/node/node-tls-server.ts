/**
 * Server driver `node-tls`: a real `tls.createServer` on loopback, port 0, speaking the wire
 * protocol every client driver expects (README.md):
 *   - first client data starting with an HTTP method -> `HTTP/1.1 200 OK`, body `tlsgate-ok`,
 *     `Connection: close`; anything else -> `tlsgate-ok\n`; then end;
 *   - it records what it saw for ServerHandle.observation().
 *
 * Client certificates. `requireClientCert` runs Node's own enforcement
 * (`requestCert + rejectUnauthorized: true`), because only then does OpenSSL itself refuse a
 * missing certificate with an alert (handshake_failure under TLS 1.2, certificate_required under
 * TLS 1.3), which is what real Node servers do and what clients must be tested against. A
 * present but unverifiable certificate is destroyed by Node after the handshake without an alert
 * (facts §3); the reason is still recorded, from `tlsSocket.authorizationError` of the
 * `tlsClientError` that follows. `requestCert` without require uses `rejectUnauthorized: false`
 * and records the verdict on `secureConnection`. `authorizeSpiffeIds` is checked after the
 * handshake, as a SPIFFE-aware application does, and refuses with TLSGATE_SPIFFE_ID_REJECTED.
 */
import type { Socket } from 'node:net';
import { createServer, type Server, type TlsOptions, type TLSSocket } from 'node:tls';
import { NO_CLIENT_CERT, SPIFFE_REJECTED } from '../../../model/codes.js';
import type { PeerInfo, ServerObservation } from '../../../model/domain.js';
import { negotiationOptions, OK_BODY, readableMessage } from '../client-common.js';
import { chainFromPeerCertificate, peerInfoFromChain } from '../peer.js';
import { emptyServerObservation } from '../server-observation.js';
import { TlsSetupError } from '../setup-error.js';
import { StepConnections } from '../step-connections.js';
import type { ServerDriver, ServerHandle, ServerHooks, ServerPlan } from '../types.js';

export { SERVER_SETTLE_MS } from '../step-connections.js';

const HTTP_REQUEST = /^(?:GET|POST|HEAD|PUT|OPTIONS) /;
/** only a client that asks for keep-alive (a pooling agent) gets it; every other one is answered and closed */
const KEEP_ALIVE = /^(?:GET|HEAD) [^\r\n]*\r\n(?:[^\r\n]+\r\n)*connection:[ \t]*keep-alive\r\n/i;

export const nodeTlsServer: ServerDriver = {
  name: 'node-tls',
  async listen(plan: ServerPlan, hooks: ServerHooks, signal: AbortSignal): Promise<ServerHandle> {
    signal.throwIfAborted();
    let server: Server;
    try {
      server = createServer(serverOptions(plan));
    } catch (err) {
      throw TlsSetupError.from('server', err);
    }
    const handle = new NodeTlsServerHandle(server, plan, hooks);
    await handle.start(signal);
    return handle;
  },
};

export function serverOptions(plan: ServerPlan): TlsOptions {
  const options: TlsOptions = {
    cert: plan.certChainPem,
    key: plan.keyPem,
    requestCert: plan.requestCert,
    rejectUnauthorized: plan.requestCert && plan.requireClientCert,
  };
  if (plan.clientCaPem?.length) options.ca = plan.clientCaPem;
  if (plan.crlPem?.length) options.crl = plan.crlPem;
  return { ...options, ...negotiationOptions(plan) };
}

/**
 * The recording half of the node-tls server, for any `tls.Server` (https, http2 secure servers
 * are ones): `answers: false` leaves the application protocol to that server (WebSocket, gRPC),
 * while the handshake, client-certificate and error record stay the same for every protocol.
 */
export class NodeTlsServerHandle implements ServerHandle {
  private record = emptyServerObservation();
  private readonly connections = new StepConnections();
  private closed = false;
  private _port = 0;

  constructor(
    private readonly server: Server,
    private plan: ServerPlan,
    private readonly hooks: ServerHooks,
    private readonly answers = true,
  ) {}

  /** new credentials for new connections; open connections keep the ones they were made with */
  rotate(plan: ServerPlan): void {
    try {
      this.server.setSecureContext(serverOptions(plan));
    } catch (err) {
      throw TlsSetupError.from('server', err);
    }
    this.plan = plan;
  }

  get host(): string {
    return this.plan.host;
  }

  get port(): number {
    return this._port;
  }

  async start(signal: AbortSignal): Promise<void> {
    this.server.on('connection', (raw: Socket) => this.onConnection(raw));
    this.server.on('secureConnection', (socket: TLSSocket) => this.onSecureConnection(socket));
    this.server.on('tlsClientError', (err: Error, socket: TLSSocket) => this.onClientError(err, socket));
    this.server.on('OCSPRequest', (cert: Buffer, issuer: Buffer | null, cb: (err: Error | null, resp: Buffer | null) => void) => {
      void this.staple(cert, issuer).then((resp) => cb(null, resp));
    });
    const onAbort = () => void this.close();
    signal.addEventListener('abort', onAbort, { once: true });
    // after listening, a server-level error must not crash the run; record it for this step
    this.server.on('error', (err: NodeJS.ErrnoException) => {
      this.record.errorCode ??= err.code;
      this.record.errorMessage ??= readableMessage(err);
    });
    this.server.once('close', () => signal.removeEventListener('abort', onAbort));
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(0, this.plan.host, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      signal.removeEventListener('abort', onAbort);
      throw new Error(`node-tls server: cannot listen on ${this.plan.host}: ${(err as Error).message}`);
    }
    this._port = (this.server.address() as { port: number }).port;
  }

  reset(): void {
    this.record = emptyServerObservation();
    this.connections.reset();
  }

  /** resolves once every connection of this step has closed (bounded), or at once if none came */
  async observation(): Promise<ServerObservation> {
    await this.connections.settled();
    // 'tlsClientError' can follow the raw socket's 'close' in the same turn: let it land
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return { ...this.record };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connections.destroyAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(raw: Socket): void {
    if (this.closed) return void raw.destroy();
    this.connections.track(raw);
  }

  private onSecureConnection(socket: TLSSocket): void {
    this.connections.watch(socket);
    const rec = this.record;
    let answered = false;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (answered || rec.errorCode) return;
      rec.errorCode = err.code;
      rec.errorMessage = readableMessage(err);
    });
    const peer = peerInfoFromChain(chainFromPeerCertificate(socket.getPeerCertificate(true)));
    rec.handshake = true;
    rec.clientCertPresented = !!peer;
    rec.authorized = socket.authorized;
    if (socket.authorizationError) rec.authorizationError = String(socket.authorizationError);
    if (peer) rec.clientPeer = peer;
    const spiffeRefusal = this.plan.authorizeSpiffeIds ? refuseSpiffe(peer, this.plan.authorizeSpiffeIds) : undefined;
    if (spiffeRefusal) {
      rec.authorized = false;
      rec.authorizationError = SPIFFE_REJECTED;
      rec.errorCode = SPIFFE_REJECTED;
      rec.errorMessage = spiffeRefusal;
      return void socket.destroy();
    }
    // Node already destroyed an unauthorized socket under requireClientCert; this guards the rule
    if (this.plan.requireClientCert && !socket.authorized) return void socket.destroy();
    if (!this.answers) return;
    const established = { handshake: true, clientCertPresented: rec.clientCertPresented, authorized: rec.authorized, ...(peer ? { clientPeer: peer } : {}) };
    socket.on('data', (chunk: Buffer) => {
      // a kept-alive connection's later requests belong to the step that sends them
      const current = this.record;
      current.bytesReceived = (current.bytesReceived ?? 0) + chunk.length;
      if (answered) return;
      const request = chunk.toString('latin1');
      if (!KEEP_ALIVE.test(request)) {
        answered = true;
        return void socket.end(answerTo(request));
      }
      if (current !== rec) {
        Object.assign(current, established);
        this.connections.busy(socket);
      }
      socket.write(answerTo(request, true));
      this.connections.idle(socket);
    });
  }

  private onClientError(err: NodeJS.ErrnoException, socket: TLSSocket): void {
    const rec = this.record;
    rec.errorCode ??= err.code;
    rec.errorMessage ??= readableMessage(err);
    if (err.code === NO_CLIENT_CERT) {
      rec.clientCertPresented = false;
      rec.authorized = false;
    } else if (socket?.authorizationError) {
      // Node verified the client certificate after the handshake, refused it, and destroyed
      // the socket without an alert (requireClientCert). Only the code survives.
      rec.handshake = true;
      rec.clientCertPresented = true;
      rec.authorized = false;
      rec.authorizationError = String(socket.authorizationError);
    }
  }

  private async staple(cert: Buffer, issuer: Buffer | null): Promise<Buffer | null> {
    const rec = this.record;
    rec.stapleRequested = true;
    if (!this.hooks.ocspStaple) return null;
    try {
      const response = await this.hooks.ocspStaple(cert, issuer);
      if (response) rec.stapleSent = true;
      return response;
    } catch {
      // a responder failure means no staple, as on a real server; the client decides what that means
      return null;
    }
  }
}

/** the wire protocol's answer to a client's data (HTTP request or the ping); `keepAlive` leaves the connection open */
export function answerTo(request: string, keepAlive = false): string {
  if (!HTTP_REQUEST.test(request)) return `${OK_BODY}\n`;
  const head = `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${OK_BODY.length}\r\nconnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
  return request.startsWith('HEAD ') ? head : head + OK_BODY;
}

/** why a SPIFFE-aware server refuses this client, or undefined when it is authorized */
export function refuseSpiffe(peer: PeerInfo | undefined, allowed: readonly string[]): string | undefined {
  if (!peer) return 'no client certificate, so no SPIFFE ID to authorize';
  const uris = peer.san.filter((s) => s.startsWith('URI:'));
  if (uris.length !== 1) return `an X.509-SVID must carry exactly one URI SAN; the client certificate has ${uris.length}`;
  if (!peer.spiffeId) return `the URI SAN ${uris[0]!.slice(4)} is not a SPIFFE ID`;
  if (!allowed.includes(peer.spiffeId)) return `SPIFFE ID ${peer.spiffeId} is not authorized (allowed: ${allowed.join(', ')})`;
  return undefined;
}

