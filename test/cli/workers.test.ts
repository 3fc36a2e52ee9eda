/**
 * `tlsgate run --workers N`: the TLS ends run in worker processes, and where a scenario ran never
 * changes its verdict. The oracle is the same run in one process: both JSON reports must hold
 * the same scenarios with the same status, category and code, and both audit logs the same
 * events. A worker never outlives its run, however the run ends.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConcurrency, defaultWorkers } from '../../harness/session/engine-workers.js';
import { Children } from '../robustness/support/children.js';
import { CLI, ROOT, start, tlsgate, waitForOutput } from './spawn.js';

interface ReportedResult {
  id: string;
  status: string;
  observation?: { category?: string; code?: string } | null;
}

const FILES = ['chain/paths.yaml', 'hostname/names.yaml', 'mtls/client-certs.yaml', 'protocol/versions.yaml'].map((f) => join(ROOT, 'scenarios', f));

describe('run --workers', function () {
  this.timeout(240_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-workers-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const verdicts = async (workers: number, env: NodeJS.ProcessEnv = {}): Promise<string[]> => {
    const report = join(dir, `report-${workers}.json`);
    const run = await tlsgate(['run', ...FILES, '--workers', String(workers), '--certs', join(dir, 'certs'), '--reporter', `json:${report}`], { env });
    expect(run.code, run.stderr).to.equal(0);
    const results = (JSON.parse(readFileSync(report, 'utf8')) as { results: ReportedResult[] }).results;
    return results.map((r) => `${r.id}: ${r.status} ${r.observation?.category ?? ''} ${r.observation?.code ?? ''}`);
  };

  it('three worker processes give the verdicts of one process, scenario by scenario', async () => {
    const one = await verdicts(1);
    const three = await verdicts(3);
    expect(one.length).to.be.greaterThan(20);
    expect(three).to.deep.equal(one);
  });

  const auditEvents = async (workers: number): Promise<string[]> => {
    const log = join(dir, `audit-${workers}.jsonl`);
    // one scenario at a time: both runs start them in the catalogue's order, unhurried. Under
    // load, a faulty responder's answer (slow, hanging, HTTP 500) can come after the client gave
    // up and the scenario ended, and its event then belongs to no scenario: timing, not workers
    const run = await tlsgate(['run', join(ROOT, 'scenarios', 'revocation'), '--workers', String(workers), '--concurrency', '1', '--certs', join(dir, 'certs'), '--audit', log]);
    expect(run.code, run.stderr).to.equal(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; scenario: string; event: string; cert?: string; ca?: string; serial?: string });
    expect(lines.map((l) => l.seq), 'one log, numbered in the order the events arrived').to.deep.equal(lines.map((_, i) => i + 1));
    return lines.map((l) => `${l.scenario} ${l.event} ${l.cert ?? l.ca ?? ''}`).sort();
  };

  it('--audit with two worker processes logs the events of one process (each worker sends its CA\'s events to the run)', async () => {
    const one = await auditEvents(1);
    const two = await auditEvents(2);
    expect(one.length).to.be.greaterThan(100);
    expect(two).to.deep.equal(one);
  });

  it('the run records each scenario\'s duration, and a history that turns the order around changes no verdict', async () => {
    const cache = join(dir, 'cache');
    const one = await verdicts(1, { TLSGATE_CACHE_DIR: cache });
    const recorded = (JSON.parse(readFileSync(join(cache, 'durations.json'), 'utf8')) as { durations: Record<string, number> }).durations;
    const ids = (JSON.parse(readFileSync(join(dir, 'report-1.json'), 'utf8')) as { results: ReportedResult[] }).results.map((r) => r.id);
    expect(ids.length).to.be.greaterThan(20);
    expect(Object.keys(recorded)).to.have.members(ids);
    // the catalogue's last scenarios now weigh most, so the plan starts them first
    const reversed = Object.fromEntries(ids.map((id, i) => [id, 10 * (i + 1)]));
    writeFileSync(join(cache, 'durations.json'), JSON.stringify({ version: 1, durations: reversed }));
    expect(await verdicts(2, { TLSGATE_CACHE_DIR: cache })).to.deep.equal(one);
  });

  it('a bad --workers is a usage error', async () => {
    const run = await tlsgate(['run', ...FILES, '--workers', '0']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/--workers wants a positive whole number/);
  });

  it('by default: one per core but one (so one process on 2 cores), while each worker gets 40 scenarios', () => {
    expect(defaultWorkers(10, 16)).to.equal(1);
    expect(defaultWorkers(5000, 2)).to.equal(1);
    expect(defaultWorkers(80, 4)).to.equal(2);
    expect(defaultWorkers(202, 16)).to.equal(5);
    expect(defaultWorkers(5000, 16)).to.equal(15);
    expect(defaultWorkers(5000, 1)).to.equal(1);
  });

  it('by default: 4 scenarios in flight per core', () => {
    expect(defaultConcurrency(2)).to.equal(8);
    expect(defaultConcurrency(16)).to.equal(64);
  });

  describe('a worker process never outlives its run', () => {
    const children = new Children();
    let workers: number[] = [];
    afterEach(() => {
      children.killLeftovers();
      for (const pid of workers.filter(alive)) process.kill(pid, 'SIGKILL');
    });

    /** the run's engine workers, once both are up (their pids, from the process table) */
    const workersOf = async (pid: number): Promise<number[]> => {
      for (;;) {
        const pids = childPids(pid);
        if (pids.length >= 2) return pids;
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    for (const kill of ['SIGKILL', 'SIGINT'] as const) {
      it(`${kill} of the run: its workers close their engines and exit`, async () => {
        // revocation scenarios: each worker then holds its OCSP and CRL servers open until its engine closes
        const run = children.track(start([...CLI, 'run', join(ROOT, 'scenarios', 'revocation'), '--workers', '2', '--certs', join(dir, 'certs')], { detached: true }));
        workers = await workersOf(run.pid!);
        await waitForOutput(run, 'PASS ');
        // SIGKILL: the run says nothing, its IPC channels close; SIGINT: Ctrl-C reaches the whole group
        process.kill(kill === 'SIGKILL' ? run.pid! : -run.pid!, kill);
        // the run's own exit, not the close of its pipes (which a leaked worker would hold open)
        const [code, signal] = await once(run, 'exit') as [number | null, NodeJS.Signals | null];
        expect(kill === 'SIGKILL' ? signal : code).to.equal(kill === 'SIGKILL' ? 'SIGKILL' : 130);
        // a liveness bound, not a speed budget: closing an engine takes well under a second
        for (let waited = 0; waited < LEFT_BEHIND_AFTER_MS && workers.some(alive); waited += 50) await new Promise((r) => setTimeout(r, 50));
        expect(workers.filter(alive), 'workers still running after the run ended').to.deep.equal([]);
      });
    }
  });
});

/** a worker still alive this long after its run ended was left behind */
const LEFT_BEHIND_AFTER_MS = 20_000;

/** the pids whose parent is `pid` */
function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
