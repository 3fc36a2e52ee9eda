/**
 * The suite under several Node runtimes at once. Each runtime has its own engine whose TLS ends
 * run in that runtime's long-lived worker; all engines share the harness's revocation servers
 * and material cache, so a scenario's certificates are issued once for every runtime. A scenario
 * that uses the revocation servers runs on the runtimes one after another (its namespace there,
 * with its revocation state, faults and request log, is one); any other runs on all of them at
 * once. Up to `concurrency` scenarios are in flight.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { RevocationServers } from '../../ca/servers/revocation-servers.js';
import { localPlacement, runtimePlacement, type EndPlacement } from '../drivers/remote/remote-placement.js';
import type { LibraryDirs } from '../drivers/portable/inventory/package-location.js';
import type { RuntimeSpec } from '../drivers/remote/remote-runtime.js';
import { createEngine, type Engine } from '../session/engine.js';
import type { Inventory, InventoryProbes } from '../drivers/portable/inventory/collect.js';
import type { RunSummary, Scenario, ScenarioResult } from '../model/domain.js';
import { runSuite, summarize, type InternalErrorReport } from '../run/runner.js';
import { catalogueOrder } from '../model/catalogue-order.js';
import { unowned } from '../session/fault-containment.js';
import { needsRevocationServers } from '../scenario/revocation-needs.js';
import type { AuditSink } from '../../ca/spec/audit.js';

export interface MatrixRuntime {
  /** unique within the matrix, e.g. `node 20.20.2` */
  label: string;
  version: string;
  openssl: string;
  spec: RuntimeSpec;
  /**
   * A `--package` runtime (one version of a library, on this Node): its ends run in this process,
   * as `tlsgate run` runs them, every npm library's driver loading the copy these folders hold.
   */
  libraryDirs?: LibraryDirs;
}

export interface RuntimeRun {
  runtime: MatrixRuntime;
  results: ScenarioResult[];
  summary: RunSummary;
  inventory: Inventory | undefined;
}

export interface MatrixOptions {
  certsDir: string;
  timeoutMs: number;
  concurrency: number;
  signal: AbortSignal;
  probes?: InventoryProbes;
  /** hears what the mock CA does: the sink for a runtime's label and a scenario id */
  audit?: (runtime: string, scenarioId: string) => AuditSink;
  /** the runner's review hook per runtime (the project's acceptances, judged on that runtime's Node) */
  review?: (runtime: MatrixRuntime) => (result: ScenarioResult) => ScenarioResult;
  /** called as each (scenario, runtime) pair finishes */
  onResult?: (runtime: MatrixRuntime, result: ScenarioResult) => void;
}

export interface MatrixOutcome {
  runs: RuntimeRun[];
  interrupted: boolean;
  durationMs: number;
  /** bugs met (each ended only its own scenario on its runtime); `where` names the runtime */
  internalErrors: InternalErrorReport[];
}

export async function runMatrix(scenarios: readonly Scenario[], runtimes: readonly MatrixRuntime[], opts: MatrixOptions): Promise<MatrixOutcome> {
  const started = performance.now();
  const servers = sharedRevocationServers(opts.certsDir);
  const placements = runtimes.map((r) => (r.libraryDirs ? localPlacement({ libraryDirs: r.libraryDirs }) : runtimePlacement(r.spec)));
  const engines: Engine[] = [];
  try {
    for (const [i, placement] of placements.entries()) {
      const audit = opts.audit;
      const label = runtimes[i]!.label;
      engines.push(await createEngine({
        certsDir: opts.certsDir, timeoutMs: opts.timeoutMs, placement, revocationServers: servers.get,
        ...(audit ? { audit: (id: string) => audit(label, id) } : {}),
      }));
    }
    const { results, internalErrors } = await runAll(scenarios, runtimes, engines, opts);
    const inventories = await Promise.all(placements.map((p) => inventoryOf(p, opts.probes)));
    const durationMs = Math.round(performance.now() - started);
    const interrupted = opts.signal.aborted;
    const runs = runtimes.map((runtime, i) => {
      const sorted = results[i]!.sort((a, b) => catalogueOrder(a.scenario, b.scenario));
      return { runtime, results: sorted, summary: summarize(sorted, durationMs, interrupted), inventory: inventories[i] };
    });
    return { runs, interrupted, durationMs, internalErrors };
  } finally {
    // engines own their placements (and so the workers); placements never given an engine too
    await Promise.allSettled([...engines.map((e) => e.close()), ...placements.slice(engines.length).map((p) => p.close())]);
    await servers.close();
  }
}

async function runAll(
  scenarios: readonly Scenario[], runtimes: readonly MatrixRuntime[], engines: Engine[], opts: MatrixOptions,
): Promise<{ results: ScenarioResult[][]; internalErrors: InternalErrorReport[] }> {
  const results = runtimes.map((): ScenarioResult[] => []);
  const internalErrors: InternalErrorReport[] = [];
  const limit = pLimit(Math.max(1, opts.concurrency));
  const reviews = runtimes.map((r) => opts.review?.(r));
  // every (scenario, runtime) in flight listens for the interruption
  setMaxListeners(opts.concurrency * runtimes.length + 10, opts.signal);
  const runOn = async (s: Scenario, i: number) => {
    if (opts.signal.aborted) return;
    // runSuite gives each pair the runner's deadline, interruption and error handling
    const { results: [result], internalErrors: bugs } = await runSuite([s], {
      execute: (x, signal) => engines[i]!.run(x, signal), reporters: [], timeoutMs: opts.timeoutMs, concurrency: 1, signal: opts.signal,
      // certificates (keys included) are issued before the scenario's deadline starts, as in `run`
      prepare: (x) => engines[i]!.prepare(x),
      ...(reviews[i] ? { review: reviews[i] } : {}),
    });
    internalErrors.push(...bugs.map((b) => ({ ...b, where: `${b.where} on ${runtimes[i]!.label}` })));
    if (!result) return;
    results[i]!.push(result);
    opts.onResult?.(runtimes[i]!, result);
  };
  await Promise.all(scenarios.map((s) => limit(async () => {
    if (!needsRevocationServers(s)) {
      await Promise.all(engines.map((_, i) => runOn(s, i)));
      return;
    }
    for (const i of engines.keys()) await runOn(s, i);
  })));
  return { results, internalErrors };
}

async function inventoryOf(placement: EndPlacement, probes: InventoryProbes | undefined): Promise<Inventory | undefined> {
  if (!probes) return undefined;
  try {
    return await placement.inventory(probes);
  } catch {
    return undefined;
  }
}

/** one set of revocation servers for every runtime, started on first need (on the ports of the last run's, where free) */
function sharedRevocationServers(certsDir: string) {
  let servers: Promise<RevocationServers> | undefined;
  return {
    get: (): Promise<RevocationServers> => {
      servers ??= unowned(() => import('../session/revocation-ports.js').then((m) => m.startRevocationServers(certsDir, 0)));
      return servers;
    },
    close: async (): Promise<void> => {
      if (servers) await (await servers).close();
    },
  };
}
