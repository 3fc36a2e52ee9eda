/**
 * What every benchmark here shares: repeated timing (min and median, never one sample), a rate
 * measured over a fixed duration, and a table that puts each row beside the floor measured in
 * the same run (a ratio, not seconds: machines differ, ratios much less).
 */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface Timing {
  min: number;
  median: number;
  runs: number;
}

export async function timeRepeated(runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { min: samples[0]!, median: samples[Math.floor(samples.length / 2)]!, runs };
}

/** operations per second of `op`, `concurrency` at a time, for `ms` milliseconds */
export async function rate(ms: number, concurrency: number, op: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await op();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (done / (performance.now() - started)) * 1000;
}

export interface Row {
  name: string;
  /** what the number is, e.g. `ms` or `ops/s` */
  unit: string;
  value: number;
  /** the floor row's value, when this row is compared with one */
  floor?: { name: string; value: number } | undefined;
  /** for a rate, higher is better: the ratio is floor/value; for a time, value/floor */
  higherIsBetter?: boolean;
  note?: string;
  /** the target for this row, and whether this run met it */
  target?: { text: string; met: boolean };
}

export function ratioOf(row: Row): number | undefined {
  if (!row.floor) return undefined;
  return row.higherIsBetter ? row.floor.value / row.value : row.value / row.floor.value;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const cells = rows.map((r) => {
    const ratio = ratioOf(r);
    const target = r.target ? `${r.target.met ? 'met' : 'MISSED'}: ${r.target.text}` : '';
    return [r.name, `${format(r.value)} ${r.unit}`, ratio === undefined ? '' : `${ratio.toFixed(2)}x ${r.floor!.name}`, target, r.note ?? ''];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => c[i]!.length), 4));
  process.stdout.write(`\n${title}\n${'-'.repeat(title.length)}\n`);
  for (const c of cells) process.stdout.write(`${c[0]!.padEnd(widths[0]!)}  ${c[1]!.padStart(widths[1]!)}  ${c[2]!.padEnd(widths[2]!)}  ${c[3]!.padEnd(widths[3]!)}  ${c[4]}`.trimEnd() + '\n');
}

const format = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export async function writeJson(file: string | undefined, data: unknown): Promise<void> {
  if (!file) return;
  await writeFile(file, JSON.stringify(data, null, 2) + '\n');
  process.stdout.write(`\nresults written to ${file}\n`);
}

/** `--name value` from argv */
export function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
