/**
 * A run as `tlsgate run` does it, in this process: one engine (its revocation servers, the
 * material cache), the runner with its concurrency, deadlines and interruption, no reporters.
 * The engine is closed whatever happens.
 */
import { createEngine } from '../../../harness/session/engine.js';
import type { Scenario } from '../../../harness/model/domain.js';
import { runSuite, type RunOutcome } from '../../../harness/run/runner.js';

export interface InProcessRun {
  certsDir: string;
  concurrency: number;
  /** per-connection timeout for scenarios that set none (the CLI's default) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function runInProcess(scenarios: readonly Scenario[], opts: InProcessRun): Promise<RunOutcome> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const engine = await createEngine({ certsDir: opts.certsDir, timeoutMs });
  try {
    return await runSuite(scenarios, {
      execute: (s, signal) => engine.run(s, signal),
      reporters: [],
      timeoutMs,
      concurrency: opts.concurrency,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    await engine.close();
  }
}
