/**
 * The HTTP server under the CRL server and the OCSP responder: node:http on a loopback address,
 * port 0 (or the port a user asked for), a bounded request body, and the transport faults (delay, hang, HTTP status, truncated,
 * garbage, trickled or endless bodies). Whatever a fault leaves open (a hung response, a trickle
 * timer, an endless body) is closed by `close()`, so a run never leaks a socket or a timer.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Fault } from '../revocation/revocation-types.js';

export type LoopbackHost = '127.0.0.1' | '::1';

export interface HttpAnswer {
  status: number;
  contentType?: string;
  body: Buffer;
}

export interface HandlerResult {
  answer: HttpAnswer;
  /** a transport fault to apply while sending (content faults are already in the answer) */
  fault?: Fault;
}

export type RequestHandler = (req: IncomingMessage, body: Buffer) => HandlerResult | Promise<HandlerResult>;

export interface LoopbackHttpOptions {
  host?: LoopbackHost;
  /** default 0 (the system picks); a fixed port only when a user asks for one (`serve --port`) */
  port?: number;
  /**
   * Without `port`: listen on this one if it is free, else on one the system picks. A run asks
   * for the port its last run was given, so the URLs written into its certificates (and so the
   * certificates) stay the same from run to run.
   */
  preferredPort?: number;
  /** larger bodies get 413; default 64 KiB */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY = 64 * 1024;
const ENDLESS_CHUNK = 16 * 1024;
/** a slow client must not hold a socket for long: tlsgate's own clients time out far sooner */
const REQUEST_TIMEOUT_MS = 10_000;

export const TRANSPORT_FAULTS: ReadonlySet<Fault['kind']> = new Set(['delay', 'hang', 'http-status', 'truncate', 'garbage', 'trickle', 'endless']);

/** why a preferred port cannot be had: another socket holds it, or it is privileged */
const PORT_TAKEN = new Set(['EADDRINUSE', 'EACCES']);

function listen(server: Server, port: number, host: LoopbackHost): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export class LoopbackHttpServer {
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closing = false;

  private constructor(private readonly server: Server, private readonly host: LoopbackHost, private readonly maxBodyBytes: number) {}

  static async start(handler: RequestHandler, opts: LoopbackHttpOptions = {}): Promise<LoopbackHttpServer> {
    const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS });
    const self = new LoopbackHttpServer(server, opts.host ?? '127.0.0.1', opts.maxBodyBytes ?? DEFAULT_MAX_BODY);
    server.on('connection', (socket: Socket) => {
      self.sockets.add(socket);
      socket.on('close', () => self.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void self.serve(handler, req, res));
    // No 'clientError' listener on purpose: for bytes that are not HTTP, headers that are too
    // large or too slow, Node's own handler answers 400, 431 or 408 and destroys the socket.
    // A listener replaces that handler, and the client then gets a bare close with no answer.
    const port = opts.port ?? opts.preferredPort ?? 0;
    try {
      await listen(server, port, self.host);
    } catch (err) {
      if (opts.port !== undefined || port === 0 || !PORT_TAKEN.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await listen(server, 0, self.host);
    }
    return self;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get address(): { host: LoopbackHost; port: number } {
    return { host: this.host, port: this.port };
  }

  /** `http://127.0.0.1:PORT` (IPv6 in brackets) */
  get origin(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private async serve(handler: RequestHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    let result: HandlerResult;
    try {
      const body = await this.readBody(req);
      if (body === undefined) return this.send(res, { status: 413, body: Buffer.from('request body too large\n'), contentType: 'text/plain' });
      result = await handler(req, body);
    } catch {
      // a handler bug must not take the server down; the request log shows nothing was answered
      result = { answer: { status: 500, body: Buffer.alloc(0) } };
    }
    this.sendWithFault(res, result);
  }

  /** the body, or undefined when it exceeds the limit (the rest is not read) */
  private readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > this.maxBodyBytes) return resolve(undefined);
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          // keep reading and drop the rest (as Node does for a body nobody reads; requestTimeout
          // bounds an endless one): a paused request stops Node reading the socket, the client's
          // upload never ends, and its keep-alive connection stays wedged after the 413
          req.removeAllListeners('data');
          req.resume();
          resolve(undefined);
        } else chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  private sendWithFault(res: ServerResponse, { answer, fault }: HandlerResult): void {
    switch (fault?.kind) {
      case 'delay': return this.later(fault.ms, () => this.send(res, answer));
      case 'hang': return; // the socket stays open until the client gives up or close() runs
      case 'http-status': return this.send(res, { status: fault.status, body: Buffer.alloc(0) });
      case 'truncate': return this.send(res, { ...answer, body: answer.body.subarray(0, Math.floor(answer.body.length / 2)) });
      case 'garbage': return this.send(res, { ...answer, body: randomBytes(Math.max(64, answer.body.length)) });
      case 'trickle': return this.trickle(res, answer, fault.intervalMs);
      case 'endless': return this.endless(res, answer);
      default: return this.send(res, answer);
    }
  }

  private send(res: ServerResponse, answer: HttpAnswer): void {
    if (res.destroyed) return;
    res.writeHead(answer.status, {
      'content-length': answer.body.length,
      ...(answer.contentType ? { 'content-type': answer.contentType } : {}),
      'cache-control': 'no-store',
    });
    res.end(answer.body);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** the right bytes, one every intervalMs, with the right content-length */
  private trickle(res: ServerResponse, answer: HttpAnswer, intervalMs: number): void {
    res.writeHead(answer.status, { 'content-length': answer.body.length, ...(answer.contentType ? { 'content-type': answer.contentType } : {}) });
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i >= answer.body.length) return void res.end();
      res.write(answer.body.subarray(i, ++i));
      this.later(intervalMs, next);
    };
    next();
  }

  /** a chunked body that never ends, written as fast as the client reads it */
  private endless(res: ServerResponse, answer: HttpAnswer): void {
    res.writeHead(answer.status, { ...(answer.contentType ? { 'content-type': answer.contentType } : {}) });
    const chunk = randomBytes(ENDLESS_CHUNK);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
    };
    res.on('drain', pump);
    pump();
  }
}

/**
 * The request-target as a URL on this server. `new URL(req.url, base)` reads a target that starts
 * with `//` as a host (`//a/b` is host a, path /b) and throws when that host is invalid, which
 * turned such a request into a 500; here the target is always the path.
 */
export function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    return new URL(`http://loopback${target.startsWith('/') ? '' : '/'}${target}`);
  } catch {
    return new URL('http://loopback/');
  }
}

/** `decodeURIComponent`, or undefined for a malformed escape */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** what the client received: the answer, unless a transport fault replaced it */
export function describeAnswer(answer: string, fault: Fault | undefined): string {
  switch (fault?.kind) {
    case 'http-status': return `http ${fault.status}`;
    case 'hang': return 'nothing (hang)';
    case 'garbage': return 'garbage';
    case 'endless': return 'endless body';
    case 'truncate': return `${answer}, truncated`;
    default: return answer;
  }
}
