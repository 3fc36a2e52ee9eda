/**
 * How long each scenario took in the last runs, so the next run can start the long ones first
 * (run-plan.ts): `durations.json` in the cache folder, one number (ms) per scenario id.
 *
 * Only ever a hint. Order changes timing, never a verdict, so a missing, damaged or stale file
 * costs speed and nothing else: it reads as empty and is rewritten after the next run. Writes
 * are atomic, so two runs sharing the folder leave one run's file or the other's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../ca/issue/atomic-file.js';
import type { Scenario, ScenarioResult } from '../model/domain.js';

/** where a cache folder keeps the history */
export const durationHistoryFile = (cacheDir: string): string => join(cacheDir, 'durations.json');

const VERSION = 1;
/** ids kept: the most recently run first, so one project's many suites do not grow the file without end */
const KEPT = 20_000;
/** a scenario never run before weighs this, plus its own waits */
const UNKNOWN_MS = 20;

interface HistoryFile {
  version: number;
  durations: Record<string, number>;
}

export class DurationHistory {
  private constructor(
    private readonly file: string,
    private readonly durations: Map<string, number>,
  ) {}

  /** the history in `cacheDir`; empty when there is none or it cannot be read */
  static read(cacheDir: string): DurationHistory {
    const file = durationHistoryFile(cacheDir);
    let durations = new Map<string, number>();
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<HistoryFile>;
      if (parsed.version === VERSION && parsed.durations && typeof parsed.durations === 'object') durations = validEntries(parsed.durations);
    } catch {
      // none yet, or damaged: the run plans without it and writes a new one
    }
    return new DurationHistory(file, durations);
  }

  get size(): number {
    return this.durations.size;
  }

  /** ms: the last run's duration, else an estimate (the scenario's own waits, plus a typical scenario) */
  readonly weightOf = (scenario: Scenario): number =>
    this.durations.get(scenario.id) ?? UNKNOWN_MS + (scenario.then ?? []).reduce((sum, step) => sum + (step.wait ?? 0), 0);

  /** keeps each result's duration, newest last */
  record(results: readonly ScenarioResult[]): void {
    for (const r of results) {
      this.durations.delete(r.scenario.id);
      this.durations.set(r.scenario.id, Math.round(r.durationMs));
    }
    const excess = this.durations.size - KEPT;
    if (excess > 0) [...this.durations.keys()].slice(0, excess).forEach((id) => this.durations.delete(id));
  }

  /** rewrites the file; a folder that cannot be written is no error (the history is a hint) */
  async write(): Promise<void> {
    const data: HistoryFile = { version: VERSION, durations: Object.fromEntries(this.durations) };
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(data)}\n`, { mode: 0o600 });
    } catch (err) {
      if (process.env.TLSGATE_DEBUG) process.stderr.write(`tlsgate: debug: duration history not written (${this.file}): ${(err as Error).message}\n`);
    }
  }
}

/** the entries that are durations (a plain loop: Object.entries and filter took 24 ms on 5,600 ids) */
function validEntries(durations: Record<string, unknown>): Map<string, number> {
  const valid = new Map<string, number>();
  for (const id in durations) {
    const ms = durations[id];
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) valid.set(id, ms);
  }
  return valid;
}
