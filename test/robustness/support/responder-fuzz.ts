/**
 * A fuzz campaign against the real responders: `count` attacks, `concurrency` in flight, a good
 * OCSP request and a good CRL fetch after every `goodEvery` attacks, and the heap measured after
 * a warm-up and at the end (both after full GCs). Also the load test: concurrent well-formed
 * requests, every answer checked. Shared by test/robustness and scripts/fuzz-responders.ts.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { exchange, rawExchange, type Exchanged } from './http-exchange.js';
import { settledHeapBytes } from './memory.js';
import { goodCrlRequest, goodOcspRequest, nextAttack, Rng, WELL_FORMED, type Attack } from './responder-attacks.js';
import type { ResponderTarget } from './responder-target.js';

/** an answer slower than this is a hang as far as a relying party is concerned */
const ANSWER_TIMEOUT_MS = 5000;

export interface CampaignOptions {
  count: number;
  concurrency: number;
  seed: number;
  goodEvery: number;
  /** attacks sent before the heap baseline is taken (fills caches, JIT, the bounded request log) */
  warmup: number;
}

export interface CampaignResult {
  seed: number;
  sent: number;
  goodChecks: number;
  /** attacks per kind, and the statuses they got */
  byKind: Record<string, { count: number; statuses: Record<string, number> }>;
  /** the first failures, each `kind: what was wrong` */
  failures: string[];
  failureCount: number;
  ms: number;
  heap: { baseline: number; end: number };
  rss: { baseline: number; end: number };
}

export async function runCampaign(target: ResponderTarget, opts: CampaignOptions): Promise<CampaignResult> {
  const rng = new Rng(opts.seed);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const result: CampaignResult = {
    seed: opts.seed, sent: 0, goodChecks: 0, byKind: {}, failures: [], failureCount: 0, ms: 0,
    heap: { baseline: 0, end: 0 }, rss: { baseline: 0, end: 0 },
  };
  const started = performance.now();
  try {
    const warmup = Math.min(opts.warmup, opts.count);
    await sendAll(warmup, opts, () => nextAttack(rng, target), target, agent, result);
    result.heap.baseline = await settledHeapBytes();
    result.rss.baseline = process.memoryUsage().rss;
    await sendAll(opts.count - warmup, opts, () => nextAttack(rng, target), target, agent, result);
  } finally {
    agent.destroy();
  }
  result.ms = Math.round(performance.now() - started);
  result.heap.end = await settledHeapBytes();
  result.rss.end = process.memoryUsage().rss;
  return result;
}

/** `n` attacks, `concurrency` workers; the good pair after every goodEvery attacks */
async function sendAll(n: number, opts: CampaignOptions, next: () => Attack, target: ResponderTarget, agent: Agent, result: CampaignResult): Promise<void> {
  let remaining = n;
  const worker = async () => {
    while (remaining > 0) {
      remaining--;
      await send(next(), target, agent, result);
      result.sent++;
      if (result.sent % opts.goodEvery === 0) {
        await Promise.all([goodOcspRequest(target), goodCrlRequest(target)].map((good) => send(good, target, agent, result)));
        result.goodChecks++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
}

async function send(attack: Attack, target: ResponderTarget, agent: Agent, result: CampaignResult): Promise<void> {
  const port = attack.server === 'ocsp' ? target.ocspPort : target.crlPort;
  const answer: Exchanged = attack.raw
    ? await rawExchange(port, attack.raw, ANSWER_TIMEOUT_MS)
    : await exchange(agent, { port, method: attack.method, path: attack.path, headers: attack.headers, body: attack.body, chunked: attack.chunked }, ANSWER_TIMEOUT_MS);
  const entry = (result.byKind[attack.kind] ??= { count: 0, statuses: {} });
  entry.count++;
  const status = 'error' in answer ? 'no answer' : String(answer.status);
  entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
  const wrong = attack.check(answer);
  if (wrong === undefined) return;
  result.failureCount++;
  if (result.failures.length < 20) result.failures.push(`${attack.kind} (${attack.method} ${attack.path.slice(0, 80)}): ${wrong}`);
}

export interface LoadResult {
  requests: number;
  failures: string[];
  ms: number;
}

/** `requests` well-formed requests (OCSP POST and GET, CRL as DER and PEM), `concurrency` at once */
export async function runLoad(target: ResponderTarget, requests: number, concurrency: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const failures: string[] = [];
  const started = performance.now();
  let remaining = requests;
  const worker = async () => {
    while (remaining-- > 0) {
      const attack = WELL_FORMED[remaining % WELL_FORMED.length]!(target);
      const port = attack.server === 'ocsp' ? target.ocspPort : target.crlPort;
      const answer = await exchange(agent, { port, method: attack.method, path: attack.path, headers: attack.headers, body: attack.body }, ANSWER_TIMEOUT_MS);
      const wrong = attack.check(answer);
      if (wrong !== undefined && failures.length < 20) failures.push(`${attack.kind}: ${wrong}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { requests, failures, ms: Math.round(performance.now() - started) };
}
