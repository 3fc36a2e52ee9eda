/** `tlsgate list`: the scenarios a `run` with the same filters would run: id, file:line, tags. */
import type { Scenario } from '../../model/domain.js';
import { catalogueOrder } from '../../model/catalogue-order.js';
import { defaultScenarioPaths, importLoader, loadSelection, type Filters } from '../selection.js';
import { projectConfig, projectKeep } from '../project-config.js';

export interface ListArgs extends Filters {
  /** as given; none: the project config's, else the default ones */
  paths: string[];
  verbose?: boolean;
}

export async function listCommand(args: ListArgs, stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  void importLoader(); // loads while the project config is looked for
  const config = await projectConfig(args.verbose ?? false);
  const paths = args.paths.length ? args.paths : config?.paths ?? defaultScenarioPaths();
  const keep = config ? projectKeep(config) : undefined;
  const { scenarios } = await loadSelection(paths, { ...args, ...(keep ? { keep } : {}) });
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
