/**
 * The audit log is what the mock CA really did: real scenarios run with an audit sink, then
 * the events are replayed in order (who is revoked at each point) and checked against what the
 * CRL server and OCSP responder logged for each connection, against the certificates the
 * client saw over TLS, and against the CRLs and OCSP statuses the replay predicts. And the CLI
 * writes the same events as JSON Lines with `--audit FILE`.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../../ca/spec/audit.js';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import type { Observation } from '../../harness/model/domain.js';
import { builtinScenariosDir, defaultCertsDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { tlsgate } from '../cli/spawn.js';

const SCENARIOS = [
  'revoked between two connections (CRL)',
  'revoked between two connections (OCSP)',
  'certificate hold lifted (removeFromCRL)',
];

describe('audit log: replayed against the servers\' request logs (real handshakes)', function () {
  this.timeout(60_000);
  let engine: Engine;
  const events = new Map<string, AuditEvent[]>();

  before(async () => {
    engine = await createEngine({
      certsDir: defaultCertsDir(),
      timeoutMs: 5000,
      audit: (id) => ({ record: (e) => events.set(id, [...(events.get(id) ?? []), e]) }),
    });
  });
  after(() => engine.close());

  for (const name of SCENARIOS) {
    it(`${name}: every answer follows from the events before it, and matches the request log`, async () => {
      const { scenarios } = await loadScenarios([join(builtinScenariosDir(), 'revocation', 'lifecycle.yaml')]);
      const scenario = scenarios.find((s) => s.name === name)!;
      const result = await engine.run(scenario, new AbortController().signal);
      expect(result.verdict.status).to.equal('passed');
      const log = events.get(scenario.id)!;
      replay(log);
      matchRequestLogs(log, result.observations);
      // the leaf the client authenticated over TLS is the one the CA says it issued
      const issued = log.filter((e) => e.event === 'issued');
      const served = result.observations.find((o) => o.peer)!.peer!.chainFingerprints[0];
      expect(issued.map((e) => e.fingerprint256)).to.include(served);
      expect(issued.map((e) => e.cert)).to.deep.equal(scenario.pki.certs.map((c) => c.id));
    });
  }

  it('a PKI valid for seconds is attached once, as issued before the first connection: one revocation, of the served leaf', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-audit-'));
    try {
      const file = join(dir, 'short-lived.yaml');
      writeFileSync(file, [
        'pki:',
        '  certs:',
        '    - { id: root, role: root, subject: "CN=audit short-lived root" }',
        '    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] }, ocsp: auto, validity: { notBefore: -1m, notAfter: +30s } }',
        '  revoked:',
        '    - { cert: leaf, reason: keyCompromise }',
        'scenarios:',
        '  - name: short-lived and revoked at set-up',
        '    server: { cert: leaf }',
        '    client: { revocation: { mode: ocsp, failure: hard, timeoutMs: 2000 } }',
        '    expect: { outcome: reject, code: TLSGATE_OCSP_REVOKED }',
      ].join('\n'));
      const { scenarios, problems } = await loadScenarios([file]);
      expect(problems).to.deep.equal([]);
      const result = await engine.run(scenarios[0]!, new AbortController().signal);
      expect(result.verdict.status).to.equal('passed');
      const log = events.get(scenarios[0]!.id)!;
      replay(log);
      const revoked = log.filter((e) => e.event === 'revoked');
      expect(revoked.map((e) => e.cert)).to.deep.equal(['leaf']);
      const servedLeaf = log.filter((e) => e.event === 'issued' && e.cert === 'leaf').at(-1)!;
      expect(revoked[0]!.serial).to.equal((servedLeaf as { serial: string }).serial);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the CLI writes the events as JSON Lines, numbered in order, with --audit FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-audit-'));
    try {
      const file = join(dir, 'audit.jsonl');
      const res = await tlsgate(['run', join(builtinScenariosDir(), 'revocation', 'lifecycle.yaml'), '--grep', 'between two connections', '--audit', file, '--reporter', 'tap']);
      expect(res.code, res.stderr).to.equal(0);
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; scenario: string; event: string });
      expect(lines.map((l) => l.seq)).to.deep.equal(lines.map((_, i) => i + 1));
      expect(new Set(lines.map((l) => l.scenario)).size).to.equal(2);
      expect(new Set(lines.map((l) => l.event))).to.include.members(['issued', 'revoked', 'crl-published', 'ocsp-answered']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** walks the events in order: every CRL lists, and every OCSP answer reports, exactly who is revoked at that point */
function replay(log: readonly AuditEvent[]): void {
  const certOfSerial = new Map<string, { cert: string; issuer: string | null }>();
  const revoked = new Set<string>();
  let answers = 0;
  for (const e of log) {
    switch (e.event) {
      case 'issued': certOfSerial.set(e.serial, { cert: e.cert, issuer: e.issuer }); break;
      case 'revoked': revoked.add(e.serial); break;
      case 'unrevoked': expect(revoked.delete(e.serial), `unrevoked ${e.cert} was revoked`).to.equal(true); break;
      case 'crl-published': {
        const expected = [...revoked].filter((s) => certOfSerial.get(s)?.issuer === e.ca).sort();
        expect(e.entries.map((x) => x.serial).sort(), `CRL ${e.number} of ${e.ca}`).to.deep.equal(expected);
        answers++;
        break;
      }
      case 'ocsp-answered':
        for (const a of e.answers) expect(a.status, `OCSP for ${certOfSerial.get(a.serial)?.cert}`).to.equal(revoked.has(a.serial) ? 'revoked' : 'good');
        answers++;
        break;
    }
  }
  expect(answers).to.be.above(0);
}

/** what the servers logged per connection, in order, is what the audit log says they answered */
function matchRequestLogs(log: readonly AuditEvent[], observations: readonly Observation[]): void {
  const requests = observations.flatMap((o) => o.revocationRequests);
  const ocspLogged = requests.filter((r) => r.server === 'ocsp').map((r) => ({ serials: r.serials, answer: r.answer }));
  const ocspAudited = log.flatMap((e) => (e.event === 'ocsp-answered' ? [{ serials: e.answers.map((a) => a.serial), answer: e.answers.map((a) => a.status).join(',') }] : []));
  expect(ocspAudited).to.deep.equal(ocspLogged);
  const crlLogged = requests.filter((r) => r.server === 'crl' && r.answer.endsWith(' crl')).map((r) => r.answer.replace(/ crl$/, ''));
  const crlAudited = log.flatMap((e) => (e.event === 'crl-published' ? [e.kind] : []));
  expect(crlAudited).to.deep.equal(crlLogged);
}
