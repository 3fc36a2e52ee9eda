/**
 * One HTTP exchange as an attacker sends it: any method, path, headers and body (declared with a
 * content-length, or chunked), or raw bytes that are not HTTP at all. The answer is data; a
 * connection that ends without one, or no answer in time, is an `error` the caller reports.
 */
import { request, type Agent } from 'node:http';
import { connect } from 'node:net';

export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export type Exchanged = HttpAnswer | { error: string };

export interface HttpAttempt {
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string> | undefined;
  body?: Buffer | undefined;
  /** send the body with transfer-encoding: chunked instead of a content-length */
  chunked?: boolean | undefined;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * A keep-alive socket the server closed after its idle timeout, just as this request was written
 * on it, ends in ECONNRESET without the server having seen the request (Node's docs: "reusedSocket").
 * That is the client's race, not the server's answer, so such a request is sent once more on a
 * fresh socket.
 */
export async function exchange(agent: Agent, attempt: HttpAttempt, timeoutMs: number): Promise<Exchanged> {
  const first = await exchangeOnce(agent, attempt, timeoutMs);
  if (!('raced' in first)) return first;
  const again = await exchangeOnce(false, attempt, timeoutMs);
  return 'raced' in again ? { error: 'ECONNRESET on a fresh socket' } : again;
}

function exchangeOnce(agent: Agent | false, attempt: HttpAttempt, timeoutMs: number): Promise<Exchanged | { raced: true }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: Exchanged | { raced: true }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => { req.destroy(); done({ error: `no answer within ${timeoutMs} ms` }); }, timeoutMs);
    const headers = { ...attempt.headers };
    // Node's client frames a GET body only when told: without either header it would send raw bytes
    if (attempt.body) headers[attempt.chunked ? 'transfer-encoding' : 'content-length'] = attempt.chunked ? 'chunked' : String(attempt.body.length);
    const req = request({ host: '127.0.0.1', port: attempt.port, method: attempt.method, path: attempt.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) return void res.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks) }));
      res.on('error', (err) => done({ error: `answer broke off: ${err.message}` }));
    });
    // the server may answer (413) and close before the whole body is written: the answer counts
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (req.reusedSocket && err.code === 'ECONNRESET') return done({ raced: true });
      done({ error: `${err.code ?? ''} ${err.message}`.trim() });
    });
    if (attempt.body) writeBody(req, attempt.body, !!attempt.chunked);
    else req.end();
  });
}

function writeBody(req: ReturnType<typeof request>, body: Buffer, chunked: boolean): void {
  if (!chunked) return void req.end(body);
  const piece = 8 * 1024;
  for (let i = 0; i < body.length; i += piece) req.write(body.subarray(i, i + piece));
  req.end();
}

/** raw bytes on a fresh TCP connection; the answer's status line, headers and body as sent */
export function rawExchange(port: number, bytes: Buffer, timeoutMs: number): Promise<Exchanged> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    const timer = setTimeout(() => { socket.destroy(); resolve({ error: `no answer within ${timeoutMs} ms` }); }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      resolve(status ? { status: Number(status[1]), contentType: undefined, body: Buffer.from(text.slice(text.indexOf('\r\n\r\n') + 4), 'latin1') } : { error: `closed without an answer (${text.length} bytes)` });
    });
  });
}
