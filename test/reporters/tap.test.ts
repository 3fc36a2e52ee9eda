import { expect } from 'chai';
import { parse } from 'yaml';
import { buildTap } from '../../harness/reporters/tap.js';
import { summarize } from '../../harness/run/runner.js';
import { errored, failed, makeScenario, passed, skipped } from '../runner/fixtures.js';

interface TestPoint { ok: boolean; n: number; description: string; directive?: string; diagnostics?: any }

/** a small TAP 14 reader: enough of the spec to hold the reporter to it */
function readTap(text: string): { version: string; plan: number; points: TestPoint[]; bailOut?: string } {
  const lines = text.replace(/\n$/, '').split('\n');
  const version = lines.shift()!;
  const planLine = lines.shift()!;
  const plan = /^1\.\.(\d+)$/.exec(planLine);
  if (!plan) throw new Error(`no plan: ${planLine}`);
  const points: TestPoint[] = [];
  let bailOut: string | undefined;
  while (lines.length) {
    const line = lines.shift()!;
    if (line.startsWith('Bail out!')) { bailOut = line; continue; }
    const m = /^(not )?ok (\d+) - ((?:[^#\\]|\\.)*?)(?: # (.*))?$/.exec(line);
    if (!m) throw new Error(`not a test point: ${JSON.stringify(line)}`);
    const point: TestPoint = { ok: !m[1], n: Number(m[2]), description: m[3]!.replace(/\\(.)/g, '$1'), ...(m[4] ? { directive: m[4] } : {}) };
    const next = () => lines[0];
    if (next() === '  ---') {
      lines.shift();
      const body: string[] = [];
      while (next() !== '  ...') {
        const l = lines.shift();
        if (l === undefined) throw new Error('YAML block without its closing "  ..."');
        if (!l.startsWith('  ')) throw new Error(`YAML line not indented by two spaces: ${JSON.stringify(l)}`);
        body.push(l.slice(2));
      }
      lines.shift();
      point.diagnostics = parse(body.join('\n'));
    }
    points.push(point);
  }
  return { version, plan: Number(plan[1]), points, ...(bailOut ? { bailOut } : {}) };
}

describe('tap reporter', () => {
  const results = [
    passed(makeScenario('valid chain', { file: 'chain/paths.yaml', line: 3 })),
    failed(makeScenario('expired # leaf', { file: 'chain/paths.yaml', line: 9 })),
    errored(makeScenario('bad key', { file: 'chain/keys.yaml', line: 2 }), 'cannot load key:\nunsupported'),
    skipped(makeScenario('needs 3.2', { file: 'chain/keys.yaml', line: 8 })),
  ];

  it('writes TAP 14: version, plan, numbered ok / not ok points, SKIP directive', () => {
    const tap = readTap(buildTap(summarize(results, 10, false), results));
    expect(tap.version).to.equal('TAP version 14');
    expect(tap.plan).to.equal(4);
    expect(tap.points.map((p) => [p.ok, p.n])).to.deep.equal([[true, 1], [false, 2], [false, 3], [true, 4]]);
    expect(tap.points[1]!.description, '# escaped in the description').to.equal('chain/paths.yaml: expired # leaf');
    expect(tap.points[3]!.directive).to.equal('SKIP not on this OpenSSL');
    expect(tap.bailOut).to.equal(undefined);
  });

  it('puts a two-space-indented YAML diagnostic block under each failure, with expected vs got', () => {
    const tap = readTap(buildTap(summarize(results, 10, false), results));
    const [ok, fail, err] = tap.points;
    expect(ok!.diagnostics).to.equal(undefined);
    expect(fail!.diagnostics).to.deep.include({ severity: 'fail', at: { file: 'chain/paths.yaml', line: 9 } });
    expect(fail!.diagnostics.message).to.match(/^expected reject/);
    expect(fail!.diagnostics.mismatches).to.deep.include({ field: 'category', expected: 'expired', got: '(none)' });
    expect(fail!.diagnostics.observed[0]).to.include('outcome=accepted');
    expect(err!.diagnostics).to.deep.include({ severity: 'error', message: 'cannot load key:\nunsupported' });
  });

  it('bails out when the run was interrupted, after the points that ran', () => {
    const tap = readTap(buildTap(summarize(results.slice(0, 1), 10, true), results.slice(0, 1)));
    expect(tap.plan).to.equal(1);
    expect(tap.bailOut).to.match(/^Bail out! interrupted/);
  });
});
