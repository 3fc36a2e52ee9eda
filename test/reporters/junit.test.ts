import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'xmlbuilder2';
import { packageRoot } from '../../harness/model/paths.js';
import { summarize } from '../../harness/run/runner.js';
import { buildJunitXml } from '../../harness/reporters/junit.js';
import type { RunInfo } from '../../harness/reporters/types.js';
import { errored, failed, makeScenario, passed, skipped } from '../runner/fixtures.js';

/** from the sources, not dist/: tsc does not copy the XSD and Java file */
const fixtures = join(packageRoot(), 'test', 'fixtures');
const XSD = join(fixtures, 'junit.xsd');

/** the little of the DOM these tests read (the project's lib has no DOM types) */
interface Element {
  getAttribute(name: string): string | null;
  getElementsByTagName(tag: string): Iterable<Element>;
  textContent: string | null;
}

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** a real XSD validator: xmllint (libxml2) if installed, else the JDK's javax.xml.validation */
const validator = onPath('xmllint')
  ? { name: 'xmllint --schema', run: (files: string[]) => spawnSync('xmllint', ['--noout', '--schema', XSD, ...files], { encoding: 'utf8' }) }
  : onPath('java')
    ? { name: 'java Validate.java (javax.xml.validation)', run: (files: string[]) => spawnSync('java', [join(fixtures, 'Validate.java'), XSD, ...files], { encoding: 'utf8' }) }
    : undefined;

const run: RunInfo = { total: 5, concurrency: 2, environment: { node: '20.20.2', undici: { version: '7.1.0', source: 'tlsgate' } }, startedAt: new Date('2025-05-01T10:00:00.123Z') };

function sampleResults() {
  const a = makeScenario('valid <chain> & "quotes"', { file: 'chain/paths.yaml', line: 7 });
  const b = makeScenario('expired leaf', { file: 'chain/paths.yaml', line: 19 });
  const c = makeScenario('broken material', { file: 'chain/validity.yaml', line: 3 });
  const d = makeScenario('needs OpenSSL 3.2', { file: 'chain/validity.yaml', line: 12 });
  return [passed(a), failed(b), errored(c, 'cannot load key: \u0001bad\nsecond line'), skipped(d)];
}

describe('junit reporter', () => {
  const results = sampleResults();
  const xml = buildJunitXml(run, summarize(results, 1234, false), results);

  it('writes one testcase per scenario with classname = file, file and line attributes, and outcome elements', () => {
    const root = create(xml).root().node as unknown as Element;
    const attrs = (el: Element, ...names: string[]) => names.map((n) => el.getAttribute(n));
    expect(attrs(root, 'tests', 'failures', 'errors', 'skipped')).to.deep.equal(['4', '1', '1', '1']);
    const suites = [...root.getElementsByTagName('testsuite')];
    expect(suites.map((s) => s.getAttribute('name'))).to.deep.equal(['chain/paths.yaml', 'chain/validity.yaml']);
    const cases = [...root.getElementsByTagName('testcase')];
    expect(cases.map((c) => attrs(c, 'classname', 'name', 'file', 'line'))).to.deep.equal([
      ['chain/paths.yaml', 'valid <chain> & "quotes"', 'chain/paths.yaml', '7'],
      ['chain/paths.yaml', 'expired leaf', 'chain/paths.yaml', '19'],
      ['chain/validity.yaml', 'broken material', 'chain/validity.yaml', '3'],
      ['chain/validity.yaml', 'needs OpenSSL 3.2', 'chain/validity.yaml', '12'],
    ]);
    const only = (c: Element, tag: string) => [...c.getElementsByTagName(tag)];
    expect(only(cases[0]!, 'failure')).to.have.length(0);
    const failure = only(cases[1]!, 'failure')[0]!;
    expect(failure.getAttribute('message')).to.match(/^expected reject .*, got accepted/);
    expect(failure.textContent).to.include('category: expected expired, got (none)');
    const error = only(cases[2]!, 'error')[0]!;
    expect(error.getAttribute('message'), 'one line, invalid XML character replaced').to.equal('cannot load key: \uFFFDbad second line');
    expect(only(cases[3]!, 'skipped')[0]!.getAttribute('message')).to.equal('not on this OpenSSL');
  });

  it('gives times in seconds and an Ant timestamp', () => {
    expect(xml).to.match(/<testcase [^>]*time="0\.012"/);
    expect(xml).to.include('timestamp="2025-05-01T10:00:00"');
  });

  it('an interrupted run says so where CI servers look: an error count and an errored "run interrupted" testcase', () => {
    const partial = results.slice(0, 2);
    const doc = create(buildJunitXml(run, summarize(partial, 1234, true), partial)).root().node as unknown as Element;
    expect(['tests', 'failures', 'errors'].map((a) => doc.getAttribute(a))).to.deep.equal(['3', '1', '1']);
    const suites = [...doc.getElementsByTagName('testsuite')];
    const last = suites.at(-1)!;
    expect(['name', 'tests', 'errors'].map((a) => last.getAttribute(a))).to.deep.equal(['tlsgate run', '1', '1']);
    const testcase = [...last.getElementsByTagName('testcase')][0]!;
    expect(testcase.getAttribute('name')).to.equal('run interrupted');
    const error = [...testcase.getElementsByTagName('error')][0]!;
    expect(error.getAttribute('message')).to.match(/^run interrupted: 2 of 5 scenarios finished/);
    const complete = create(xml).root().node as unknown as Element;
    expect([...complete.getElementsByTagName('testcase')].map((c) => c.getAttribute('name')), 'a whole run has no such testcase').to.not.include('run interrupted');
  });

  /** sampleResults with the failure covered by a live project acceptance */
  const acceptedXml = (): string => {
    const covered = results.map((r) => (r.verdict.status === 'failed' ? { ...r, acceptance: { scenario: 'chain/*', reason: 'SEC-1 <until> rollout', expires: '2999-01-01', source: 'tlsgate.config.yaml:4' } } : r));
    return buildJunitXml(run, summarize(covered, 1234, false), covered);
  };

  it('an accepted failure is a skipped testcase "ACCEPTED: reason" with the failure kept in system-out; failures 0', () => {
    const text = acceptedXml();
    expect(text).to.match(/<testsuites name="tlsgate" tests="4" failures="0" errors="1" skipped="2"/);
    expect(text).to.include('<skipped message="ACCEPTED: SEC-1 &lt;until&gt; rollout (tlsgate.config.yaml:4, expires 2999-01-01)"/>');
    expect(text).to.match(/<system-out>expected reject \(category expired\), got accepted[\s\S]*accepted in tlsgate\.config\.yaml:4/);
    expect(text).not.to.include('<failure');
  });

  const title = validator
    ? `validates against test/fixtures/junit.xsd with ${validator.name}, and the validator rejects a broken file`
    : 'validates against test/fixtures/junit.xsd (SKIPPED: neither xmllint nor java is on PATH)';
  (validator ? it : it.skip)(title, function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-junit-'));
    try {
      const good = join(dir, 'report.xml');
      const bad = join(dir, 'broken.xml');
      const interrupted = join(dir, 'interrupted.xml');
      writeFileSync(good, xml);
      writeFileSync(interrupted, buildJunitXml(run, summarize(results.slice(0, 2), 1234, true), results.slice(0, 2)));
      const accepted = join(dir, 'accepted.xml');
      writeFileSync(accepted, acceptedXml());
      writeFileSync(bad, xml.replace(/ tests="4"/, ' tests="four"'));
      const goodRun = validator!.run([good, interrupted, accepted]);
      expect(goodRun.status, goodRun.stdout + goodRun.stderr).to.equal(0);
      const badRun = validator!.run([bad]);
      expect(badRun.status).to.not.equal(0);
      expect(badRun.stdout + badRun.stderr).to.match(/four/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
