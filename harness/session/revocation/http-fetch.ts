/**
 * One bounded HTTP exchange for revocation data, with tlsgate's own undici: a hard deadline
 * (the scenario's short revocation timeout, never a network default), a body size cap, and an
 * answer that is data, never an exception: a slow, hung, trickling or endless server ends as
 * `{ ok: false }` in time.
 */
import { performance } from 'node:perf_hooks';

export interface FetchOptions {
  method?: 'GET' | 'POST';
  body?: Buffer;
  contentType?: string;
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
  /** URL -> where this run serves it (a team's certificates name their own hosts) */
  routes?: ReadonlyMap<string, string> | undefined;
}

export type FetchResult =
  | { ok: true; status: number; body: Buffer; ms: number }
  | { ok: false; reason: string; ms: number };

export async function fetchBounded(url: string, opts: FetchOptions): Promise<FetchResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, deadline]);
  try {
    // imported on the first fetch: most runs check no revocation, and undici is 110 modules of every engine's start
    const { request } = await import('undici');
    const res = await request(opts.routes?.get(url) ?? url, {
      method: opts.method ?? 'GET',
      ...(opts.body ? { body: opts.body } : {}),
      headers: opts.contentType ? { 'content-type': opts.contentType } : {},
      signal,
    });
    // destroying the body emits 'error' on it; nobody else listens, so swallow it here
    res.body.on('error', () => undefined);
    if (res.statusCode < 200 || res.statusCode > 299) {
      res.body.destroy();
      return { ok: false, reason: `HTTP ${res.statusCode}`, ms: ms() };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > opts.maxBytes) {
        res.body.destroy();
        return { ok: false, reason: `answer larger than ${opts.maxBytes} bytes`, ms: ms() };
      }
      chunks.push(chunk);
    }
    return { ok: true, status: res.statusCode, body: Buffer.concat(chunks), ms: ms() };
  } catch (err) {
    opts.signal.throwIfAborted();
    const reason = deadline.aborted ? `no answer within ${opts.timeoutMs} ms` : describe(err);
    return { ok: false, reason, ms: ms() };
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code ? `${code}: ${message}` : message;
}
