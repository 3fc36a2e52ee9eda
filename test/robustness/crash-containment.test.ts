/**
 * A crash never ends a run. An exception inside one scenario (a driver that throws, synchronously
 * or from a timer) ends that scenario as an internal error naming the bug; the other scenarios run;
 * every report is written; the exit code is 3 and stderr names the scenarios. A reporter that
 * throws stops neither the run nor the other reporters. And the bug the issue found: a SAN-only
 * leaf (empty subject, legal under RFC 5280) given through pki.files gets a real verdict.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, tlsgate } from '../cli/spawn.js';
import { sharedCertsDir } from './support/certs-cache.js';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ext = extname(fileURLToPath(import.meta.url));
const childScript = fileURLToPath(new URL(`./support/contained-run-child${ext}`, import.meta.url));

/** a client driver with two bugs: it throws in connect (servername sync.test) or from a timer (any other) */
const THROWING_DRIVER = `
export default {
  name: 'throwing-test-driver',
  async info() { return { name: 'throwing-test-driver', version: '0' }; },
  connect(plan, hooks, signal) {
    if (plan.servername === 'sync.test') throw new TypeError('a bug in the driver');
    setTimeout(() => { throw new RangeError('a bug in a driver timer'); }, 1);
    return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  },
};
`;

const scenarioFile = (driver: string) => `
pki:
  certs:
    - { id: root, role: root, subject: "CN=Containment Root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
defaults:
  server: { cert: leaf }
  client: { trust: [root], servername: localhost }
scenarios:
  - name: before the bugs
    expect: { outcome: accept }
  - name: driver throws in connect
    client: { driver: ${JSON.stringify(driver)}, servername: sync.test }
    expect: { outcome: accept }
  - name: driver throws from a timer
    client: { driver: ${JSON.stringify(driver)}, servername: timer.test }
    expect: { outcome: accept }
  - name: after the bugs
    client: { servername: wrong.test }
    expect: { outcome: reject, category: hostname-mismatch }
`;

interface JsonResult { name: string; status: string; message?: string; observation: { peer?: { subject: string; san: string[] } } | null }
const resultsOf = (file: string): JsonResult[] => (JSON.parse(readFileSync(file, 'utf8')) as { results: JsonResult[] }).results;

describe('crash containment: an exception inside a scenario ends only that scenario (spawned runs, real handshakes)', function () {
  this.timeout(120_000);
  let dir: string;
  let yaml: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-crash-'));
    const driver = join(dir, 'throwing-driver.mjs');
    writeFileSync(driver, THROWING_DRIVER);
    yaml = join(dir, 'buggy.yaml');
    writeFileSync(yaml, scenarioFile(driver));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('tlsgate run: the other scenarios run, the reports are written, exit 3, and stderr names each scenario and its bug', async () => {
    const json = join(dir, 'cli.json');
    const junit = join(dir, 'cli.xml');
    const r = await tlsgate(['run', yaml, '--certs', sharedCertsDir(), '--reporter', 'console', '--reporter', `json:${json}`, '--reporter', `junit:${junit}`]);
    expect(r.code, r.stdout + r.stderr).to.equal(3);
    const results = resultsOf(json);
    expect(results.map((x) => `${x.name}: ${x.status}`)).to.deep.equal([
      'before the bugs: passed', 'driver throws in connect: error', 'driver throws from a timer: error', 'after the bugs: passed',
    ]);
    expect(results[1]!.message).to.match(/^internal error: TypeError: a bug in the driver \(at (Object\.)?connect \(.*throwing-driver\.mjs:\d+:\d+\)\)$/);
    expect(results[2]!.message).to.match(/^internal error: RangeError: a bug in a driver timer \(at .*throwing-driver\.mjs:\d+:\d+\)\)$/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).to.have.length(4);
    expect(xml.match(/<error /g)).to.have.length(2);
    expect(r.stdout, 'the console summary names them').to.match(/ERROR driver throws in connect/).and.match(/ERROR driver throws from a timer/);
    expect(r.stderr).to.match(/tlsgate: internal errors \(the other scenarios ran and every report was written\):/);
    expect(r.stderr).to.match(/scenario \S*buggy\.yaml#driver throws in connect \(\S*buggy\.yaml:\d+\): TypeError: a bug in the driver/);
    expect(r.stderr).to.match(/scenario \S*buggy\.yaml#driver throws from a timer \(\S*buggy\.yaml:\d+\): RangeError: a bug in a driver timer/);
    expect(r.stderr).not.to.match(/^\s+at /m);
  });

  it('a reporter that throws: the run goes on, the other reporters write their files, exit 3 naming the reporter', async () => {
    const reports = mkdtempSync(join(dir, 'reports-'));
    const r = await start(['--import', 'tsx', childScript, sharedCertsDir(), reports, yaml]).done;
    expect(r.code, r.stdout + r.stderr).to.equal(3);
    expect(resultsOf(join(reports, 'report.json')).map((x) => x.status)).to.deep.equal(['passed', 'error', 'error', 'passed']);
    expect(readFileSync(join(reports, 'report.xml'), 'utf8').match(/<testcase /g)).to.have.length(4);
    expect(r.stderr).to.match(/^ {2}the github reporter: Error: a reporter bug: no annotation path \(at /m);
    expect(r.stderr).to.match(/^ {2}scenario \S*#driver throws in connect/m);
  });

  describe('a SAN-only leaf (empty subject) through pki.files', () => {
    let leafDir: string;
    before(() => {
      leafDir = mkdtempSync(join(dir, 'empty-subject-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', join(leafDir, 'leaf.key'), '-out', join(leafDir, 'leaf.pem'), '-days', '30',
        '-subj', '/', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
      const subject = execFileSync('openssl', ['x509', '-in', join(leafDir, 'leaf.pem'), '-noout', '-subject'], { encoding: 'utf8' });
      expect(subject.trim(), 'openssl made an empty subject').to.equal('subject=');
    });

    it('gets real verdicts: accepted by its SAN, its peer subject empty, revocation checked, a wrong name refused', async () => {
      writeFileSync(join(leafDir, 'empty.yaml'), [
        'pki:',
        '  files:',
        '    leaf: { cert: leaf.pem, key: leaf.key }',
        'defaults:',
        '  server: { cert: leaf }',
        '  client: { trust: [leaf], servername: localhost }',
        'scenarios:',
        '  - name: accepted by its SAN',
        '    expect: { outcome: accept, peer: { san: ["DNS:localhost"] } }',
        '  - name: soft-fail revocation on a leaf without revocation URLs',
        '    client: { revocation: { mode: ocsp, failure: soft } }',
        '    expect: { outcome: accept }',
        '  - name: wrong name refused',
        '    client: { servername: other.test }',
        '    expect: { outcome: reject, category: hostname-mismatch }',
        '',
      ].join('\n'));
      const json = join(leafDir, 'report.json');
      const r = await tlsgate(['run', join(leafDir, 'empty.yaml'), '--certs', sharedCertsDir(), '--reporter', `json:${json}`]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const results = resultsOf(json);
      expect(results.map((x) => x.status)).to.deep.equal(['passed', 'passed', 'passed']);
      expect(results[0]!.observation?.peer).to.deep.include({ subject: '', san: ['DNS:localhost'] });
    });
  });
});
