/**
 * Ctrl-C and SIGTERM in the middle of a real `tlsgate run` over the built-in catalogue (spawned,
 * real TLS, real revocation servers): the run stops, everything closes by itself (TLSGATE_DEBUG=1
 * would name anything still open at exit), the exit code is 130, the JSON report is partial and
 * lists exactly the scenarios that finished, the JUnit report counts the interruption as an
 * error (where CI servers look), and the material cache holds no temp file.
 * test/cli/interrupt.test.ts covers the same with stub scenarios, and the second Ctrl-C.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { CLI, start } from '../cli/spawn.js';
import { sharedCertsDir } from './support/certs-cache.js';
import { Children } from './support/children.js';

/** resolves once stdout has shown `count` result lines */
function afterResults(child: ChildProcess, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (d: Buffer | string) => {
      seen += d.toString();
      if ((seen.match(/^(PASS|FAIL|ERROR|SKIP) /gm) ?? []).length >= count) resolve();
    });
    child.on('close', () => reject(new Error(`the run ended before ${count} results:\n${seen}`)));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('interrupting a real run of the catalogue (spawned CLI)', function () {
  this.timeout(60_000);
  const children = new Children();
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-int-real-')); });
  afterEach(() => {
    children.killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} after a few results: exit 130 on its own, nothing left open, a partial report of what finished`, async () => {
      const report = join(dir, 'report.json');
      const junit = join(dir, 'junit.xml');
      const child = children.track(start([...CLI, 'run', builtinScenariosDir(), '--certs', sharedCertsDir(), '--concurrency', '2', '--reporter', 'console', '--reporter', `json:${report}`, '--reporter', `junit:${junit}`], { env: { TLSGATE_DEBUG: '1' } }));
      await afterResults(child, 6);
      child.kill(sig);
      const { code, stdout, stderr } = await child.done;

      expect(code, stderr).to.equal(130);
      expect(stderr).to.include(`tlsgate: ${sig} received: stopping and cleaning up`);
      expect(stderr, 'nothing held the process open').to.not.include('still open at exit');

      const doc = JSON.parse(readFileSync(report, 'utf8')) as { summary: { interrupted: boolean; total: number; passed: number }; results: Array<{ id: string; name: string; status: string }> };
      const printed = [...stdout.matchAll(/^PASS  (.+?)  \S+:\d+ \(/gm)].map((m) => m[1]);
      expect(doc.summary.interrupted).to.equal(true);
      expect(doc.summary.total, 'stopped well before the run would have ended (202 scenarios)').to.be.at.least(6).and.below(150);
      expect(doc.results.every((r) => r.status === 'passed'), 'interrupted scenarios are left out, not reported as errors').to.equal(true);
      expect(doc.results.map((r) => r.name).sort()).to.deep.equal(printed.sort());

      const xml = readFileSync(junit, 'utf8');
      expect(xml).to.match(new RegExp(`<testsuites [^>]*tests="${doc.summary.total + 1}"[^>]*errors="1"`));
      expect(xml).to.match(/<testcase classname="tlsgate run" name="run interrupted"[^>]*>\s*<error message="run interrupted: \d+ of \d+ scenarios finished/);

      const temp = filesUnder(sharedCertsDir()).filter((f) => f.endsWith('.tmp'));
      expect(temp, 'half-written cache files').to.deep.equal([]);
    });
  }
});
