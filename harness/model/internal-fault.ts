/**
 * What went wrong inside tlsgate, as opposed to what a peer did. A peer that times out, resets
 * or sends garbage is an observation and gets a verdict; a scenario that cannot run as written
 * (a driver module that is not one, a CRL the server cannot load) is a ScenarioError: an `error`
 * verdict, the user's to fix. Any other exception is a bug in tlsgate (or in a driver module it
 * loaded): an InternalFault, which ends only its own scenario and makes the run exit 3.
 */
import { fileURLToPath } from 'node:url';
import type { InternalFault, Verdict } from './domain.js';

export type { InternalFault };

/** the scenario cannot run as written: an error verdict, not a bug in tlsgate */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export type InternalErrorVerdict = Extract<Verdict, { status: 'error' }> & { internal: InternalFault };

export function internalFaultOf(err: unknown): InternalFault {
  const at = err instanceof Error ? firstFrame(err.stack) : undefined;
  return { error: errorLine(err), ...(at ? { at } : {}) };
}

/** `TypeError: boom (at connect (/tmp/driver.mjs:3:11))` */
export const describeFault = (f: InternalFault): string => (f.at ? `${f.error} (at ${f.at})` : f.error);

export function internalErrorVerdict(err: unknown): InternalErrorVerdict {
  const internal = err instanceof InternalFaultAbort ? err.fault : internalFaultOf(err);
  return { status: 'error', message: `internal error: ${describeFault(internal)}`, internal };
}

export const isInternalError = (v: Verdict): v is InternalErrorVerdict => v.status === 'error' && v.internal !== undefined;

/** the abort reason of a scenario that a fault outside any awaited call (an event handler) ended */
export class InternalFaultAbort extends Error {
  override readonly name = 'InternalFaultAbort';
  constructor(readonly fault: InternalFault) {
    super(`internal error: ${describeFault(fault)}`);
  }
}

function errorLine(err: unknown): string {
  if (!(err instanceof Error)) return `thrown value: ${safeString(err)}`;
  const name = err.name || 'Error';
  return err.message ? `${name}: ${err.message}` : name;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** the first `at ...` line of a stack, with file URLs and the working directory shortened */
function firstFrame(stack: string | undefined): string | undefined {
  const line = stack?.split('\n').find((l) => /^\s+at /.test(l));
  if (!line) return undefined;
  return shortenPaths(line.trim().slice('at '.length));
}

function shortenPaths(frame: string): string {
  const withPaths = frame.replace(/file:\/\/\/[^\s():]+/g, (url) => {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  });
  const cwd = `${process.cwd()}/`;
  return withPaths.split(cwd).join('');
}
