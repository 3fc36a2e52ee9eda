/** Reporters are plug-ins: the runner calls them in order; each writes to its own stream. */
import type { DriftOutcome } from '../baseline/render.js';
import type { RunSummary, ScenarioResult } from '../model/domain.js';
import type { Output } from './output.js';

export interface RunInfo {
  /** total scenarios selected for this run (after --grep/--tag/--shard) */
  total: number;
  concurrency: number;
  shard?: { index: number; count: number };
  /** node, openssl, undici, platform; the inventory when available */
  environment: Record<string, unknown>;
  startedAt: Date;
  /** `tlsgate merge-reports`: the run is this many shards' reports joined */
  mergedFrom?: number;
}

export interface Reporter {
  readonly name: string;
  onBegin?(run: RunInfo): void;
  onResult?(result: ScenarioResult): void;
  /** results are in catalogue order (file, then line), whatever order they finished in */
  onEnd(summary: RunSummary, results: readonly ScenarioResult[]): Promise<void> | void;
}

/** Where a reporter writes: a file path, or stdout when absent. `name` is a built-in name or a module path. */
export interface ReporterTarget {
  name: string;
  file?: string;
}

/** What the run offers every reporter, built-in or plug-in. */
export interface ReporterContext {
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** for the json report's `inventory` field; collected only if a json reporter ends */
  inventory?: () => unknown | Promise<unknown>;
  /** maps a scenario's `path` (from the working directory) to one from the repository root, for GitHub annotations */
  annotationPath?: (path: string) => string;
  /** the drift against --baseline, for the console, json and github reporters (computed once) */
  drift?: (results: readonly ScenarioResult[]) => Promise<DriftOutcome | undefined>;
}

/**
 * Makes one reporter writing to `out` (a file, or stdout). Every built-in reporter is one, and
 * a plug-in module's default export is one (see README.md in this folder).
 */
export type ReporterFactory = (out: Output, ctx: ReporterContext & { env: NodeJS.ProcessEnv }) => Reporter;
