/**
 * One worker thread of a run (engine-workers.ts): its own engine (revocation servers, TLS ends,
 * secure contexts), so handshakes and verdicts run on every core. Scenarios come in as data,
 * results go out as data. A fault a scenario's code throws (a timer, a socket handler) ends
 * that scenario with an internal error, as in the main thread (fault-containment.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario, ScenarioResult } from '../model/domain.js';
import { internalErrorVerdict, internalFaultOf, InternalFaultAbort, type InternalFault } from '../model/internal-fault.js';
import { createEngine, type EngineOptions } from './engine.js';
import { containFaults, ownedBy, type FaultSink } from './fault-containment.js';
import type { FromWorker, ToWorker } from './engine-protocol.js';

const port = parentPort!;
const engine = await createEngine(workerData as EngineOptions);
const running = new Map<number, AbortController>();
const post = (message: FromWorker) => port.postMessage(message);

containFaults({ report: (err) => post({ type: 'stray', fault: internalFaultOf(err) }) });

port.on('message', (message: ToWorker) => {
  if (message.type === 'run') void run(message.id, message.scenario);
  else if (message.type === 'prepare') void engine.prepare(message.scenario).catch(() => undefined).then(() => post({ type: 'prepared', id: message.id }));
  else if (message.type === 'abort') running.get(message.id)?.abort(new Error(message.reason));
  else void engine.close().finally(() => port.close());
});
post({ type: 'ready' });

async function run(id: number, scenario: Scenario): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  let first: InternalFault | undefined;
  const sink: FaultSink = {
    report: (err) => {
      const fault = internalFaultOf(err);
      first ??= fault;
      controller.abort(new InternalFaultAbort(fault));
    },
  };
  try {
    const result: ScenarioResult = await ownedBy(sink, () => engine.run(scenario, controller.signal));
    post({ type: 'result', id, result: first ? { ...result, verdict: internalErrorVerdict(new InternalFaultAbort(first)) } : result });
  } catch (err) {
    post({ type: 'failed', id, fault: internalFaultOf(err) });
  } finally {
    running.delete(id);
  }
}
