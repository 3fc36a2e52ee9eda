import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tlsgate } from './spawn.js';

const GOOD = join(ROOT, 'test/cli/fixtures/good');

/** a plug-in as a user writes it: plain ESM, no tlsgate import; it does not close `out` itself */
const RECORDER = `
export default function recorder(out, ctx) {
  const seen = { begin: null, results: [], end: null, isTTY: out.isTTY, hasEnv: typeof ctx.env === 'object' };
  return {
    name: 'recorder',
    onBegin(run) { seen.begin = { total: run.total, concurrency: run.concurrency }; },
    onResult(result) { seen.results.push(result.verdict.status); },
    onEnd(summary, results) {
      seen.end = { passed: summary.passed, skipped: summary.skipped, ids: results.map((r) => r.scenario.name) };
      out.write(JSON.stringify(seen));
    },
  };
}
`;

describe('--reporter ./module.mjs[:FILE]: reporter plug-ins (spawned process, real handshakes)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-reporter-plugin-'));
    writeFileSync(join(dir, 'recorder.mjs'), RECORDER);
    writeFileSync(join(dir, 'not-a-reporter.mjs'), 'export default 42;\n');
    writeFileSync(join(dir, 'returns-nothing.mjs'), 'export default () => ({ name: "half" });\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (reporter: string) =>
    tlsgate(['run', GOOD, '--certs', join(dir, 'certs'), '--reporter', 'console', '--reporter', reporter], { cwd: dir });

  it('loads the module from the working directory; it sees every begin, result and end of a real run and writes its file', async () => {
    const r = await run('./recorder.mjs:out/events.json');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/3 scenarios: 2 passed, 0 failed, 1 skipped/); // the built-in beside it is unchanged
    const seen = JSON.parse(readFileSync(join(dir, 'out', 'events.json'), 'utf8'));
    expect(seen.begin).to.deep.equal({ total: 3, concurrency: seen.begin.concurrency });
    expect([...seen.results].sort()).to.deep.equal(['passed', 'passed', 'skipped']);
    expect(seen.end).to.deep.include({ passed: 2, skipped: 1 });
    expect(seen.end.ids).to.have.length(3);
    expect(seen).to.include({ isTTY: false, hasEnv: true });
  });

  for (const [module, why] of [
    ['./not-a-reporter.mjs', /not-a-reporter\.mjs has no reporter factory as its default export/],
    ['./no-such-reporter.mjs', /the reporter module \S*no-such-reporter\.mjs could not be loaded/],
    ['./returns-nothing.mjs', /returns-nothing\.mjs: its factory returned no reporter/],
  ] as const) {
    it(`${module}: exit 2 with one line saying why, before anything runs`, async () => {
      const r = await run(`${module}:refused.txt`);
      expect(r.code, r.stdout + r.stderr).to.equal(2);
      expect(r.stderr.split('\n')[0]).to.match(/^tlsgate: --reporter /).and.match(why);
      expect(r.stdout).to.equal('');
      expect(existsSync(join(dir, 'refused.txt'))).to.equal(false);
    });
  }
});
