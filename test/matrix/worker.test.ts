/**
 * The worker path for real, with this machine's own Node (process.execPath): plans cross a
 * process boundary, hooks come back over IPC, and every worker ends with the harness.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareBaselines } from '../../harness/baseline/drift.js';
import { baselineOf } from '../../harness/baseline/snapshot.js';
import { runtimePlacement, thisNode } from '../../harness/drivers/remote/remote-placement.js';
import { RemoteRuntime } from '../../harness/drivers/remote/remote-runtime.js';
import { createEngine } from '../../harness/session/engine.js';
import { runMatrix, type MatrixRuntime } from '../../harness/matrix/run-matrix.js';
import type { Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { runSuite } from '../../harness/run/runner.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { CLI, ROOT, start } from '../cli/spawn.js';

const here = dirname(fileURLToPath(import.meta.url));
/** catalogue files that use every hook and plan field that crosses the boundary */
const FILES = ['revocation/ocsp.yaml', 'revocation/stapling.yaml', 'revocation/lifecycle.yaml', 'mtls/client-certs.yaml', 'protocol/versions.yaml', 'hostname/drivers.yaml'];

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pids: readonly number[], withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

async function scenarios(): Promise<Scenario[]> {
  const loaded = await loadScenarios(FILES.map((f) => join(builtinScenariosDir(), f)));
  expect(loaded.problems).to.deep.equal([]);
  return loaded.scenarios;
}

describe('remote drivers in a worker of this Node (real child processes, real handshakes)', function () {
  this.timeout(60_000);
  let certsDir: string;
  before(() => { certsDir = mkdtempSync(join(tmpdir(), 'tlsgate-worker-')); });
  after(() => rmSync(certsDir, { recursive: true, force: true }));

  it('observes exactly what the in-process drivers observe (no drift), hooks and sessions included', async () => {
    const list = await scenarios();
    const runWith = async (placement?: ReturnType<typeof runtimePlacement>) => {
      const engine = await createEngine({ certsDir, timeoutMs: 5000, ...(placement ? { placement } : {}) });
      try {
        return (await runSuite(list, { execute: (s, signal) => engine.run(s, signal), reporters: [], timeoutMs: 5000, concurrency: 2 })).results;
      } finally {
        await engine.close();
      }
    };
    const local = await runWith();
    const placement = runtimePlacement(thisNode());
    const remote = await runWith(placement);
    expect(remote.map((r) => r.verdict.status)).to.deep.equal(local.map(() => 'passed'));
    expect(remote.every((r) => r.observations.every((o) => o.driver.clientVersion !== undefined))).to.equal(true);
    expect(compareBaselines(baselineOf(local), baselineOf(remote)).changes).to.deep.equal([]);
    expect(await placement.workerPids()).to.deep.equal([]);
  });

  it('the same Node twice in a matrix gives an empty drift (no noise)', async () => {
    const list = await scenarios();
    const runtime = (label: string): MatrixRuntime => ({ label, version: process.versions.node, openssl: process.versions.openssl, spec: { ...thisNode(), label } });
    const outcome = await runMatrix(list, [runtime('a'), runtime('b')], { certsDir, timeoutMs: 5000, concurrency: 4, signal: new AbortController().signal });
    const [a, b] = outcome.runs;
    expect(a!.results).to.have.length(list.length);
    expect(a!.summary.passed + a!.summary.skipped).to.equal(list.length);
    expect(compareBaselines(baselineOf(a!.results), baselineOf(b!.results)).changes).to.deep.equal([]);
  });

  it('a worker that cannot start says which runtime and why; a worker that dies fails its calls with the same', async () => {
    const bad = { ...thisNode(), label: 'node with a bad flag', execArgv: ['--no-such-flag-for-tlsgate'] };
    const err = await RemoteRuntime.start(bad).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/the node with a bad flag worker exited \(code 9\); its stderr ends:\n.*bad option: --no-such-flag-for-tlsgate/);
    const rt = await RemoteRuntime.start(thisNode());
    const pending = rt.call({ method: 'server.observation', handle: 12345 });
    process.kill(rt.pid!, 'SIGKILL');
    const died = await pending.then(() => undefined, (e: Error) => e);
    expect(died?.message).to.match(/^(the node .* worker exited \(SIGKILL\)|no server 12345)/);
    const later = await rt.call({ method: 'client.info', driver: 'node-tls' }).then(() => undefined, (e: Error) => e);
    expect(later?.message).to.match(/worker exited \(SIGKILL\)/);
    await rt.close();
  });

  it('a worker exits when its harness is killed with SIGKILL (no orphans)', async () => {
    const script = join(here, `worker-child${extname(fileURLToPath(import.meta.url))}`);
    const child = start(script.endsWith('.ts') ? ['--import', 'tsx', script] : [script]);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await until(() => /worker \d+\n/.test(out), 20_000);
    const pid = Number(/worker (\d+)/.exec(out)?.[1]);
    expect(alive(pid), 'worker running').to.equal(true);
    child.kill('SIGKILL');
    await child.done;
    expect(await gone([pid], 5000), 'worker still running after its harness died').to.deep.equal([]);
  });

  it('Ctrl-C during `tlsgate matrix`: exit 130 and every worker is gone', async () => {
    const child = start([...CLI, 'matrix', '--node', process.execPath, '--node', process.execPath, '--certs', certsDir], { cwd: ROOT });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    await until(() => stderr.includes('tlsgate: matrix of') && childPids(child.pid!).length >= 2, 40_000);
    await new Promise((r) => setTimeout(r, 300));
    const workers = childPids(child.pid!);
    child.kill('SIGINT');
    const done = await child.done;
    expect(done.code, done.stderr).to.equal(130);
    expect(await gone(workers, 5000), 'workers left running').to.deep.equal([]);
  });
});

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

async function until(condition: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
