/**
 * Findings (paths into a document) to problems (positions in a file): positioned, without
 * repeats, in file order, and at most MAX_PROBLEMS_PER_FILE of them.
 */
import type { Document, LineCounter } from 'yaml';
import type { Finding, ScenarioProblem } from '../problems.js';
import { formatPath, type YamlPath } from './yaml-path.js';
import { offsetOfPath, positionOfOffset, type Position } from './yaml-positions.js';

/** past this, more problems say little: the file is probably not a scenario file at all */
export const MAX_PROBLEMS_PER_FILE = 50;
const POSITIONED_FINDINGS = 20 * MAX_PROBLEMS_PER_FILE;

export class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
  ) {}

  position(path: YamlPath, at: 'key' | 'value' = 'value'): Position {
    return positionOfOffset(this.lines, this.doc ? offsetOfPath(this.doc, path, at) : 0);
  }

  problems(findings: readonly Finding[]): ScenarioProblem[] {
    const unique = new Map<string, ScenarioProblem>();
    // checks report in roughly document order: positioning the first ones is enough to show them
    for (const f of findings.slice(0, POSITIONED_FINDINGS)) {
      const { line, column } = f.offset !== undefined ? positionOfOffset(this.lines, f.offset) : this.position(f.path, f.at);
      const problem: ScenarioProblem = { file: this.file, line, column, path: formatPath(f.path), message: f.message, ...(f.hint ? { hint: f.hint } : {}) };
      unique.set(`${line}:${column}:${problem.path}:${f.message}`, problem);
    }
    const sorted = [...unique.values()].sort((a, b) => a.line - b.line || a.column - b.column);
    if (sorted.length <= MAX_PROBLEMS_PER_FILE) return sorted;
    const rest = sorted.length - MAX_PROBLEMS_PER_FILE + Math.max(0, findings.length - POSITIONED_FINDINGS);
    const cut = sorted[MAX_PROBLEMS_PER_FILE]!;
    return [...sorted.slice(0, MAX_PROBLEMS_PER_FILE), { file: this.file, line: cut.line, column: cut.column, path: '', message: `... and ${rest} more problem${rest === 1 ? '' : 's'} in this file`, hint: 'fix these first' }];
  }
}
