/**
 * What every Node-based client driver shares: TLS options from a plan, where to connect and
 * which name to check, what to record from a TLS socket, the after-handshake hook, the
 * TLS 1.3 waiting rule, and the time bound.
 *
 * The waiting rule: under TLS 1.3 the client's handshake completes before the server has looked
 * at the client certificate, so `secureConnect` proves nothing. A connection is accepted only
 * when the server's answer (`tlsgate-ok`) arrives; a rejection surfaces as an error, or as a
 * close with no data, at the first read after the handshake.
 */
import { constants } from 'node:crypto';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkServerIdentity, type ConnectionOptions, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { LookupFunction } from 'node:net';
import type { ClientObservation } from '../../model/domain.js';
import { CODES } from '../../model/codes.js';
import { alertIn } from '../../model/tls-alerts.js';
import { chainFromPeerCertificate, peerInfoFromChain } from './peer.js';
import type { ClientHooks, ClientPlan, HandshakeFacts, PeerDecision, DriverInfo, TlsOptionsPlan } from './types.js';
import { drainStaleOpenSslErrors } from './openssl-error-queue.js';

/** what a client sends after the handshake, and what the node-tls server answers */
export const PING = 'tlsgate-ping\n';
export const OK_BODY = 'tlsgate-ok';

/**
 * The server's answer to the ping: `tlsgate-ok`, or the ping itself from an echo server
 * (gnutls-serv --echo). Either proves that application data made the round trip.
 */
export const answersPing = (received: string): boolean => received.includes(OK_BODY) || received.startsWith(PING);

// ------------------------------------------------------------------ options and addressing

/** what the Node client drivers report as the library under test */
export const nodeDriverInfo = (name: string): DriverInfo =>
  ({ name, version: `node ${process.versions.node} (OpenSSL ${process.versions.openssl})`, source: 'node' });

/** what either end offers in negotiation: protocol range, ciphers, groups, ALPN */
export function negotiationOptions(plan: TlsOptionsPlan): Pick<ConnectionOptions, 'minVersion' | 'maxVersion' | 'ciphers' | 'ecdhCurve' | 'ALPNProtocols'> {
  return {
    ...(plan.minVersion ? { minVersion: plan.minVersion } : {}),
    ...(plan.maxVersion ? { maxVersion: plan.maxVersion } : {}),
    ...(plan.ciphers ? { ciphers: plan.ciphers } : {}),
    ...(plan.ecdhCurve ? { ecdhCurve: plan.ecdhCurve } : {}),
    ...(plan.alpn?.length ? { ALPNProtocols: plan.alpn } : {}),
  };
}

/** the options that shape a ClientHello (negotiation plus status_request) */
export function helloOptionsFromPlan(plan: ClientPlan): ConnectionOptions {
  return { ...negotiationOptions(plan), ...(plan.requestOCSP ? { requestOCSP: true } : {}) } as ConnectionOptions;
}

/** TLS options every driver hands to its library; rejectUnauthorized is always on. */
export function tlsOptionsFromPlan(plan: ClientPlan): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: true, ...helloOptionsFromPlan(plan) };
  if (plan.caPem) options.ca = plan.caPem;
  if (plan.certChainPem) options.cert = plan.certChainPem;
  if (plan.keyPem) options.key = plan.keyPem;
  if (plan.pfxBase64) options.pfx = Buffer.from(plan.pfxBase64, 'base64');
  if (plan.passphrase !== undefined) options.passphrase = plan.passphrase;
  if (plan.crlPem?.length) options.crl = plan.crlPem;
  if (plan.allowPartialTrustChain) (options as { allowPartialTrustChain?: boolean }).allowPartialTrustChain = true;
  if (plan.sessionBase64) options.session = Buffer.from(plan.sessionBase64, 'base64');
  if (plan.legacyServerConnect) options.secureOptions = constants.SSL_OP_LEGACY_SERVER_CONNECT;
  if (plan.minDHSize !== undefined) options.minDHSize = plan.minDHSize;
  return options;
}

export const isIpLiteral = (name: string): boolean => isIP(stripBrackets(name)) !== 0;

const stripBrackets = (name: string): string => name.replace(/^\[(.*)\]$/, '$1');

/** canonical text of an IP literal, so `::1` and `0:0::1` compare equal */
function canonicalIp(ip: string): string {
  const bare = stripBrackets(ip);
  return new URL(`https://${isIP(bare) === 6 ? `[${bare}]` : bare}/`).hostname;
}

/**
 * How a client reaches plan.host while checking plan.servername:
 * - a DNS name: the URL/SNI carry the name and a lookup override resolves it to plan.host, so
 *   the library derives SNI and the hostname check itself (the path a real user takes);
 * - an IP literal equal to plan.host: connect to it directly; no SNI; Node checks the IP SAN;
 * - an IP literal other than plan.host (we can only listen on loopback): connect to plan.host
 *   and check the certificate against the named IP with Node's own checkServerIdentity.
 */
export interface Target {
  /** host as it appears in a URL (IPv6 in brackets) */
  urlHost: string;
  /** what the library is told to connect to (`host` option) */
  connectHost: string;
  /** set for DNS names: resolves any name to plan.host */
  lookup?: LookupFunction;
  /** set only when the checked IP is not the connected one */
  checkServerIdentity?: ConnectionOptions['checkServerIdentity'];
  /** the SNI to send, undefined for IP literals */
  sni?: string;
}

export function targetOf(plan: ClientPlan): Target {
  const target = reachOf(plan);
  // like a client that replaces checkServerIdentity with one that accepts any name
  return plan.checkName === false ? { ...target, checkServerIdentity: () => undefined } : target;
}

function reachOf(plan: ClientPlan): Target {
  const family = isIP(plan.host) === 6 ? 6 : 4;
  const hostInUrl = (h: string) => (isIP(stripBrackets(h)) === 6 ? `[${stripBrackets(h)}]` : h);
  if (!isIpLiteral(plan.servername)) {
    return { urlHost: plan.servername, connectHost: plan.servername, lookup: fixedLookup(plan.host, family), sni: plan.servername };
  }
  if (canonicalIp(plan.servername) === canonicalIp(plan.host)) {
    return { urlHost: hostInUrl(plan.host), connectHost: plan.host };
  }
  const checked = stripBrackets(plan.servername);
  return {
    urlHost: hostInUrl(plan.host),
    connectHost: plan.host,
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(checked, cert),
  };
}

function fixedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

/** the Target as extra tls.connect options (lookup / checkServerIdentity) */
export function targetTlsOptions(target: Target): ConnectionOptions {
  const extra: ConnectionOptions = {};
  if (target.lookup) (extra as { lookup?: LookupFunction }).lookup = target.lookup;
  if (target.checkServerIdentity) extra.checkServerIdentity = target.checkServerIdentity;
  return extra;
}

// ------------------------------------------------------------------ recording a TLS socket

/** the certificate a connection's identity check was handed (getPeerCertificate(true), which costs 0.2-0.4 ms to build) */
export interface SeenPeerCertificate {
  cert?: PeerCertificate;
}

const isDetailed = (cert: PeerCertificate): cert is DetailedPeerCertificate => (cert as Partial<DetailedPeerCertificate>).issuerCertificate !== undefined;

/** `options` whose identity check (theirs, or Node's own) also keeps the certificate it is handed in `seen` */
export function peerCertificateSeen<T extends Pick<ConnectionOptions, 'checkServerIdentity'>>(options: T, seen: SeenPeerCertificate): T {
  const check = options.checkServerIdentity ?? checkServerIdentity;
  return {
    ...options,
    checkServerIdentity: (host: string, cert: PeerCertificate) => {
      seen.cert = cert;
      return check(host, cert);
    },
  };
}

/**
 * Records what a client TLS socket reveals. Attach it right after the socket is created: the
 * staple ('OCSPResponse') arrives before 'secureConnect', session tickets after it.
 */
export class HandshakeRecorder {
  private readonly started = performance.now();
  private staple: Buffer | null | undefined;
  private session: Buffer | undefined;
  private peerChainDer: Buffer[] = [];
  private secured: Omit<ClientObservation, 'outcome'> | undefined;

  /**
   * `seen`: where the connection's identity check (`peerCertificateSeen`) put the certificate
   * Node handed it, so the chain is not built a second time. One per connection: a shared one
   * could hand a resumed connection (Node checks no name then) the certificate of another.
   * undici's connector has one set of TLS options for all its connections, so undici has none.
   */
  constructor(socket: TLSSocket, private readonly stapleRequested: boolean, private readonly seen?: SeenPeerCertificate) {
    socket.on('OCSPResponse', (response: Buffer | null | undefined) => {
      this.staple = response && response.length > 0 ? Buffer.from(response) : null;
    });
    socket.on('session', (session: Buffer) => {
      this.session = session;
    });
  }

  get handshakeDone(): boolean {
    return this.secured !== undefined;
  }

  /** call on 'secureConnect' */
  captureHandshake(socket: TLSSocket): void {
    // what Node checked the name against is getPeerCertificate(true) (chain included); a
    // resumed session or a refused chain skips that check, and then it is built here
    const checked = this.seen?.cert;
    this.peerChainDer = chainFromPeerCertificate(checked && isDetailed(checked) ? checked : socket.getPeerCertificate(true));
    const keyInfo = (socket.getEphemeralKeyInfo() ?? {}) as { type?: string; name?: string; size?: number };
    const peer = peerInfoFromChain(this.peerChainDer);
    this.secured = {
      protocol: socket.getProtocol() ?? undefined,
      cipher: socket.getCipher()?.standardName,
      group: keyInfo.name ?? (keyInfo.type === 'DH' && keyInfo.size ? `DH-${keyInfo.size}` : undefined),
      alpn: socket.alpnProtocol || false,
      ...(peer ? { peer } : {}),
      sessionReused: socket.isSessionReused(),
      handshakeMs: Math.round((performance.now() - this.started) * 100) / 100,
    };
  }

  facts(): HandshakeFacts {
    return { peerChainDer: this.peerChainDer, staple: this.staple ?? null, protocol: this.secured?.protocol, sessionReused: this.secured?.sessionReused ?? false };
  }

  accepted(): ClientObservation {
    return { outcome: 'accepted', ...this.common() };
  }

  rejected(code: string | undefined, message: string): ClientObservation {
    const alert = alertIn(code, message);
    return { outcome: 'rejected', ...(code ? { code } : {}), message, ...(alert ? { alert } : {}), ...this.common() };
  }

  private common(): Omit<ClientObservation, 'outcome'> {
    return {
      ...this.secured,
      ...(this.stapleRequested ? { staple: this.staple ? this.staple.toString('base64') : null } : {}),
      ...(this.session ? { session: this.session } : {}),
    };
  }
}

// ------------------------------------------------------------------ errors

export interface ErrorFacts {
  code: string | undefined;
  message: string;
}

/**
 * Code and message of an error as the library reported it. undici wraps the real cause
 * (`TypeError('fetch failed')` with `.cause.code`), and happy-eyeballs connects may give an
 * AggregateError: dig to the first error that carries a code.
 */
export function errorFacts(err: unknown): ErrorFacts {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof e.code === 'string') return { code: e.code, message: readableMessage(current) };
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  const top = err as { message?: unknown };
  return { code: undefined, message: typeof top?.message === 'string' ? top.message : String(err) };
}

/**
 * OpenSSL messages start with a thread id and end with a source path
 * (`80EC…:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../ssl/…:1601:SSL alert number 40`),
 * which differs between runs and builds. Keep the reason (and the alert number): stable across
 * runs, so reports and baselines compare.
 */
export function readableMessage(err: unknown): string {
  const e = err as { message?: unknown; reason?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const openssl = message.match(/^(.*?)[0-9A-F]{8,}:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/);
  if (!openssl) return message.trim();
  const reason = typeof e.reason === 'string' && e.reason ? e.reason : openssl[2]!;
  const alert = message.match(/SSL alert number (\d+)/);
  return `${openssl[1]}${reason}${alert ? ` (SSL alert number ${alert[1]})` : ''}`;
}

/** a rejection with whatever the recorder saw, or a bare one when no socket was ever made */
export function rejection(recorder: HandshakeRecorder | undefined, code: string | undefined, message: string): ClientObservation {
  return recorder ? recorder.rejected(code, message) : { outcome: 'rejected', ...(code ? { code } : {}), message };
}

/** a plan the library refused synchronously (tls.connect threw): no connection was made */
export function configRejection(err: unknown): ClientObservation {
  // a refused group leaves an error queued that another scenario's next OpenSSL call would meet
  drainStaleOpenSslErrors();
  const { code, message } = errorFacts(err);
  return { outcome: 'rejected', code: code ?? CODES.configError, message };
}

// ------------------------------------------------------------------ hook

/** runs the afterHandshake hook; a hook that throws refuses with TLSGATE_HOOK_FAILED */
export async function decideAfterHandshake(hooks: ClientHooks, facts: HandshakeFacts): Promise<PeerDecision> {
  if (!hooks.afterHandshake) return { allow: true };
  try {
    return await hooks.afterHandshake(facts);
  } catch (err) {
    return { allow: false, code: CODES.hookFailed, message: `afterHandshake hook failed: ${errorFacts(err).message}` };
  }
}

// ------------------------------------------------------------------ time bound

export interface Bound<T> {
  /** settle with a value; later calls are ignored */
  settle(value: T): void;
  /** true once settled, timed out or aborted */
  readonly done: boolean;
}

/**
 * Runs `body` until it settles, the timeout passes (settles with `onTimeout()`), or `signal`
 * aborts (rejects with the abort reason). `cleanup` runs exactly once in every case, so
 * sockets and timers never outlive the call.
 */
export function bounded<T>(
  opts: { timeoutMs: number; signal: AbortSignal; onTimeout: () => T; cleanup: () => void },
  body: (bound: Bound<T>) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      try {
        opts.cleanup();
      } finally {
        fn();
      }
    };
    const onAbort = () => finish(() => reject(opts.signal.reason));
    const timer = setTimeout(() => finish(() => resolve(opts.onTimeout())), opts.timeoutMs);
    if (opts.signal.aborted) return onAbort();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const bound: Bound<T> = {
      settle: (value) => finish(() => resolve(value)),
      get done() {
        return done;
      },
    };
    try {
      body(bound);
    } catch (err) {
      finish(() => reject(err));
    }
  });
}

export function timeoutMessage(timeoutMs: number, handshakeDone: boolean): string {
  return handshakeDone
    ? `no answer from the server within ${timeoutMs} ms after the handshake completed`
    : `the TLS handshake did not complete within ${timeoutMs} ms`;
}

// ------------------------------------------------------------------ the raw TLS exchange

/**
 * The waiting rule on a raw TLS socket: after 'secureConnect' run the hook (before any data),
 * send PING, then decide on the first answer: `tlsgate-ok` accepts; an error, a bare close or
 * the timeout rejects. Used by node-tls and by any driver that holds a TLSSocket.
 */
export function exchangeOverTls(
  socket: TLSSocket,
  recorder: HandshakeRecorder,
  hooks: ClientHooks,
  plan: ClientPlan,
  signal: AbortSignal,
): Promise<ClientObservation> {
  let received = '';
  const answered = () => answersPing(received);
  return bounded<ClientObservation>({
    timeoutMs: plan.timeoutMs,
    signal,
    onTimeout: () => (answered()
      ? recorder.accepted()
      : recorder.rejected(CODES.timeout, timeoutMessage(plan.timeoutMs, recorder.handshakeDone))),
    cleanup: () => {
      socket.destroy();
    },
  }, (bound) => {
    socket.once('secureConnect', () => {
      recorder.captureHandshake(socket);
      void decideAfterHandshake(hooks, recorder.facts()).then((decision) => {
        if (bound.done) return;
        if (!decision.allow) return bound.settle(recorder.rejected(decision.code, decision.message));
        socket.write(PING);
      });
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      // the answer is the verdict: a tool server (s_server, gnutls-serv --echo) keeps the connection open after it
      if (answered()) return bound.settle(recorder.accepted());
      if (received.length > 4096) socket.destroy();
    });
    socket.on('error', (err) => {
      if (answered()) return bound.settle(recorder.accepted());
      const { code, message } = errorFacts(err);
      bound.settle(recorder.rejected(code, message));
    });
    socket.on('close', () => {
      if (answered()) return bound.settle(recorder.accepted());
      if (received) return bound.settle(recorder.rejected(CODES.unexpectedResponse, `unexpected answer: ${JSON.stringify(received.slice(0, 80))}`));
      bound.settle(recorder.handshakeDone
        ? recorder.rejected(CODES.closedAfterHandshake, 'the server closed the connection after the handshake without answering')
        : recorder.rejected(CODES.closedDuringHandshake, 'the connection closed during the handshake'));
    });
  });
}
