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
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { Server, TlsOptions, TLSSocket } from 'node:tls';
import { NO_CLIENT_CERT, SPIFFE_REJECTED } from '../../../model/codes.js';
import type { PeerInfo, ServerObservation } from '../../../model/domain.js';
import { negotiationOptions, OK_BODY, readableMessage } from '../client-common.js';
import { chainFromPeerCertificate, peerInfoFromChain } from '../peer.js';
import { emptyServerObservation } from '../server-observation.js';
import { TlsSetupError } from '../setup-error.js';
import { drainStaleOpenSslErrors } from '../openssl-error-queue.js';
import { serverPool, type PooledServer } from './server-pool.js';
import { StepConnections } from '../step-connections.js';
import type { ServerDriver, ServerHandle, ServerHooks, ServerPlan } from '../types.js';

export { SERVER_SETTLE_MS } from '../step-connections.js';

const HTTP_REQUEST = /^(?:GET|POST|HEAD|PUT|OPTIONS) /;
/** only a client that asks for keep-alive (a pooling agent) gets it; every other one is answered and closed */
const KEEP_ALIVE = /^(?:GET|HEAD) [^\r\n]*\r\n(?:[^\r\n]+\r\n)*connection:[ \t]*keep-alive\r\n/i;

/** the steps a kept-alive connection serves: a later request belongs to the step that sends it */
export interface ConnectionSteps {
  /** the record of the step running now */
  current(): ServerObservation;
  /** the connection serves the current step: the step's observation waits for its answer */
  busy(socket: TLSSocket): void;
  /** answered and kept open: the step's observation need not wait for it to close */
  idle(socket: TLSSocket): void;
}

/**
 * What a server says around its TLS handshake. The node-tls server answers the wire protocol's
 * ping; a protocol server (Postgres, MySQL, SMTP, Redis: ../protocol-servers/) first speaks in
 * plain text up to its upgrade (SSLRequest, STARTTLS), then its own protocol over TLS.
 */
export interface Conversation {
  /**
   * The plain-text part before TLS, on the raw socket. Resolves true to start TLS on it now;
   * false when the connection is over (the conversation closed it and recorded why). Absent:
   * TLS from the first byte.
   */
  beforeTls?(raw: Socket, record: ServerObservation): Promise<boolean>;
  /**
   * The application exchange after a handshake the server's policy let through (an
   * unauthorized client certificate under `requireClientCert` never gets here).
   */
  afterTls(socket: TLSSocket, record: ServerObservation, plan: ServerPlan, steps: ConnectionSteps): void;
  /**
   * The TLS options the server runs with, when its product enforces the client-certificate
   * policy differently from Node's own (e.g. Postgres refuses a missing certificate only at
   * authentication, after the handshake).
   */
  tlsPlan?(plan: ServerPlan): ServerPlan;
}

/**
 * Node refused the server's options: what the scenario observes. Called where it threw, so the
 * error a refused group leaves queued goes before any other scenario's code runs
 * (openssl-error-queue.ts).
 */
function refused(err: unknown): TlsSetupError {
  drainStaleOpenSslErrors();
  return TlsSetupError.from('server', err);
}

/** a server driver: node:tls on loopback port 0, speaking `conversation` */
export function tlsServerDriver(name: string, conversation: Conversation): ServerDriver {
  return {
    name,
    async listen(plan: ServerPlan, hooks: ServerHooks, signal: AbortSignal): Promise<ServerHandle> {
      signal.throwIfAborted();
      const tlsPlan = tlsPlanOf(conversation, plan);
      let pooled: PooledServer;
      try {
        pooled = serverPool.createServer(serverOptions(tlsPlan));
      } catch (err) {
        throw refused(err);
      }
      const handle = new NodeTlsServerHandle(name, pooled, { plan, tlsPlan }, hooks, conversation);
      await handle.start(signal);
      return handle;
    },
  };
}

/**
 * The wire protocol's answer: `tlsgate-ok` (or an HTTP 200 with it) to the first data, then end;
 * a request that asks for keep-alive is answered and the connection kept for the next step.
 */
const pingConversation: Conversation = {
  afterTls(socket: TLSSocket, rec: ServerObservation, _plan: ServerPlan, steps: ConnectionSteps): void {
    const established = { handshake: true, clientCertPresented: rec.clientCertPresented, authorized: rec.authorized, ...(rec.clientPeer ? { clientPeer: rec.clientPeer } : {}) };
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      const request = chunk.toString('latin1');
      if (!KEEP_ALIVE.test(request)) {
        answered = true;
        return void socket.end(answerTo(request));
      }
      const current = steps.current();
      if (current !== rec) {
        Object.assign(current, established);
        steps.busy(socket);
      }
      socket.write(answerTo(request, true));
      steps.idle(socket);
    });
  },
};

/** the server's own protocol layer (an https or http2 server: WebSocket, gRPC) answers */
export const applicationAnswers: Conversation = { afterTls: () => undefined };

export const nodeTlsServer: ServerDriver = tlsServerDriver('node-tls', pingConversation);

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
 * The recording half of every TLS server tlsgate runs: the handshake, client-certificate and
 * error record stay the same whatever protocol the conversation speaks.
 */
export class NodeTlsServerHandle implements ServerHandle {
  private record = emptyServerObservation();
  private readonly connections = new StepConnections();
  private closed = false;
  private _port = 0;
  /** what listens: the TLS server itself, or a TCP server that speaks plain text before TLS */
  private readonly listener: Server | TcpServer;

  private readonly server: Server;
  /** gives the server back to the pool (server-pool.ts) once it is closed */
  private readonly release: () => void;

  constructor(
    private readonly name: string,
    pooled: PooledServer,
    private plans: { plan: ServerPlan; tlsPlan: ServerPlan },
    private readonly hooks: ServerHooks,
    private readonly conversation: Conversation,
  ) {
    this.server = pooled.server;
    this.release = pooled.release;
    this.listener = conversation.beforeTls ? createTcpServer() : this.server;
  }

  /** new credentials for new connections; open connections keep the ones they were made with */
  rotate(plan: ServerPlan): void {
    const tlsPlan = tlsPlanOf(this.conversation, plan);
    try {
      this.server.setSecureContext(serverOptions(tlsPlan));
    } catch (err) {
      throw refused(err);
    }
    this.plans = { plan, tlsPlan };
  }

  get host(): string {
    return this.plans.plan.host;
  }

  get port(): number {
    return this._port;
  }

  async start(signal: AbortSignal): Promise<void> {
    this.listener.on('connection', (raw: Socket) => this.onConnection(raw));
    this.server.on('secureConnection', (socket: TLSSocket) => this.onSecureConnection(socket));
    this.server.on('tlsClientError', (err: Error, socket: TLSSocket) => this.onClientError(err, socket));
    this.server.on('OCSPRequest', (cert: Buffer, issuer: Buffer | null, cb: (err: Error | null, resp: Buffer | null) => void) => {
      void this.staple(cert, issuer).then((resp) => cb(null, resp));
    });
    const onAbort = () => void this.close();
    signal.addEventListener('abort', onAbort, { once: true });
    // after listening, a server-level error must not crash the run; record it for this step
    const recordServerError = (err: NodeJS.ErrnoException) => recordError(this.record, err);
    this.listener.on('error', recordServerError);
    if (this.listener !== this.server) this.server.on('error', recordServerError);
    this.listener.once('close', () => signal.removeEventListener('abort', onAbort));
    try {
      await new Promise<void>((resolve, reject) => {
        this.listener.once('error', reject);
        this.listener.listen(0, this.plans.plan.host, () => {
          this.listener.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      signal.removeEventListener('abort', onAbort);
      throw new Error(`${this.name} server: cannot listen on ${this.plans.plan.host}: ${(err as Error).message}`);
    }
    this._port = (this.listener.address() as { port: number }).port;
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
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
    this.release();
  }

  private onConnection(raw: Socket): void {
    if (this.closed) return void raw.destroy();
    this.connections.track(raw);
    const beforeTls = this.conversation.beforeTls;
    if (!beforeTls) return;
    const rec = this.record;
    raw.on('error', (err: NodeJS.ErrnoException) => {
      if (!rec.handshake) recordError(rec, err);
    });
    void beforeTls(raw, rec).then((startTls) => {
      // the TLS server wraps the raw socket (what it does for a connection it accepted itself)
      if (startTls && !raw.destroyed) this.server.emit('connection', raw);
      else if (!raw.destroyed) raw.end();
    }, (err: unknown) => {
      recordError(rec, err as NodeJS.ErrnoException);
      raw.destroy();
    });
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
    const spiffeRefusal = this.plans.plan.authorizeSpiffeIds ? refuseSpiffe(peer, this.plans.plan.authorizeSpiffeIds) : undefined;
    if (spiffeRefusal) {
      rec.authorized = false;
      rec.authorizationError = SPIFFE_REJECTED;
      rec.errorCode = SPIFFE_REJECTED;
      rec.errorMessage = spiffeRefusal;
      return void socket.destroy();
    }
    // Node already destroyed an unauthorized socket under requireClientCert; this guards the rule
    if (this.plans.tlsPlan.requireClientCert && !socket.authorized) return void socket.destroy();
    socket.on('data', (chunk: Buffer) => {
      // a kept-alive connection's later requests belong to the step that sends them
      const current = this.record;
      current.bytesReceived = (current.bytesReceived ?? 0) + chunk.length;
      answered = true;
    });
    this.conversation.afterTls(socket, rec, this.plans.plan, this.steps);
  }

  private readonly steps: ConnectionSteps = {
    current: () => this.record,
    busy: (socket) => this.connections.busy(socket),
    idle: (socket) => this.connections.idle(socket),
  };

  private onClientError(err: NodeJS.ErrnoException, socket: TLSSocket): void {
    const rec = this.record;
    recordError(rec, err);
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

/** the TLS options the conversation's product runs with (Node's own policy unless it says otherwise) */
const tlsPlanOf = (conversation: Conversation, plan: ServerPlan): ServerPlan => (conversation.tlsPlan ? conversation.tlsPlan(plan) : plan);

/** the first error of a step is its record's */
function recordError(rec: ServerObservation, err: NodeJS.ErrnoException): void {
  rec.errorCode ??= err.code;
  rec.errorMessage ??= readableMessage(err);
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

