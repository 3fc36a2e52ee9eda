/**
 * What is wrong with a scenario file, and where: every check of the loader reports a Finding
 * (a path into the YAML document), and the loader turns each into a ScenarioProblem (a file
 * position a terminal or editor can jump to).
 */
import { oneLine } from './quote.js';
import type { YamlPath } from './yaml/yaml-path.js';

export interface ScenarioProblem {
  /** the file as the user gave it (or joined to the folder they gave), something a terminal can click */
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  /** where in the document, e.g. `scenarios[2].server.cert`; empty for the file as a whole */
  path: string;
  message: string;
  /** how to fix it */
  hint?: string;
}

/** A problem found by one check, before it has a position in the file. */
export interface Finding {
  path: YamlPath;
  message: string;
  hint?: string;
  /** point at the key of `path` (unknown keys) rather than at its value */
  at?: 'key' | 'value';
  /** a character offset in the source, for problems the parser found (it wins over `path`) */
  offset?: number;
}

/**
 * `file:line:col  path  message  (hint)`, fields two spaces apart. A problem about the whole file
 * (no path) shows `-` in the path column, so every line has the same columns.
 */
export function formatProblem(p: ScenarioProblem): string {
  const fields = [`${p.file}:${p.line}:${p.column}`, p.path === '' ? '-' : p.path, p.message];
  if (p.hint) fields.push(`(${p.hint})`);
  // the checks quote what they show; this is the last guard of "one problem, one line"
  return oneLine(fields.join('  '));
}

export const finding = (path: YamlPath, message: string, hint?: string): Finding =>
  (hint === undefined ? { path, message } : { path, message, hint });
