/**
 * Catches what no `try` can: an exception thrown in an event handler or a timer, and a promise
 * rejection nobody handles. While a run holds containment, such a fault goes to the sink of the
 * scenario whose code caused it (AsyncLocalStorage follows the scenario into every socket, timer
 * and promise it creates), or, when no scenario owns it, to every run holding containment.
 * So an exception inside one scenario ends that scenario, never the process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface FaultSink {
  report(err: unknown): void;
}

const owners = new AsyncLocalStorage<FaultSink>();
const runs = new Set<FaultSink>();

/** runs fn (and everything it starts) as owned by sink */
export const ownedBy = <T>(sink: FaultSink, fn: () => T): T => owners.run(sink, fn);

/** runs fn outside any scenario: for what scenarios share (servers started on first need) */
export const unowned = <T>(fn: () => T): T => owners.exit(fn);

/**
 * From now until the returned release: no uncaught exception or unhandled rejection ends the
 * process; faults no scenario owns go to runSink.
 */
export function containFaults(runSink: FaultSink): () => void {
  if (runs.size === 0) {
    process.on('uncaughtException', onFault);
    process.on('unhandledRejection', onFault);
  }
  runs.add(runSink);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    runs.delete(runSink);
    if (runs.size === 0) {
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    }
  };
}

function onFault(err: unknown): void {
  const owner = owners.getStore();
  if (owner) return owner.report(err);
  for (const run of runs) run.report(err);
}
