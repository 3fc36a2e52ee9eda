/**
 * `npm run flake [-- --runs N --concurrency 1,2,8 --certs DIR] [paths..]`: runs the catalogue
 * (or the paths given) N times (default 20) at each concurrency with the real CLI, one fresh
 * process per run sharing one material cache, and prints every scenario whose verdict moved
 * between runs (exit 1 if any). Scenarios whose verdict held but whose observation moved
 * (category or code) are listed too, as a warning: the next flake in the making.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { packageRoot } from '../harness/model/paths.js';

interface ReportResult {
  id: string;
  status: string;
  message?: string;
  observations: Array<{ outcome: string; category: string | null; code: string | null; revocation?: Array<{ source: string; result: string; detail?: string }> }>;
}

/** scenario id -> what each run gave, keyed by what was seen */
type Tally = Map<string, Map<string, string[]>>;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '1,2,8' },
    certs: { type: 'string' },
  },
});

const runs = Number(values.runs);
const levels = values.concurrency.split(',').map(Number);
if (!Number.isInteger(runs) || runs < 1 || levels.some((c) => !Number.isInteger(c) || c < 1)) {
  console.error('usage: flake [--runs N] [--concurrency 1,2,8] [--certs DIR] [paths..]');
  process.exit(2);
}

const total = runs * levels.length;
const work = mkdtempSync(join(tmpdir(), 'tlsgate-flake-'));
const certs = values.certs ?? process.env.TLSGATE_CERTS ?? join(tmpdir(), 'tlsgate-flake-certs');
const verdicts: Tally = new Map();
const observations: Tally = new Map();
/** scenario id -> run -> why it did not pass (revocation details), to tell a flake's cause */
const evidence = new Map<string, Map<string, string>>();
const started = performance.now();
try {
  for (const concurrency of levels) {
    for (let i = 1; i <= runs; i++) {
      const label = `c${concurrency}#${i}`;
      const results = await runOnce(label, concurrency);
      for (const r of results) {
        record(verdicts, r.id, r.status === 'passed' ? 'passed' : `${r.status}: ${r.message ?? ''}`.slice(0, 200), label);
        record(observations, r.id, r.observations.map((o) => `${o.outcome}/${o.category ?? '-'}/${o.code ?? '-'}`).join(' then '), label);
        if (r.status !== 'passed' && r.status !== 'skipped') keepEvidence(r, label);
      }
      const failed = results.filter((r) => r.status !== 'passed' && r.status !== 'skipped').length;
      process.stdout.write(`${label}: ${results.length} scenarios, ${failed} not passed\n`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const movedVerdicts = moved(verdicts);
const movedObservations = moved(observations).filter((id) => !movedVerdicts.includes(id));
console.log(`\n${total} runs (${runs} at each concurrency ${levels.join(', ')}) in ${Math.round((performance.now() - started) / 1000)} s, ${verdicts.size} scenarios`);
print('verdict moved', movedVerdicts, verdicts);
print('observation moved, verdict held', movedObservations, observations);
console.log(movedVerdicts.length === 0 ? 'no verdict moved' : `${movedVerdicts.length} scenario(s) flaked`);
process.exitCode = movedVerdicts.length === 0 ? 0 : 1;

async function runOnce(label: string, concurrency: number): Promise<ReportResult[]> {
  const report = join(work, `${label}.json`);
  const args = [...cliCommand(), 'run', ...positionals, '--certs', certs, '--concurrency', String(concurrency), '--reporter', `json:${report}`];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], cwd: process.cwd() });
    child.on('close', resolve);
  });
  if (code !== 0 && code !== 1) throw new Error(`${label}: tlsgate run exited ${code}`);
  return (JSON.parse(readFileSync(report, 'utf8')) as { results: ReportResult[] }).results;
}

/** the built CLI when this script runs from dist/, the sources through tsx otherwise */
function cliCommand(): string[] {
  const root = packageRoot();
  return extname(fileURLToPath(import.meta.url)) === '.js'
    ? [join(root, 'dist', 'harness', 'cli', 'main.js')]
    : ['--import', 'tsx', join(root, 'harness', 'cli', 'main.ts')];
}

function record(tally: Tally, id: string, seen: string, run: string): void {
  const byValue = tally.get(id) ?? new Map<string, string[]>();
  tally.set(id, byValue);
  byValue.set(seen, [...(byValue.get(seen) ?? []), run]);
}

/** ids that did not give the same value in every run (or were missing from some) */
function moved(tally: Tally): string[] {
  return [...tally].filter(([, byValue]) => byValue.size > 1 || [...byValue.values()][0]!.length !== total).map(([id]) => id);
}

function keepEvidence(r: ReportResult, run: string): void {
  const details = r.observations.flatMap((o) => (o.revocation ?? []).filter((c) => c.result !== 'good').map((c) => `${c.source} ${c.result}: ${c.detail ?? ''}`));
  if (details.length === 0) return;
  const byRun = evidence.get(r.id) ?? new Map<string, string>();
  evidence.set(r.id, byRun);
  byRun.set(run, details.join('; ').slice(0, 300));
}

function print(title: string, ids: readonly string[], tally: Tally): void {
  if (ids.length === 0) return;
  console.log(`\n${title}:`);
  for (const id of ids) {
    console.log(`  ${id}`);
    for (const [value, inRuns] of tally.get(id)!) console.log(`    ${inRuns.length}x ${value}  (${inRuns.slice(0, 6).join(', ')}${inRuns.length > 6 ? ', ...' : ''})`);
    for (const [run, why] of [...(evidence.get(id) ?? [])].slice(0, 3)) console.log(`      ${run}: ${why}`);
  }
}
