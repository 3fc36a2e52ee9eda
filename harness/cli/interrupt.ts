/**
 * Ctrl-C and SIGTERM during a command: the first one aborts the returned signal so running work
 * can clean up and report what it finished; a second one exits at once (130). The listeners are
 * removed when the command ends, so they never outlive it.
 */
import { RunInterrupted } from '../run/runner.js';
import { EXIT } from './exit.js';

export interface InterruptTrap {
  readonly signal: AbortSignal;
  /** remove the listeners */
  release(): void;
}

export function trapInterrupts(stderr: NodeJS.WritableStream = process.stderr): InterruptTrap {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      stderr.write(`\ntlsgate: ${name} again, exiting now without cleaning up\n`);
      process.exit(EXIT.interrupted);
    }
    stderr.write(`\ntlsgate: ${name} received: stopping and cleaning up (press Ctrl-C again to exit now)\n`);
    controller.abort(new RunInterrupted(`interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
