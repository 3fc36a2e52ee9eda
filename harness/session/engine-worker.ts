/**
 * One engine worker process of a run (engine-workers.ts): its own engine (revocation servers,
 * TLS ends, secure contexts), so handshakes and verdicts run on every core. Scenarios come in as
 * data over the IPC channel, results go out as data. A fault a scenario's code throws (a timer,
 * a socket handler) ends that scenario with an internal error, as in the run's own process
 * (fault-containment.ts).
 *
 * The run owns this process's life: Ctrl-C reaches the whole process group, and it is the run
 * that stops its scenarios and sends `close`, so this process ignores SIGINT and SIGTERM. When
 * the run goes away without a word (killed), the channel closes and this process closes its
 * engine (its servers, its tools' processes) and exits.
 */
import type { Scenario, ScenarioResult } from '../model/domain.js';
import { internalErrorVerdict, internalFaultOf, InternalFaultAbort, type InternalFault } from '../model/internal-fault.js';
import { createEngine } from './engine.js';
import { containFaults, ownedBy, type FaultSink } from './fault-containment.js';
import type { FromWorker, ToWorker, WorkerEngineOptions } from './engine-protocol.js';

const ignore = () => undefined;
process.on('SIGINT', ignore);
process.on('SIGTERM', ignore);

const post = (message: FromWorker) => {
  if (process.connected) process.send!(message);
};
const options = JSON.parse(process.argv[2] ?? '{}') as WorkerEngineOptions;
const engine = await createEngine({
  certsDir: options.certsDir,
  timeoutMs: options.timeoutMs,
  portSlot: options.portSlot,
  ...(options.audit ? { audit: (scenario: string) => ({ record: (event) => post({ type: 'audit', scenario, event }) }) } : {}),
});
const running = new Map<number, AbortController>();

containFaults({ report: (err) => post({ type: 'stray', fault: internalFaultOf(err) }) });

let closing: Promise<void> | undefined;
/** closes the engine once, then ends this process (the run waits for its exit) */
const close = () => {
  closing ??= engine.close().catch(ignore).then(() => {
    if (process.connected) process.disconnect();
    process.exit(0);
  });
  return closing;
};

process.on('message', (message: ToWorker) => {
  if (message.type === 'run') void run(message.id, message.scenario);
  else if (message.type === 'prepare') void engine.prepare(message.scenario).catch(ignore).then(() => post({ type: 'prepared', id: message.id }));
  else if (message.type === 'abort') running.get(message.id)?.abort(new Error(message.reason));
  else void close();
});
process.on('disconnect', () => {
  for (const controller of running.values()) controller.abort(new Error('the run went away'));
  void close();
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
