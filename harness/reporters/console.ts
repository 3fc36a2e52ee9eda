/**
 * The human reporter. On a terminal: one progress line rewritten in place, failures printed as
 * they happen. Elsewhere (CI logs): one plain line per scenario. Then a summary, failures first,
 * each with file:line, expected vs got, and what was observed.
 */
import { failsGate, renderDriftText, type DriftOutcome } from '../baseline/render.js';
import type { RunSummary, ScenarioResult } from '../model/domain.js';
import { acceptanceText, isAccepted, reportedStatus, type ReportedStatus } from '../model/acceptance.js';
import type { Reporter, RunInfo } from './types.js';
import {
  countsLine, failureDetails, formatDuration, headline, isProblem, location, STATUS_LABEL,
} from './format.js';
import type { Output } from './output.js';

export interface ConsoleOptions {
  /** rewrite a progress line in place (a terminal) instead of printing a line per scenario */
  live: boolean;
  color: boolean;
  /** the drift against --baseline, printed after the summary */
  drift?: (results: readonly ScenarioResult[]) => Promise<DriftOutcome | undefined>;
}

/** live progress and colors only for a terminal; NO_COLOR (any non-empty value) turns colors off */
export function consoleOptionsFor(out: Output, env: NodeJS.ProcessEnv = process.env): ConsoleOptions {
  return { live: out.isTTY, color: out.isTTY && !env.NO_COLOR };
}

type Paint = (text: string) => string;
const ansi = (open: number, close: number): Paint => (t) => `\x1b[${open}m${t}\x1b[${close}m`;
const PALETTE = { red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39), dim: ansi(2, 22), bold: ansi(1, 22) };
const PLAIN: typeof PALETTE = { red: String, green: String, yellow: String, dim: String, bold: String };

const CLEAR_LINE = '\r\x1b[2K';

export function consoleReporter(out: Output, opts: ConsoleOptions): Reporter {
  return new ConsoleReporter(out, opts);
}

class ConsoleReporter implements Reporter {
  readonly name = 'console';
  private readonly c: typeof PALETTE;
  private run: RunInfo | undefined;
  private readonly counts: Record<ReportedStatus, number> = { passed: 0, failed: 0, error: 0, skipped: 0, accepted: 0 };

  constructor(private readonly out: Output, private readonly opts: ConsoleOptions) {
    this.c = opts.color ? PALETTE : PLAIN;
  }

  onBegin(run: RunInfo): void {
    this.run = run;
    const shard = run.shard ? `, shard ${run.shard.index}/${run.shard.count}` : '';
    const line = run.mergedFrom !== undefined
      ? `tlsgate: ${run.total} scenario${run.total === 1 ? '' : 's'} merged from ${run.mergedFrom} report${run.mergedFrom === 1 ? '' : 's'}`
      : `tlsgate: running ${run.total} scenario${run.total === 1 ? '' : 's'} (concurrency ${run.concurrency}${shard})`;
    this.out.write(`${this.c.dim(line)}\n`);
    if (this.opts.live) this.drawProgress();
  }

  onResult(r: ScenarioResult): void {
    this.counts[reportedStatus(r)]++;
    if (!this.opts.live) {
      this.out.write(`${this.resultLine(r)}\n`);
      return;
    }
    if (isProblem(r)) this.out.write(`${CLEAR_LINE}${this.resultLine(r)}\n`);
    this.drawProgress();
  }

  async onEnd(summary: RunSummary, results: readonly ScenarioResult[]): Promise<void> {
    if (this.opts.live) this.out.write(CLEAR_LINE);
    this.out.write(this.summaryText(summary, results));
    const drift = await this.opts.drift?.(results);
    if (drift) {
      const text = `\n${renderDriftText(drift.drift, drift.policy, drift.against, { failures: drift.failures })}`;
      this.out.write(failsGate(drift) ? this.c.red(text) : text);
    }
    return this.out.close();
  }

  private drawProgress(): void {
    const done = this.counts.passed + this.counts.failed + this.counts.error + this.counts.skipped + this.counts.accepted;
    const parts = [this.c.green(`${this.counts.passed} passed`), this.paintCount(this.counts.failed, 'failed')];
    if (this.counts.error) parts.push(this.c.red(`${this.counts.error} errors`));
    if (this.counts.skipped) parts.push(this.c.yellow(`${this.counts.skipped} skipped`));
    if (this.counts.accepted) parts.push(this.c.yellow(`${this.counts.accepted} accepted`));
    this.out.write(`${CLEAR_LINE}${done}/${this.run?.total ?? '?'}  ${parts.join(', ')}`);
  }

  private paintCount(n: number, word: string): string {
    return n ? this.c.red(`${n} ${word}`) : `${n} ${word}`;
  }

  private resultLine(r: ScenarioResult): string {
    const status = reportedStatus(r);
    const label = this.statusLabel(status);
    const tail = status === 'skipped' ? `: ${headline(r)}` : ` (${formatDuration(r.durationMs)})`;
    const caveats = (r.scenario.caveats ?? []).map((c) => `\n    ${this.c.yellow(c)}`).join('');
    return `${label} ${r.scenario.name}  ${this.c.dim(location(r))}${this.c.dim(tail)}${caveats}`;
  }

  private statusLabel(status: ReportedStatus): string {
    const text = STATUS_LABEL[status].padEnd(5);
    if (status === 'passed') return this.c.green(text);
    if (status === 'skipped' || status === 'accepted') return this.c.yellow(text);
    return this.c.red(text);
  }

  private summaryText(summary: RunSummary, results: readonly ScenarioResult[]): string {
    const problems = results.filter(isProblem);
    const skipped = results.filter((r) => r.verdict.status === 'skipped');
    const accepted = results.filter(isAccepted);
    const blocks: string[] = [];
    if (problems.length) {
      blocks.push(this.c.bold(this.c.red(`Failures (${problems.length}):`)));
      problems.forEach((r, i) => blocks.push(this.problemBlock(r, i + 1)));
    }
    if (accepted.length) {
      blocks.push(this.c.yellow(`Accepted (${accepted.length}), not failing the run:`));
      blocks.push(accepted.map((r) => `  ${r.scenario.name}  ${this.c.dim(location(r))}: ${headline(r)}\n    ${acceptanceText(r)}`).join('\n'));
    }
    if (skipped.length) {
      blocks.push(this.c.yellow(`Skipped (${skipped.length}):`));
      blocks.push(skipped.map((r) => `  ${r.scenario.name}  ${this.c.dim(location(r))}: ${headline(r)}`).join('\n'));
    }
    blocks.push(this.finalLine(summary));
    const notes = this.notes(summary);
    if (notes) blocks.push(notes);
    return `\n${blocks.join('\n\n')}\n`;
  }

  private problemBlock(r: ScenarioResult, n: number): string {
    const [first = '', ...rest] = failureDetails(r);
    const title = `${n}) ${this.statusLabel(reportedStatus(r)).trim()} ${this.c.bold(r.scenario.name)}  ${location(r)}`;
    return [title, `   ${first}`, ...rest.map((l) => `   ${this.c.dim(l)}`)].join('\n');
  }

  private finalLine(summary: RunSummary): string {
    const text = countsLine(summary);
    const ok = summary.failed === 0 && summary.errors === 0 && !summary.interrupted;
    return ok ? this.c.green(text) : this.c.red(text);
  }

  private notes(summary: RunSummary): string | undefined {
    const notRun = (this.run?.total ?? summary.total) - summary.total;
    if (summary.interrupted) {
      return this.c.yellow(`interrupted: ${summary.total} of ${this.run?.total ?? '?'} scenarios ran to the end; the others were stopped or never started`);
    }
    if (notRun > 0) return this.c.yellow(`stopped after the first failure (--bail): ${notRun} scenario${notRun === 1 ? '' : 's'} not run`);
    return undefined;
  }
}
