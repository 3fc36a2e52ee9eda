/** `tlsgate list`: the scenarios a `run` with the same filters would run: id, file:line, tags. */
import type { Scenario } from '../../model/domain.js';
import { catalogueOrder } from '../../run/runner.js';
import { loadSelection, type Filters } from '../selection.js';

export interface ListArgs extends Filters {
  paths: string[];
}

export async function listCommand(args: ListArgs, stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { scenarios } = await loadSelection(args.paths, args);
  stdout.write(formatList([...scenarios].sort(catalogueOrder)));
  process.stderr.write(`${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}\n`);
  return 0;
}

export function formatList(scenarios: readonly Scenario[]): string {
  const rows = scenarios.map((s) => [
    s.id,
    `${s.file}:${s.line}`,
    [s.tags.join(', '), s.skip !== undefined ? `(skip: ${s.skip})` : ''].filter(Boolean).join('  '),
  ]);
  const widths = [0, 1].map((col) => Math.max(0, ...rows.map((r) => r[col]!.length)));
  return rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`.trimEnd() + '\n').join('');
}
