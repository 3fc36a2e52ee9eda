/**
 * Key-exchange groups over real handshakes run by the engine: the group a full handshake
 * negotiated, none on a resumed TLS 1.2 session (no key exchange happens), and expectations that
 * match whichever way the group is spelt.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../harness/session/engine.js';
import type { ScenarioResult } from '../harness/model/domain.js';
import { loadScenarios } from '../harness/scenario/load.js';

const SCENARIOS = `
pki:
  certs:
    - { id: root, role: root, subject: "CN=Group Root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
defaults:
  server: { cert: leaf }
  client: { servername: localhost }
scenarios:
  - name: TLS 1.2 resumed
    server: { maxVersion: TLSv1.2 }
    expect: { outcome: accept, protocol: TLSv1.2, group: x25519 }
    then:
      - resume: true
        expect: { outcome: accept, protocol: TLSv1.2 }
  - name: TLS 1.3 resumed
    expect: { outcome: accept, protocol: TLSv1.3, group: X25519 }
    then:
      - resume: true
        expect: { outcome: accept, protocol: TLSv1.3, group: X25519 }
  - name: P-256 spelt three ways
    server: { ecdhCurve: P-256 }
    expect: { outcome: accept, group: secp256r1 }
    then:
      - expect: { outcome: accept, group: P-256 }
      - expect: { outcome: accept, group: prime256v1 }
`;

describe('key-exchange group: one spelling, none without a key exchange (real handshakes)', function () {
  this.timeout(60_000);
  let dir: string;
  let engine: Engine;
  const results = new Map<string, ScenarioResult>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-groups-'));
    writeFileSync(join(dir, 'groups.yaml'), SCENARIOS);
    const { scenarios, problems } = await loadScenarios([join(dir, 'groups.yaml')]);
    expect(problems).to.deep.equal([]);
    engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
    const signal = new AbortController().signal;
    for (const s of scenarios) results.set(s.name, await engine.run(s, signal));
  });
  after(async () => {
    await engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a resumed TLS 1.2 session reports no group; its full handshake does (expected as x25519, observed X25519)', () => {
    const r = results.get('TLS 1.2 resumed')!;
    expect(r.verdict, JSON.stringify(r.verdict)).to.deep.equal({ status: 'passed' });
    const [full, resumed] = r.observations;
    expect(full).to.include({ protocol: 'TLSv1.2', group: 'X25519' });
    expect(full!.sessionReused).to.equal(false);
    expect(resumed!.sessionReused, 'the session really was resumed').to.equal(true);
    expect(resumed).to.not.have.property('group');
  });

  it('a resumed TLS 1.3 session exchanges a key (psk_dhe_ke) and reports its group', () => {
    const r = results.get('TLS 1.3 resumed')!;
    expect(r.verdict, JSON.stringify(r.verdict)).to.deep.equal({ status: 'passed' });
    expect(r.observations[1]).to.include({ sessionReused: true, group: 'X25519' });
  });

  it('P-256 is observed as prime256v1 and expected as secp256r1, P-256 or prime256v1 alike', () => {
    const r = results.get('P-256 spelt three ways')!;
    expect(r.verdict, JSON.stringify(r.verdict)).to.deep.equal({ status: 'passed' });
    expect(r.observations.map((o) => o.group)).to.deep.equal(['prime256v1', 'prime256v1', 'prime256v1']);
  });
});
