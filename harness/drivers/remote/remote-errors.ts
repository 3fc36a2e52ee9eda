/**
 * A worker's failure, back as the error the engine knows: a TLS end that refused its own
 * configuration is a TlsSetupError (an observation, as in-process); a driver that cannot run on
 * the runtime is DriverUnavailable (the scenario is skipped there, saying why).
 */
import { RemoteCallError } from './remote-runtime.js';
import { TlsSetupError } from '../portable/setup-error.js';

export class DriverUnavailable extends Error {
  override readonly name = 'DriverUnavailable';
}

/** the engine-facing error for a failed remote call (rethrows the abort reason on abort) */
export function fromRemote(err: unknown, runtimeLabel: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if (!(err instanceof RemoteCallError)) return err;
  const wire = err.wire;
  switch (wire.kind) {
    case 'setup': return new TlsSetupError(wire.side ?? 'server', wire.code, wire.message);
    case 'unavailable': return new DriverUnavailable(`${runtimeLabel}: ${wire.message}`);
    case 'aborted': return new Error(`${runtimeLabel}: the call was aborted: ${wire.message}`);
    case 'failed': return new Error(`${runtimeLabel}: ${wire.message}`);
  }
}
