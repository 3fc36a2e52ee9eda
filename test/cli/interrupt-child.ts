/**
 * A child process for the interruption tests: the real signal trap and runner, with scenarios
 * that run until aborted (stub execute, no TLS). Usage: interrupt-child REPORT_FILE MODE
 * MODE `cooperative`: scenarios clean up when aborted; `stuck`: cleanup never finishes.
 * Prints `ready` once scenarios are running.
 */
import { EXIT } from '../../harness/cli/exit.js';
import { trapInterrupts } from '../../harness/cli/interrupt.js';
import { createReporter } from '../../harness/run/reporters.js';
import { runSuite } from '../../harness/run/runner.js';
import type { Scenario } from '../../harness/model/domain.js';
import { numberedScenarios, passed, resultFor } from '../runner/fixtures.js';

const [reportFile, mode] = process.argv.slice(2);
const scenarios = numberedScenarios(4);
const interrupts = trapInterrupts();

const execute = (s: Scenario, signal: AbortSignal) => {
  if (s.name === 's1') return Promise.resolve(passed(s));
  if (s.name === 's2') setTimeout(() => process.stdout.write('ready\n'), 20);
  return new Promise<ReturnType<typeof passed>>((resolve) => {
    if (mode === 'stuck') return; // never returns, even when aborted
    signal.addEventListener('abort', () => {
      process.stderr.write(`cleaned up ${s.name}\n`);
      resolve(resultFor(s, { status: 'error', message: 'aborted' }, []));
    });
  });
};

try {
  const { summary } = await runSuite(scenarios, {
    execute, reporters: [createReporter({ name: 'json', file: reportFile! })], timeoutMs: 60_000, concurrency: 2,
    signal: interrupts.signal, settleMs: mode === 'stuck' ? 60_000 : 1000,
  });
  process.exitCode = summary.interrupted ? EXIT.interrupted : EXIT.passed;
} finally {
  interrupts.release();
}
process.stderr.write(`released: ${process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')}\n`);
