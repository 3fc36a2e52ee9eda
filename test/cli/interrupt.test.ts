import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sibling, start, waitForOutput } from './spawn.js';

describe('interruption with real signals (child process; stub scenarios, not TLS)', function () {
  this.timeout(15_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-int-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig}: running scenarios clean up, a partial report lists what finished, exit 130, listeners removed`, async () => {
      const report = join(dir, 'report.json');
      const child = start([...sibling('interrupt-child'), report, 'cooperative']);
      await waitForOutput(child, 'ready');
      child.kill(sig);
      const { code, stderr } = await child.done;
      expect(code, stderr).to.equal(130);
      expect(stderr).to.include(`tlsgate: ${sig} received: stopping`);
      expect(stderr).to.include('cleaned up s2').and.include('cleaned up s3');
      expect(stderr).to.include('released: 0');
      const doc = JSON.parse(readFileSync(report, 'utf8'));
      expect(doc.summary).to.include({ interrupted: true, total: 1, passed: 1 });
      expect(doc.results.map((r: { name: string }) => r.name)).to.deep.equal(['s1']);
    });
  }

  it('a second Ctrl-C exits at once with 130 even when cleanup hangs', async () => {
    const child = start([...sibling('interrupt-child'), join(dir, 'r.json'), 'stuck']);
    await waitForOutput(child, 'ready');
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    // the child's cleanup never ends: exiting at all is exiting without it
    child.kill('SIGINT');
    const { code, stderr } = await child.done;
    expect(code).to.equal(130);
    expect(stderr).to.include('SIGINT again, exiting now');
  });
});
