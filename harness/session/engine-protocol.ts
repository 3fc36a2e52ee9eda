/** The messages between a run and its engine worker processes (engine-workers.ts, engine-worker.ts): plain data. */
import type { AuditEvent } from '../../ca/spec/audit.js';
import type { Scenario, ScenarioResult } from '../model/domain.js';
import type { InternalFault } from '../model/internal-fault.js';

/** what a worker's engine is made with: EngineOptions as data (`audit`: whether to send the CA's events back) */
export interface WorkerEngineOptions {
  certsDir: string;
  timeoutMs: number;
  audit: boolean;
  /** the worker's index: its slot among the remembered revocation server ports */
  portSlot: number;
}

export type ToWorker =
  | { type: 'run'; id: number; scenario: Scenario }
  /** issue the scenario's certificates into the shared cache before its deadline starts */
  | { type: 'prepare'; id: number; scenario: Scenario }
  | { type: 'abort'; id: number; reason: string }
  | { type: 'close' };

export type FromWorker =
  /** its engine is up: scenarios sent before would count its start against their deadlines */
  | { type: 'ready' }
  | { type: 'result'; id: number; result: ScenarioResult }
  /** a `prepare` ended (whether it issued anything or failed: run() meets and reports any failure) */
  | { type: 'prepared'; id: number }
  /** the engine itself threw (a bug): the scenario's verdict is an internal error */
  | { type: 'failed'; id: number; fault: InternalFault }
  /** a fault no scenario owns */
  | { type: 'stray'; fault: InternalFault }
  /** what the mock CA did for a scenario (`--audit`): the run writes it to its one log */
  | { type: 'audit'; scenario: string; event: AuditEvent };
