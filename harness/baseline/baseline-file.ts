/**
 * Reading and writing baseline files. A file that is missing, not JSON, of another format
 * version or of the wrong shape is bad input: BaselineError (a UsageError: exit 2) names the
 * file and how to fix it. tlsgate overwrites only its own baselines: a hint never suggests
 * recording over a file that is not one (it may be the user's scenario file).
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PUBLIC_FILE, writeFileAtomic } from '../../ca/issue/atomic-file.js';
import { UsageError } from '../model/errors.js';
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
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BaselineError(`baseline ${path}: cannot read it (no such file); record one first with \`tlsgate run --update-baseline ${path}\``);
    if (code === 'EISDIR') throw new BaselineError(`baseline ${path}: is a folder; give the baseline file recorded by \`tlsgate run --update-baseline FILE\``);
    throw new BaselineError(`baseline ${path}: cannot read it (${(err as Error).message})`);
  }
  const parsed = parseJson(text);
  if (!isOurs(parsed)) {
    throw new BaselineError(`baseline ${path}: not a tlsgate baseline (${foreignReason(parsed)}); give the file recorded by \`tlsgate run --update-baseline FILE\``);
  }
  const problem = shapeProblem(parsed.value);
  if (problem) throw new BaselineError(`baseline ${path}: ${problem}; restore it from version control, or re-record it with --update-baseline ${path}`);
  return parsed.value as unknown as Baseline;
}

/**
 * Before a run that records to `path`: an existing file must be a tlsgate baseline (of any
 * format version), or the run would replace someone's file with JSON.
 */
export function checkBaselineTarget(path: string): void {
  let text: string;
  try {
    if (!statSync(path).isFile()) return; // not a file: the output path check names it
    text = readFileSync(path, 'utf8');
  } catch {
    return; // missing (a new baseline) or unreadable (the output path check names it)
  }
  const parsed = parseJson(text);
  if (!isOurs(parsed)) {
    throw new BaselineError(`--update-baseline ${path}: the file exists and is not a tlsgate baseline (${foreignReason(parsed)}); tlsgate will not overwrite it: choose another file, e.g. tlsgate.baseline.json`);
  }
}

type Parsed = { json: true; value: unknown } | { json: false; error: string };

function parseJson(text: string): Parsed {
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { json: false, error: (err as Error).message };
  }
}

/** a JSON object whose `format` names a tlsgate baseline, of this version or another */
const isOurs = (p: Parsed): p is { json: true; value: Record<string, unknown> } =>
  p.json && isObject(p.value) && typeof p.value.format === 'string' && p.value.format.startsWith(BASELINE_FORMAT_FAMILY);

function foreignReason(p: Parsed): string {
  if (!p.json) return `not JSON: ${p.error}`;
  if (!isObject(p.value)) return 'the top level is not a JSON object';
  return `its "format" is ${JSON.stringify(p.value.format)}, not ${JSON.stringify(BASELINE_FORMAT)}`;
}

const BASELINE_FORMAT_FAMILY = `${BASELINE_FORMAT.split('/')[0]}/`;

const VERDICTS = new Set(['passed', 'failed', 'error', 'skipped']);
const OUTCOMES = new Set(['accepted', 'rejected']);

/** what is wrong with a parsed baseline, or undefined */
function shapeProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'the top level is not an object';
  if (v.format !== BASELINE_FORMAT) {
    return `format ${JSON.stringify(v.format)} is not ${JSON.stringify(BASELINE_FORMAT)} (a baseline from another tlsgate version)`;
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
  if (snap.failure !== undefined && !(Array.isArray(snap.failure) && snap.failure.every((f) => typeof f === 'string'))) return '"failure" is not a list of strings';
  const bad = snap.connections.findIndex((c) => !isObject(c) || !OUTCOMES.has(c.outcome as string) || !Array.isArray(c.revocationChecked));
  return bad >= 0 ? `connection ${bad + 1} needs an outcome (accepted or rejected) and a revocationChecked list` : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
