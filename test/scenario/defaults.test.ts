/**
 * What a scenario becomes once defaults are merged: the file's `defaults` under the scenario,
 * tlsgate's built-in ones under those, `code` as a list, PEM files with absolute paths.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Scenario } from '../../harness/model/domain.js';
import { packageRoot } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';

const FIXTURES = join(packageRoot(), 'test', 'scenario', 'fixtures');

describe('scenario loader: defaults and normalization', () => {
  let byName: Map<string, Scenario>;
  before(async () => {
    const { scenarios, problems } = await loadScenarios([join(FIXTURES, 'valid', 'defaults.yaml')]);
    expect(problems).to.deep.equal([]);
    byName = new Map(scenarios.map((s) => [s.name, s]));
  });
  const get = (name: string): Scenario => byName.get(name)!;

  it('a scenario with nothing of its own gets the defaults, then the built-in defaults', () => {
    const s = get('inherits everything');
    expect(s).to.include({ id: 'defaults.yaml#inherits everything', file: 'defaults.yaml', line: 16, column: 5, timeoutMs: 2000 });
    expect(s.tags).to.deep.equal(['base', 'shared']);
    expect(s.server).to.deep.equal({ driver: 'node-tls', cert: 'leaf', clientCert: 'request', alpn: ['h2'] });
    expect(s.client).to.deep.equal({
      driver: 'node-tls', servername: 'api.example.test', connect: '127.0.0.1', identityFormat: 'pem',
      revocation: { mode: 'crl', failure: 'hard' },
    });
    expect(s.expect).to.deep.equal({ outcome: 'accept', code: ['ONE_CODE'] });
    expect(s).to.not.have.any.keys('description', 'then', 'faults', 'skip');
  });

  it('a scenario wins key by key: tags are added without repeats, a client revocation replaces the default whole', () => {
    const s = get('overrides some');
    expect(s.tags).to.deep.equal(['base', 'shared', 'own']);
    expect(s.server).to.deep.equal({ driver: 'node-tls', cert: 'leaf', clientCert: 'require', alpn: ['h2'] });
    expect(s.client.revocation).to.deep.equal({ mode: 'none', failure: 'soft' });
    expect(s.client).to.include({ identity: 'client', servername: 'api.example.test' });
    expect(s.timeoutMs).to.equal(500);
    expect(s.expect.code).to.deep.equal(['A', 'B']);
    expect(s.then).to.deep.equal([{ revoke: ['client'], expect: { outcome: 'reject', code: ['C'] } }]);
    expect(s.faults).to.deep.equal([{ server: 'crl', ca: 'root', fault: { kind: 'http-status', status: 503 } }]);
    expect(s.description).to.match(/^Own tags/);
  });

  it('pki excludes files; PEM files become absolute pemFiles; a flow-style scenario has its own column', () => {
    const s = get('flow style on one line');
    expect(s.pki.certs.map((c) => c.id)).to.deep.equal(['root', 'leaf', 'client']);
    expect(s.pki).to.not.have.property('files');
    expect(s.pemFiles).to.deep.equal({ prod: { cert: join(FIXTURES, 'pem', 'prod.pem'), key: join(FIXTURES, 'pem', 'prod.key') } });
    expect(s).to.include({ line: 31, column: 7, skip: 'not today' });
    expect(s.client.trust).to.equal('system');
    expect(s.expect).to.deep.equal({ outcome: 'accept', alpn: false });
  });

  it('scenarios never share objects with each other or with the defaults', () => {
    const [a, b] = [get('inherits everything'), get('overrides some')];
    expect(a.server.alpn).to.not.equal(b.server.alpn);
    a.server.alpn!.push('http/1.1');
    expect(b.server.alpn).to.deep.equal(['h2']);
  });
});
