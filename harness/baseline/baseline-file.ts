/**
 * Reading and writing baseline files. A file that is missing, not JSON, of another format
 * version or of the wrong shape is bad input: BaselineError (a UsageError: exit 2) names the
 * file and how to fix it.
 */
import { readFile } from 'node:fs/promises';
import { PUBLIC_FILE, writeFileAtomic } from '../../ca/atomic-file.js';
import { UsageError } from '../errors.js';
import { BASELINE_FORMAT, serializeBaseline, type Baseline, type ScenarioSnapshot } from './snapshot.js';

export class BaselineError extends UsageError {}

export async function writeBaseline(path: string, b: Baseline): Promise<void> {
  await writeFileAtomic(path, serializeBaseline(b), PUBLIC_FILE);
}

export async function readBaseline(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new BaselineError(`baseline ${path}: cannot read it (${why}); record one first with \`tlsgate run --update-baseline ${path}\``);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`baseline ${path}: not valid JSON (${(err as Error).message}); re-record it with --update-baseline ${path}, or restore it from version control`);
  }
  const problem = shapeProblem(parsed);
  if (problem) throw new BaselineError(`baseline ${path}: ${problem}; re-record it with --update-baseline ${path}`);
  return parsed as Baseline;
}

const VERDICTS = new Set(['passed', 'failed', 'error', 'skipped']);
const OUTCOMES = new Set(['accepted', 'rejected']);

/** what is wrong with a parsed baseline, or undefined */
function shapeProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a tlsgate baseline (the top level is not an object)';
  if (v.format !== BASELINE_FORMAT) {
    return `format ${JSON.stringify(v.format)} is not ${JSON.stringify(BASELINE_FORMAT)} (a baseline from another tlsgate version, or not a baseline)`;
  }
  if (!isObject(v.scenarios)) return '"scenarios" is missing or not an object';
  for (const [id, s] of Object.entries(v.scenarios)) {
    const problem = scenarioProblem(s);
    if (problem) return `scenario ${JSON.stringify(id)}: ${problem}`;
  }
  return undefined;
}

function scenarioProblem(s: unknown): string | undefined {
  if (!isObject(s)) return 'not an object';
  const snap = s as Partial<ScenarioSnapshot>;
  if (typeof snap.verdict !== 'string' || !VERDICTS.has(snap.verdict)) return `verdict ${JSON.stringify(snap.verdict)} is not passed, failed, error or skipped`;
  if (!Array.isArray(snap.connections)) return '"connections" is not a list';
  const bad = snap.connections.findIndex((c) => !isObject(c) || !OUTCOMES.has(c.outcome as string) || !Array.isArray(c.revocationChecked));
  return bad >= 0 ? `connection ${bad + 1} needs an outcome (accepted or rejected) and a revocationChecked list` : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
