import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotations, command, escapeData, escapeProperty, githubReporter, MAX_ERROR_ANNOTATIONS } from '../../harness/reporters/github.js';
import { memoryOutput } from '../../harness/reporters/output.js';
import { summarize } from '../../harness/run/runner.js';
import { errored, failed, makeScenario, passed, skipped } from '../runner/fixtures.js';

/** the inverse of GitHub's escaping, as the runner applies it to workflow commands */
const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

describe('github reporter', () => {
  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('100%\r\nnext: a,b')).to.equal('100%25%0D%0Anext: a,b');
    expect(escapeProperty('C:\\x,y%')).to.equal('C%3A\\x%2Cy%25');
    const line = command('error', { file: 'a,b.yaml', line: '3', title: 'x: y' }, 'got 50%\nthen');
    expect(line).to.equal('::error file=a%2Cb.yaml,line=3,title=x%3A y::got 50%25%0Athen');
    expect(unescape(line.split('::')[2]!)).to.equal('got 50%\nthen');
  });

  it('an accepted failure is a warning at its line with the reason, not an error; an expired one stays an error', () => {
    const acceptance = { scenario: 'chain/*', reason: 'SEC-1 until the rollout', expires: '2999-01-01', source: 'tlsgate.config.yaml:4' };
    const accepted = { ...failed(makeScenario('legacy', { file: 'chain/a.yaml', line: 9 })), acceptance };
    const expired = { ...failed(makeScenario('older', { file: 'chain/a.yaml', line: 12 })), acceptance: { ...acceptance, expired: 'it expired on 2020-01-01' } };
    const lines = annotations([accepted, expired], (f) => f).trimEnd().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^::error file=chain\/a\.yaml,line=12,title=tlsgate%3A older::/);
    expect(lines[1]).to.match(/^::warning file=chain\/a\.yaml,line=9,title=tlsgate%3A accepted%3A legacy::/);
    expect(unescape(lines[1]!.split('::')[2]!)).to.include('accepted in tlsgate.config.yaml:4 (expires 2999-01-01): SEC-1 until the rollout');
  });

  it('annotates each failure and error at file:line with the verdict message', () => {
    const results = [
      passed(makeScenario('ok', { file: 'chain/a.yaml', line: 2 })),
      failed(makeScenario('expired, leaf', { file: 'chain/a.yaml', line: 9 })),
      errored(makeScenario('bad', { file: 'chain/b.yaml', line: 4 }), 'cannot load\nkey'),
      skipped(makeScenario('later', { file: 'chain/b.yaml', line: 8 })),
    ];
    const lines = annotations(results, (f) => `scenarios/${f}`).trimEnd().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^::error file=scenarios\/chain\/a\.yaml,line=9,title=tlsgate%3A expired%2C leaf::expected reject/);
    expect(lines[1]).to.equal('::error file=scenarios/chain/b.yaml,line=4,title=tlsgate%3A bad::cannot load%0Akey');
  });

  it(`stops at ${MAX_ERROR_ANNOTATIONS} error annotations and says how many were left out in one warning`, () => {
    const results = Array.from({ length: 13 }, (_, i) => failed(makeScenario(`f${i}`, { line: i + 1 })));
    const lines = annotations(results, (f) => f).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).to.have.length(MAX_ERROR_ANNOTATIONS);
    expect(lines.at(-1)).to.match(/^::warning::3 more failed scenarios not annotated/);
    expect(lines).to.have.length(MAX_ERROR_ANNOTATIONS + 1);
  });

  it('appends a Markdown table (status, scenario, expected, got) to GITHUB_STEP_SUMMARY, failures first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-gh-'));
    const summaryFile = join(dir, 'summary.md');
    writeFileSync(summaryFile, 'previous step\n');
    try {
      const results = [
        passed(makeScenario('ok | pipe', { line: 2 })),
        failed(makeScenario('expired <b>', { line: 9 })),
      ];
      const out = memoryOutput();
      await githubReporter(out, { stepSummaryFile: summaryFile }).onEnd(summarize(results, 1500, false), results);
      const md = readFileSync(summaryFile, 'utf8');
      const rows = md.split('\n').filter((l) => l.startsWith('| '));
      expect(md.startsWith('previous step\n\n### tlsgate: 2 scenarios: 1 passed, 1 failed (1.5 s)')).to.equal(true);
      expect(rows[0]).to.equal('| status | scenario | expected | got |');
      expect(rows[2]).to.equal('| ❌ failed | expired &lt;b&gt; <sub>fixtures/runner.yaml:9</sub> | outcome: rejected; category: expired | outcome: accepted; category: (none) |');
      expect(rows[3]).to.match(/^\| ✅ passed \| ok \\\| pipe <sub>fixtures\/runner\.yaml:2<\/sub> \| met \| outcome=accepted /);
      expect(out.text()).to.match(/^::error /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
