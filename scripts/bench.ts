/**
 * tlsgate's speed against the physical floor, measured in one run on this machine:
 *   1. floor: N bare handshakes, each with a fresh node:tls server on 127.0.0.1:0 (P-256);
 *   2. the built-in catalogue, warm cache, default concurrency and --concurrency 1 (wall time per
 *      scenario including process start, and the median per-scenario time from the JSON report);
 *   3. cold start: an empty cache, and cached keys with no certificates (the "next day" case);
 *   4. scaling: generated suites of 100, 1,000 and 5,000 scenarios (wall time, peak RSS), and
 *      the 1,000 one with 1, 2 and N engine worker processes (--workers; the speedup over one), and
 *      what 2 cores give here (bare handshakes in 1 and 2 processes) and why processes (secure
 *      contexts made in 1 and 2 threads and 2 processes);
 *   4b. start: a bare `node -e 0` (and without NODE_EXTRA_CA_CERTS, which Node reads before any
 *      script, when it is set); `tlsgate list` on the catalogue and `--version`; `tlsgate run` of
 *      one small file, start to exit; loading 164 generated files that carry 820 PEM files
 *      (`tlsgate list` on them: read, validated, loaded); both loads cold (the load cache
 *      bypassed) and warm;
 *   5. the way teams script it today: one `openssl s_client -verify_return_error` per check
 *      against `openssl s_server`, per check;
 *   6. matrix: the catalogue under 3 Node versions vs one (only with --matrix VERSIONS, since it
 *      installs Node packages from the npm registry on first use).
 * Every row shows its ratio to the floor. Run: npm run bench [-- --json FILE --quick --matrix 18,20,22]
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { connect, createServer } from 'node:tls';
import { issuePki } from '../ca/issue/factory.js';
import { packageRoot } from '../harness/model/paths.js';
import { flag, printTable, timeRepeated, writeJson, type Row } from './bench-lib.js';
import { generateSuite } from './generate-suite.js';
import { generatePemSuite, PEMS_PER_FILE } from './generate-pem-suite.js';
import { parallelRows } from './bench-parallel.js';
import { defaultConcurrency, defaultWorkers } from '../harness/session/engine-workers.js';

const quick = process.argv.includes('--quick');
const ROOT = packageRoot();
const CLI = join(ROOT, 'dist', 'harness', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'tlsgate-bench-'));
const warmCerts = join(work, 'certs');

interface CliRun {
  wallMs: number;
  code: number | null;
  maxRssKb: number | undefined;
  /** user + system CPU of every thread, ms */
  cpuMs: number | undefined;
  report: { summary: { total: number; passed: number }; results: Array<{ durationMs: number }> } | undefined;
}

/** the scripts of a run's own processes: the CLI and its engine workers */
const RUN_PROCESSES = new Set(['main.js', 'engine-worker.js']);

/** the CLI as a user runs it, timed from spawn to exit */
function runCli(args: string[], opts: { json?: boolean; command?: string[]; unset?: readonly string[] } = {}): Promise<CliRun> {
  const report = join(work, `report-${process.hrtime.bigint()}.json`);
  const all = opts.command ? [CLI, ...opts.command] : [CLI, 'run', ...args, '--reporter', 'console', ...(opts.json ? ['--reporter', `json:${report}`] : [])];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `--import=${join(ROOT, 'scripts', 'rss-probe.mjs')}` };
    for (const name of opts.unset ?? []) delete env[name];
    const child = spawn(process.execPath, all, {
      cwd: work,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const processes = [...stderr.matchAll(/tlsgate-bench-process (\S+) max-rss-kb (\d+) cpu-us (\d+)/g)].map((m) => ({ script: m[1]!, rssKb: Number(m[2]), cpuUs: Number(m[3]) }));
      // CPU: every process; memory: the run and its engine workers, which live as long as it does
      // (peaks added: at most what they held at once)
      const rssKb = processes.filter((p) => RUN_PROCESSES.has(p.script)).reduce((sum, p) => sum + p.rssKb, 0);
      const cpuUs = processes.reduce((sum, p) => sum + p.cpuUs, 0);
      const parsed = opts.json ? JSON.parse(readFileSync(report, 'utf8')) as CliRun['report'] : undefined;
      resolve({ wallMs, code, maxRssKb: processes.length ? rssKb : undefined, cpuMs: processes.length ? cpuUs / 1000 : undefined, report: parsed });
    });
  });
}

async function floorHandshake(count: number): Promise<number> {
  const m = await issuePki({ certs: [{ id: 'root', role: 'root', subject: 'CN=floor root' }, { id: 'leaf', role: 'server', issuer: 'root', subject: 'CN=localhost', san: { dns: ['localhost'] } }] });
  const [leaf, ca] = [m.get('leaf'), m.get('root').pem];
  const one = async () => {
    const server = createServer({ cert: leaf.pem, key: leaf.keyPem }, (s) => s.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca });
      socket.on('data', () => socket.end());
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await new Promise((r) => server.close(r));
  };
  for (let i = 0; i < 20; i++) await one();
  const t = await timeRepeated(3, async () => { for (let i = 0; i < count; i++) await one(); });
  return t.min / count;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function catalogueRows(floor: Row['floor']): Promise<Row[]> {
  await runCli(['--certs', warmCerts]);
  const rows: Row[] = [];
  // the run's own default (no --concurrency), then one at a time
  for (const concurrency of [undefined, 1]) {
    const runs: CliRun[] = [];
    const flags = concurrency === undefined ? [] : ['--concurrency', String(concurrency)];
    for (let i = 0; i < (quick ? 1 : 3); i++) runs.push(await runCli(['--certs', warmCerts, ...flags], { json: true }));
    const best = runs.reduce((a, b) => (a.wallMs < b.wallMs ? a : b));
    const n = best.report!.summary.total;
    const workers = defaultWorkers(n);
    const label = concurrency === undefined ? `default concurrency (${defaultConcurrency()}, ${workers} worker${workers > 1 ? 's' : ''})` : `concurrency ${concurrency}`;
    if (concurrency === undefined) {
      rows.push({
        name: `catalogue, warm, ${label}, incl. process start`, unit: 'ms', value: best.wallMs, floor,
        target: { text: '< 2 s', met: best.wallMs < 2000 }, note: `${cpuNote(best)}; exit ${best.code}`,
      });
    }
    rows.push({
      name: `catalogue, warm, ${label}: wall / scenario`, unit: 'ms', value: best.wallMs / n, floor,
      note: `${n} scenarios in ${(best.wallMs / 1000).toFixed(2)} s incl. process start (best of ${runs.length}); exit ${best.code}`,
    });
    rows.push({ name: `catalogue, warm, ${label}: median scenario`, unit: 'ms', value: median(best.report!.results.map((r) => r.durationMs)), floor });
  }
  return rows;
}

async function coldRows(floor: Row['floor']): Promise<Row[]> {
  const empty = join(work, 'cold');
  rmSync(empty, { recursive: true, force: true });
  const fully = await runCli(['--certs', empty]);
  const nextDay = join(work, 'next-day');
  rmSync(nextDay, { recursive: true, force: true });
  cpSync(join(warmCerts, 'keys'), join(nextDay, 'keys'), { recursive: true });
  const keysOnly = await runCli(['--certs', nextDay]);
  return [
    { name: 'catalogue, fully cold (RSA keys included)', unit: 'ms', value: fully.wallMs, floor, target: { text: '< 10 s', met: fully.wallMs < 10_000 }, note: cpuNote(fully) },
    { name: 'catalogue, cached keys, no certificates ("next day")', unit: 'ms', value: keysOnly.wallMs, floor, target: { text: '< 2.5 s', met: keysOnly.wallMs < 2500 }, note: cpuNote(keysOnly) },
  ];
}

async function scalingRows(floor: Row['floor']): Promise<Row[]> {
  const rows: Row[] = [];
  for (const count of quick ? [100, 1000] : [100, 1000, 5000]) {
    const dir = join(work, `suite-${count}`);
    await generateSuite(count, dir);
    const certs = join(work, `suite-certs-${count}`);
    await runCli([dir, '--certs', certs]);
    const run = await runCli([dir, '--certs', certs]);
    const rssMb = (run.maxRssKb ?? 0) / 1024;
    rows.push({
      name: `generated suite of ${count}: wall / scenario`, unit: 'ms', value: run.wallMs / count, floor,
      ...(count === 5000 ? { target: { text: '<= 2x floor, peak RSS < 300 MB', met: run.wallMs / count <= 2 * floor!.value && rssMb < 300 } } : {}),
      note: `${(run.wallMs / 1000).toFixed(2)} s, peak RSS ${rssMb.toFixed(0)} MB (run + workers), ${cpuNote(run)}, exit ${run.code}`,
    });
  }
  return rows;
}

const cpuNote = (run: CliRun): string => `CPU ${((run.cpuMs ?? NaN) / 1000).toFixed(2)} s`;

/** the 1,000-scenario suite with 1, 2 and N engine worker processes (4 scenarios in flight each): wall time falls with cores */
async function workerRows(): Promise<Row[]> {
  const dir = join(work, 'suite-workers');
  await generateSuite(1000, dir);
  const certs = join(work, 'suite-workers-certs');
  await runCli([dir, '--certs', certs, '--workers', '1']);
  const counts = [...new Set([1, 2, availableParallelism()])];
  const runs = new Map<number, CliRun>();
  // 4 in flight per worker, as the default keeps 4 per core
  for (const w of counts) runs.set(w, await runCli([dir, '--certs', certs, '--workers', String(w), '--concurrency', String(4 * w)]));
  const one = runs.get(1)!;
  return counts.map((w) => {
    const run = runs.get(w)!;
    const speedup = one.wallMs / run.wallMs;
    return {
      name: `suite of 1,000, ${w} worker process${w > 1 ? 'es' : ''} (--workers ${w})`, unit: 'ms', value: run.wallMs,
      floor: { name: '1 worker', value: one.wallMs },
      ...(w === 2 ? { target: { text: `>= 1.7x one worker on 2 cores (here ${speedup.toFixed(2)}x)`, met: speedup >= 1.7 } } : {}),
      note: `speedup ${speedup.toFixed(2)}x, ${cpuNote(run)}, peak RSS ${((run.maxRssKb ?? 0) / 1024).toFixed(0)} MB (run + workers), exit ${run.code}`,
    };
  });
}

/**
 * what a command costs before any handshake: `list` on the catalogue, `--version`, and loading
 * PEM-heavy files; each load cold (the load cache bypassed, TLSGATE_NO_LOAD_CACHE=1: every file
 * read, parsed and checked) and warm (every file's checked result in the cache)
 */
async function startRows(floor: Row['floor']): Promise<Row[]> {
  const best = async (command: string[], times: number, cache: 'cold' | 'warm', unset: readonly string[] = []): Promise<CliRun & { times: number }> => {
    if (cache === 'cold') process.env.TLSGATE_NO_LOAD_CACHE = '1';
    else await runCli([], { command }); // fills the cache, untimed
    try {
      const runs: CliRun[] = [];
      for (let i = 0; i < times; i++) runs.push(await runCli([], { command, unset }));
      return { ...runs.reduce((a, b) => (a.wallMs < b.wallMs ? a : b)), times };
    } finally {
      delete process.env.TLSGATE_NO_LOAD_CACHE;
    }
  };
  const pemDir = join(work, 'pem-suite');
  const files = 164;
  await generatePemSuite(files, pemDir);
  // best of several: a start is short, and a shared machine adds tens of ms to some of them
  const runs = quick ? 5 : 7;
  const list = { cold: await best(['list'], runs, 'cold'), warm: await best(['list'], runs, 'warm') };
  const version = await best(['--version'], runs, 'warm');
  // a small run: what every start costs before and after its scenarios (2 chain scenarios, no revocation)
  const smallRun = await best(['run', join(ROOT, 'scenarios', 'chain', 'self-signed.yaml'), '--reporter', 'console'], runs, 'warm');
  // Node reads NODE_EXTRA_CA_CERTS before any script runs: a cost of the machine, not of tlsgate
  const extraCa = process.env.NODE_EXTRA_CA_CERTS ? ['NODE_EXTRA_CA_CERTS'] : [];
  const bare = await bestBareStart(runs, []);
  const withoutExtraCa = extraCa.length ? { bare: await bestBareStart(runs, extraCa), list: await best(['list'], runs, 'warm', extraCa) } : undefined;
  const pem = { cold: await best(['list', pemDir], quick ? 2 : 3, 'cold'), warm: await best(['list', pemDir], runs, 'warm') };
  const loadRow = (name: string, run: CliRun & { times: number }, target: number, which: 'cold' | 'warm'): Row => ({
    name: `${name}, ${which === 'cold' ? 'cold (load cache bypassed)' : 'warm (every file in the load cache)'}`, unit: 'ms', value: run.wallMs, floor,
    target: { text: `< ${target} ms${which === 'cold' ? ' (set for the warm load)' : ''}`, met: run.wallMs < target },
    note: `${cpuNote(run)}; best of ${run.times}; incl. process start; exit ${run.code}`,
  });
  const warmList = loadRow('`tlsgate list` on the catalogue', list.warm, 250, 'warm');
  if (withoutExtraCa) {
    warmList.note += `; with NODE_EXTRA_CA_CERTS unset: ${withoutExtraCa.list.wallMs.toFixed(0)} ms (${withoutExtraCa.list.wallMs < 250 ? 'met' : 'missed'})`;
  }
  return [
    {
      name: 'a bare `node -e 0`: what every Node start costs here', unit: 'ms', value: bare, floor,
      note: withoutExtraCa
        ? `NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): Node reads it at start; without it ${withoutExtraCa.bare.toFixed(0)} ms`
        : 'NODE_EXTRA_CA_CERTS is not set',
    },
    loadRow('`tlsgate list` on the catalogue', list.cold, 250, 'cold'),
    warmList,
    { name: '`tlsgate --version`', unit: 'ms', value: version.wallMs, floor, note: `${cpuNote(version)}; a bare \`node -e 0\` is the rest` },
    {
      name: '`tlsgate run` of one file (2 chain scenarios, certificates cached): process start to exit', unit: 'ms', value: smallRun.wallMs, floor,
      note: `${cpuNote(smallRun)}; exit ${smallRun.code}`,
    },
    loadRow(`loading ${files} files carrying ${files * PEMS_PER_FILE} PEM files (\`tlsgate list\`)`, pem.cold, 500, 'cold'),
    loadRow(`loading ${files} files carrying ${files * PEMS_PER_FILE} PEM files (\`tlsgate list\`)`, pem.warm, 500, 'warm'),
  ];
}

/** the fastest of `times` bare Node starts (`node -e 0`), ms, with the variables `unset` removed */
async function bestBareStart(times: number, unset: readonly string[]): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of unset) delete env[name];
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => spawn(process.execPath, ['-e', '0'], { env, stdio: 'ignore' }).on('error', reject).on('close', () => resolve()));
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** what a team's shell script does: one s_server and one s_client process per check */
async function opensslRows(floor: Row['floor']): Promise<Row[]> {
  const checks = 20;
  const m = await issuePki({
    certs: [
      { id: 'root', role: 'root', subject: 'CN=openssl bench root' },
      { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=openssl bench int' },
      { id: 'good', role: 'server', issuer: 'int', subject: 'CN=localhost', san: { dns: ['localhost'] } },
      { id: 'expired', role: 'server', issuer: 'int', subject: 'CN=localhost', san: { dns: ['localhost'] }, validity: { notBefore: '-30d', notAfter: '-1d' } },
    ],
  }, { cacheDir: warmCerts });
  const dir = join(work, 'openssl');
  mkdirSync(dir, { recursive: true });
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text, { mode: 0o600 }); return p; };
  const root = file('root.pem', m.get('root').pem);
  const paths = Object.fromEntries(['good', 'expired'].map((id) => [id, {
    cert: file(`${id}.pem`, m.get(id).pem), key: file(`${id}.key`, m.get(id).keyPem), chain: file(`${id}.chain.pem`, m.get('int').pem),
  }]));
  const t = await timeRepeated(quick ? 1 : 2, async () => {
    for (let i = 0; i < checks; i++) {
      const which = i % 2 === 0 ? 'good' : 'expired';
      await opensslCheck(paths[which]!, root, 20_000 + (i % 50) + Math.floor(Math.random() * 20_000));
    }
  });
  return [{ name: 'openssl s_server + s_client per check (the shell way)', unit: 'ms', value: t.min / checks, floor, note: `${checks} checks, best of ${t.runs}` }];
}

function opensslCheck(p: { cert: string; key: string; chain: string }, root: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', p.cert, '-key', p.key, '-cert_chain', p.chain, '-naccept', '1', '-quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.on('error', reject);
    const tryClient = (attempt: number): void => {
      const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', root, '-verify_return_error', '-verify_hostname', 'localhost'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      client.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      client.on('close', () => {
        // the server may not be listening yet: a refused connect is retried, not counted as a check
        if (!/Verify return code|verify error/.test(out) && attempt < 50) return void setTimeout(() => tryClient(attempt + 1), 5);
        server.kill();
        resolve();
      });
    };
    tryClient(0);
  });
}

/** the matrix path for one runtime and for several, Node builds from the project's cache */
async function matrixRows(versions: string): Promise<Row[]> {
  const matrix = async (nodes: string) => {
    const started = performance.now();
    const args = [CLI, 'matrix', '--node', nodes, '--certs', warmCerts, '--node-cache', join(ROOT, '.tlsgate-cache', 'node')];
    const child = spawn(process.execPath, args, { cwd: work, stdio: 'ignore' });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    return { wallMs: performance.now() - started, code };
  };
  const all = versions.split(',');
  await matrix(versions); // installs missing Node builds once, outside the timing
  const one = await matrix(all[Math.floor(all.length / 2)]!);
  const many = await matrix(versions);
  return [
    { name: `matrix, one Node (${all[Math.floor(all.length / 2)]})`, unit: 'ms', value: one.wallMs, note: `exit ${one.code}` },
    { name: `matrix over Node ${versions}`, unit: 'ms', value: many.wallMs, floor: { name: 'one Node', value: one.wallMs }, note: `exit ${many.code} (1: some scenarios differ from Node 20's expectations, see docs/matrix-example.md); target < 2x` },
  ];
}

try {
  // the runs below start dist/ directly; bin/tlsgate.js, which users start, makes yargs' bundle first
  const bundler = await import(pathToFileURL(join(ROOT, 'bin', 'bundle-yargs.js')).href) as { ensureYargsBundle: (root: string) => void };
  bundler.ensureYargsBundle(ROOT);
  const floorMs = await floorHandshake(quick ? 50 : 200);
  const floor = { name: 'floor', value: floorMs };
  const rows: Row[] = [{ name: 'floor: bare handshake, fresh server each (P-256, TLS 1.3)', unit: 'ms', value: floorMs }];
  rows.push(...await startRows(floor));
  rows.push(...await catalogueRows(floor));
  rows.push(...await coldRows(floor));
  rows.push(...await scalingRows(floor));
  rows.push(...await workerRows());
  rows.push(...await parallelRows(quick ? 800 : 2000));
  rows.push(...await opensslRows(floor));
  const matrix = flag('matrix');
  if (matrix) rows.push(...await matrixRows(matrix));
  printTable(`tlsgate speed on Node ${process.versions.node}, ${availableParallelism()} CPUs (ratio: times the floor)`, rows);
  await writeJson(flag('json'), { node: process.versions.node, cpus: availableParallelism(), at: new Date().toISOString(), rows });
} finally {
  rmSync(work, { recursive: true, force: true });
}
