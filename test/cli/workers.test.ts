/**
 * `tlsgate run --workers N`: the TLS ends run in worker threads, and where a scenario ran never
 * changes its verdict. The oracle is the same run in one thread: both JSON reports must hold
 * the same scenarios with the same status, category and code.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWorkers } from '../../harness/session/engine-workers.js';
import { ROOT, tlsgate } from './spawn.js';

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

  const verdicts = async (workers: number): Promise<string[]> => {
    const report = join(dir, `report-${workers}.json`);
    const run = await tlsgate(['run', ...FILES, '--workers', String(workers), '--certs', join(dir, 'certs'), '--reporter', `json:${report}`]);
    expect(run.code, run.stderr).to.equal(0);
    const results = (JSON.parse(readFileSync(report, 'utf8')) as { results: ReportedResult[] }).results;
    return results.map((r) => `${r.id}: ${r.status} ${r.observation?.category ?? ''} ${r.observation?.code ?? ''}`);
  };

  it('three worker threads give the verdicts of one thread, scenario by scenario', async () => {
    const one = await verdicts(1);
    const three = await verdicts(3);
    expect(one.length).to.be.greaterThan(20);
    expect(three).to.deep.equal(one);
  });

  it('a bad --workers is a usage error', async () => {
    const run = await tlsgate(['run', ...FILES, '--workers', '0']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/--workers wants a positive whole number/);
  });

  it('by default: one per core, while each worker gets 40 scenarios', () => {
    expect(defaultWorkers(10, 16)).to.equal(1);
    expect(defaultWorkers(80, 2)).to.equal(2);
    expect(defaultWorkers(202, 16)).to.equal(5);
    expect(defaultWorkers(5000, 16)).to.equal(16);
  });
});
