/**
 * The driver plug-in interface. A driver is one TLS end (client or server). Plans are plain,
 * serializable data (PEM strings, not objects), so the same plan can be run in-process or sent
 * to a worker running another Node version. Drivers never categorize or judge: they observe.
 */
import type { ClientObservation, ServerObservation, TlsVersion } from '../../model/domain.js';

export interface TlsOptionsPlan {
  minVersion?: TlsVersion | undefined;
  maxVersion?: TlsVersion | undefined;
  ciphers?: string | undefined;
  ecdhCurve?: string | undefined;
  alpn?: string[] | undefined;
}

export interface ServerPlan extends TlsOptionsPlan {
  host: '127.0.0.1' | '::1';
  /** leaf then chain, PEM, in the order the server sends them */
  certChainPem: string;
  keyPem: string;
  /** trust anchors for client certificates */
  clientCaPem?: string[] | undefined;
  requestCert: boolean;
  /** refuse a client whose cert is missing or does not verify (recording why first) */
  requireClientCert: boolean;
  /** PEM CRLs, one per element */
  crlPem?: string[] | undefined;
  /** when set, a client cert must carry exactly one URI SAN, and it must be one of these */
  authorizeSpiffeIds?: string[] | undefined;
  /** command-line flags appended as written (external tool drivers only) */
  toolFlags?: string[] | undefined;
  /** a GnuTLS priority string (gnutls-serv only) */
  priority?: string | undefined;
}

export interface ServerHooks {
  /** called from the server's OCSPRequest event; resolves to the DER response to staple, or null */
  ocspStaple?(certDer: Buffer, issuerDer: Buffer | null): Promise<Buffer | null>;
}

export interface ClientPlan extends TlsOptionsPlan {
  host: '127.0.0.1' | '::1';
  port: number;
  /** SNI (not sent for IP literals) and the name checked against the cert */
  servername: string;
  /** false: the name is not checked (a client that replaces checkServerIdentity); SNI is still sent */
  checkName?: boolean | undefined;
  /** PEM trust anchors; undefined = Node's default store */
  caPem?: string[] | undefined;
  /** client identity as PEM */
  certChainPem?: string;
  keyPem?: string;
  /** client identity as PKCS#12, base64 */
  pfxBase64?: string;
  passphrase?: string;
  crlPem?: string[];
  requestOCSP?: boolean;
  allowPartialTrustChain?: boolean | undefined;
  /** base64 TLS session to resume */
  sessionBase64?: string;
  /** connect to servers without RFC 5746 secure renegotiation (SSL_OP_LEGACY_SERVER_CONNECT) */
  legacyServerConnect?: boolean | undefined;
  /** Node's `minDHSize`: the smallest DHE group (bits) the client accepts */
  minDHSize?: number | undefined;
  /** command-line flags appended as written (external tool drivers only) */
  toolFlags?: string[] | undefined;
  timeoutMs: number;
  /** `client.library`: options only a library driver understands (already checked against its schema) */
  library?: Record<string, unknown> | undefined;
  /** reach the server through this HTTP CONNECT proxy (tlsgate's own, on loopback) */
  proxy?: ProxyPlan | undefined;
}

export interface ProxyPlan {
  /** `http://127.0.0.1:PORT` or `https://NAME:PORT` (the name resolves to the proxy's loopback address) */
  url: string;
  host: '127.0.0.1' | '::1';
  port: number;
  /** for a TLS proxy: the name checked against its certificate */
  servername?: string | undefined;
  /** for a TLS proxy: PEM anchors the client trusts for the proxy's certificate */
  caPem?: string[] | undefined;
}

/** What the client learned from the handshake, handed to hooks before any application data. */
export interface HandshakeFacts {
  /** DER of the chain the server sent, leaf first */
  peerChainDer: Buffer[];
  /** OCSP staple received, or null */
  staple: Buffer | null;
  protocol: string | undefined;
  /** the session was resumed: Node then exposes no peer certificate to the client */
  sessionReused?: boolean;
}

/** A verdict from tlsgate's own checks (OCSP, staple) before application data is sent. */
export type PeerDecision = { allow: true } | { allow: false; code: string; message: string };

export interface ClientHooks {
  /** runs after the TLS handshake succeeds, before application data; may refuse the connection */
  afterHandshake?(facts: HandshakeFacts): Promise<PeerDecision>;
}

export interface DriverInfo {
  name: string;
  /** version of the library under test, e.g. undici 7.30.2 */
  version: string;
  /** where it was loaded from (user project or tlsgate's own) */
  source?: string;
}

export interface ClientDriver {
  readonly name: string;
  info(): Promise<DriverInfo>;
  /** one connection: handshake, one application round trip, close. Never throws for peer behaviour. */
  connect(plan: ClientPlan, hooks: ClientHooks, signal: AbortSignal): Promise<ClientObservation>;
  /**
   * Optional capability: a driver whose library keeps connections alive between requests
   * implements it. The session opens one pool per scenario (only when a step reuses a
   * connection) and closes it at the scenario's end, whatever happened.
   */
  openPool?(): ClientPool;
}

/** A client's keep-alive pool (an https.Agent with keepAlive, an undici Pool), one per scenario. */
export interface ClientPool {
  /**
   * One request. `reuse`: over the connection kept from the previous request, with that
   * connection's options (its TLS is not verified again; the observation says
   * `connectionReused`, or not when the library had to reconnect). Otherwise a new connection
   * with `plan` (kept connections are dropped first). Never throws for peer behaviour.
   */
  request(plan: ClientPlan, hooks: ClientHooks, reuse: boolean, signal: AbortSignal): Promise<ClientObservation>;
  /** drops every connection; idempotent */
  close(): Promise<void>;
}

export interface ServerHandle {
  readonly host: string;
  readonly port: number;
  /** what the server saw on the connections so far (resolves once the current connection ended or the timeout hit) */
  observation(): Promise<ServerObservation>;
  /** clears the per-connection record before the next connection of a multi-step scenario */
  reset(): void;
  /**
   * Optional capability: switch to another certificate, chain or key without restarting
   * (`setSecureContext`): new connections get it, open ones keep theirs. Throws a
   * TlsSetupError when the stack refuses the new credentials.
   */
  rotate?(plan: ServerPlan): void | Promise<void>;
  close(): Promise<void>;
}

export interface ServerDriver {
  readonly name: string;
  /** the server's own library or tool, when it is not this Node (e.g. `OpenSSL 3.0.19 ...` for s_server) */
  info?(): Promise<DriverInfo>;
  listen(plan: ServerPlan, hooks: ServerHooks, signal: AbortSignal): Promise<ServerHandle>;
}
