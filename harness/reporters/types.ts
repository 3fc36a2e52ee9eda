/** Reporters are plug-ins: the runner calls them in order; each writes to its own stream. */
import type { RunSummary, ScenarioResult } from '../model/domain.js';

export interface RunInfo {
  /** total scenarios selected for this run (after --grep/--tag/--shard) */
  total: number;
  concurrency: number;
  shard?: { index: number; count: number };
  /** node, openssl, undici, platform; the inventory when available */
  environment: Record<string, unknown>;
  startedAt: Date;
}

export interface Reporter {
  readonly name: string;
  onBegin?(run: RunInfo): void;
  onResult?(result: ScenarioResult): void;
  /** results are in catalogue order (file, then line), whatever order they finished in */
  onEnd(summary: RunSummary, results: readonly ScenarioResult[]): Promise<void> | void;
}

/** Where a reporter writes: a file path, or stdout when absent. */
export interface ReporterTarget {
  name: string;
  file?: string;
}
