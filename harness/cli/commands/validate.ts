/**
 * `tlsgate validate [paths..]`: check scenario files without running anything. Every problem is
 * printed as `file:line:col  path  message  (hint)` and the exit code is 2; a clean catalogue
 * prints one summary line and exits 0.
 */
import { existsSync } from 'node:fs';
import { loadCatalogue } from '../../scenario/load.js';
import { formatProblem } from '../../scenario/problems.js';
import { EXIT } from '../exit.js';

export async function validateCommand(paths: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    err.write(missing.map((p) => `tlsgate: no such file or folder: ${p}\n`).join(''));
    return EXIT.usage;
  }
  const { files, scenarios, problems } = await loadCatalogue(paths);
  if (problems.length > 0) {
    err.write(problems.map((p) => `${formatProblem(p)}\n`).join(''));
    return EXIT.usage;
  }
  out.write(`${plural(files.length, 'file')}, ${plural(scenarios.length, 'scenario')}: valid\n`);
  return EXIT.passed;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
