/**
 * Client secure contexts, reused per set of context options.
 *
 * `tls.connect` without a `secureContext` builds a new one for every connection: it parses the
 * PEM certificates, keys and CRLs and builds the X509 store again each time. A run connects many
 * times with the same trust and identity, so the Node client drivers ask here for a context
 * keyed by the sha256 of EVERY option `tls.createSecureContext` reads (Node's
 * lib/_tls_common.js and lib/internal/tls/secure-context.js) and of the `tls.DEFAULT_*` values it
 * falls back on. Plans that differ in any one of them get different contexts; equal plans share
 * one.
 *
 * Why sharing is safe on the client: what a connection does besides the context's options lives
 * on its socket (servername, session, ALPN, OCSP request, rejectUnauthorized,
 * checkServerIdentity, minDHSize). Node's contexts are made with
 * SSL_SESS_CACHE_NO_INTERNAL, so a client resumes only a session handed to it explicitly
 * (`session`), never one another connection left on the shared context.
 *
 * Servers reuse contexts differently (server-pool.ts): a server's context carries its
 * session-ticket keys, so one is never shared by two live servers.
 *
 * Bounded (least recently used first out), so a long run does not grow. Node builtins only:
 * portable drivers run on Node 16 and later.
 */
import { createHash, type Hash } from 'node:crypto';
// the module object itself: the named exports of a builtin do not follow later assignments to tls.DEFAULT_*
import tls from 'node:tls';
import { drainStaleOpenSslErrors } from '../openssl-error-queue.js';

/** every option tls.createSecureContext reads (Node 16 to 24) */
export const CONTEXT_OPTIONS = [
  'allowPartialTrustChain', 'ca', 'cert', 'ciphers', 'clientCertEngine', 'crl', 'dhparam', 'ecdhCurve',
  'honorCipherOrder', 'key', 'maxVersion', 'minVersion', 'passphrase', 'pfx', 'privateKeyEngine',
  'privateKeyIdentifier', 'secureOptions', 'secureProtocol', 'sessionIdContext', 'sessionTimeout',
  'sigalgs', 'ticketKeys',
] as const;

/** options tls.connect reads for the socket, never for its context */
export const CLIENT_SOCKET_OPTIONS: ReadonlySet<string> = new Set([
  'ALPNProtocols', 'checkServerIdentity', 'host', 'lookup', 'minDHSize', 'port', 'rejectUnauthorized',
  'requestOCSP', 'servername', 'session',
]);

/** the process-wide defaults createSecureContext falls back on: a change must not find an old context */
const DEFAULTS = ['DEFAULT_MIN_VERSION', 'DEFAULT_MAX_VERSION', 'DEFAULT_CIPHERS', 'DEFAULT_ECDH_CURVE'] as const;

export const CONTEXT_CACHE_LIMIT = 64;

export class SecureContextCache {
  private readonly contexts = new Map<string, tls.SecureContext>();
  hits = 0;
  misses = 0;

  constructor(private readonly limit = CONTEXT_CACHE_LIMIT) {}

  get size(): number {
    return this.contexts.size;
  }

  /**
   * `options` plus the shared `secureContext` for their context options. Unchanged (so
   * tls.connect builds its own, and throws its own error) when an option is one this cache does
   * not know or cannot key, or when Node refuses the options.
   */
  withContext<T extends tls.ConnectionOptions>(options: T): T {
    if (options.secureContext) return options;
    const key = contextKey(options);
    if (key === undefined) return options;
    const secureContext = this.lookup(key, options);
    return secureContext ? { ...options, secureContext } : options;
  }

  private lookup(key: string, options: tls.ConnectionOptions): tls.SecureContext | undefined {
    const found = this.contexts.get(key);
    if (found) {
      this.hits++;
      this.contexts.delete(key);
      this.contexts.set(key, found);
      return found;
    }
    this.misses++;
    let created: tls.SecureContext;
    try {
      created = tls.createSecureContext(contextOptions(options));
    } catch {
      // tls.connect refuses the options next and reports it; the error queued by this refusal goes now
      drainStaleOpenSslErrors();
      return undefined;
    }
    this.contexts.set(key, created);
    if (this.contexts.size > this.limit) this.contexts.delete(this.contexts.keys().next().value as string);
    return created;
  }
}

/** the cache the Node client drivers share (one per thread) */
export const clientContexts = new SecureContextCache();

/** only the context options, as tls.connect would hand them to createSecureContext */
export function contextOptions(options: tls.ConnectionOptions | tls.TlsOptions): tls.SecureContextOptions {
  const picked: Record<string, unknown> = {};
  for (const name of CONTEXT_OPTIONS) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked as tls.SecureContextOptions;
}

/**
 * sha256 over every context option's canonical form and the defaults; undefined when an
 * option is unknown (a later Node might read it into the context), has a value it cannot key,
 * or the context would use a default CA store that can change.
 */
export function contextKey(options: tls.ConnectionOptions | tls.TlsOptions, socketOptions = CLIENT_SOCKET_OPTIONS): string | undefined {
  // Node 22.19+ can swap the default CA store at run time (tls.setDefaultCACertificates): a
  // context built on the old one must not be served, and hashing the store per connection would cost what the cache saves
  if (options.ca === undefined && typeof (tls as { setDefaultCACertificates?: unknown }).setDefaultCACertificates === 'function') return undefined;
  const known = new Set<string>(CONTEXT_OPTIONS);
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !known.has(name) && !socketOptions.has(name)) return undefined;
  }
  const hash = createHash('sha256');
  for (const name of DEFAULTS) feed(hash, name, tls[name]);
  for (const name of CONTEXT_OPTIONS) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined && !feed(hash, name, value)) return undefined;
  }
  return hash.digest('hex');
}

/** adds one value, length-prefixed and tagged with its type; false for a value it cannot key */
function feed(hash: Hash, name: string, value: unknown): boolean {
  const piece = (tag: string, bytes: Uint8Array) => {
    hash.update(`${name}\0${tag}\0${bytes.byteLength}\0`);
    hash.update(bytes);
  };
  if (value === null) piece('null', new Uint8Array(0));
  else if (typeof value === 'string') piece('string', Buffer.from(value, 'utf8'));
  else if (typeof value === 'number' || typeof value === 'boolean') piece(typeof value, Buffer.from(String(value)));
  else if (ArrayBuffer.isView(value)) piece('bytes', new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (Array.isArray(value)) {
    piece('array', Buffer.from(String(value.length)));
    return value.every((item, i) => feed(hash, `${name}[${i}]`, item));
  } else if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    piece('object', Buffer.from(String(entries.length)));
    return entries.every(([k, v]) => feed(hash, `${name}.${k}`, v));
  } else return false;
  return true;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
