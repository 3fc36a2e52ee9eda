/**
 * The external tool drivers against real tools: the interop catalogue passes, and fails with each
 * scenario's outcome flipped (not green by accident); a scenario that gives toolFlags to a Node
 * end or a priority to s_server is bad input at its line.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import type { Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir, defaultCertsDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { locateTool, TOOLS } from '../../harness/drivers/portable/external/tools.js';
import { ScratchFiles } from '../../harness/drivers/portable/external/scratch-files.js';
import { ToolProcess } from '../../harness/drivers/portable/external/tool-process.js';
import { observeGnutlsServ } from '../../harness/drivers/portable/external/gnutls-serv.js';

const flip = (outcome: 'accept' | 'reject') => (outcome === 'accept' ? 'reject' : 'accept');
type Expecting = Pick<Scenario, 'expect' | 'stacks'>;
const flippedConnection = <T extends Expecting>(c: T): T => ({
  ...c,
  expect: { outcome: flip(c.expect.outcome) },
  ...(c.stacks && { stacks: c.stacks.map((o) => ({ ...o, expect: { outcome: flip(o.expect.outcome) } })) }),
});
/** one variant per connection, with only that connection's outcome flipped: each must fail */
const flipped = (s: Scenario): Scenario[] => [
  flippedConnection(s),
  ...(s.then ?? []).map((_, i) => ({ ...s, then: s.then!.map((step, j) => (j === i ? flippedConnection(step) : step)) })),
];

describe('external tool drivers (openssl, gnutls-bin, curl)', function () {
  this.timeout(180_000);
  let engine: Engine;
  before(async function () {
    if (!locateTool(TOOLS.gnutlsServ)) this.skip(); // Debian package gnutls-bin
    engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 });
  });
  after(() => engine?.close());

  it('every interop scenario passes as written and fails with its outcome flipped', async () => {
    // several at a time: the load is what once let curl's exit overtake its answer (tool-process.ts)
    const BATCH = 3;
    const { scenarios, problems } = await loadScenarios([join(builtinScenariosDir(), 'interop')]);
    expect(problems).to.deep.equal([]);
    expect(scenarios.length).to.be.greaterThan(15);
    const signal = new AbortController().signal;
    const notPassed: string[] = [];
    const stillGreen: string[] = [];
    for (let i = 0; i < scenarios.length; i += BATCH) {
      const batch = scenarios.slice(i, i + BATCH);
      for (const r of await Promise.all(batch.map((s) => engine.run(s, signal)))) if (r.verdict.status !== 'passed') notPassed.push(`${r.scenario.id}: ${JSON.stringify(r.verdict)}`);
      for (const r of await Promise.all(batch.flatMap(flipped).map((s) => engine.run(s, signal)))) if (r.verdict.status === 'passed') stillGreen.push(r.scenario.id);
    }
    expect(notPassed).to.deep.equal([]);
    expect(stillGreen).to.deep.equal([]);
  });
});

describe('a tool process', () => {
  it('has ended only once all it wrote is read, not at its exit', async () => {
    // The shell prints `early` and exits; its background child keeps the same stdout and prints
    // `late` once Node has reaped the shell, i.e. after the 'exit' event. curl, which writes its
    // answer and exits at once, lost the answer this way under load.
    const script = 'printf early; (while kill -0 $$ 2>/dev/null; do sleep 0.01; done; printf late) & exit 0';
    const proc = new ToolProcess('/bin/sh', ['-c', script], new ScratchFiles('test'), new AbortController().signal);
    try {
      await proc.ended();
      expect({ running: proc.running, code: proc.code, stdout: proc.stdout }).to.deep.equal({ running: false, code: 0, stdout: 'earlylate' });
    } finally {
      await proc.close();
    }
  });
});

describe('a tool process\'s environment', () => {
  const envOf = async (withoutEnv?: readonly string[]): Promise<string[]> => {
    const proc = new ToolProcess('/usr/bin/env', [], new ScratchFiles('test'), new AbortController().signal, withoutEnv ? { withoutEnv } : {});
    try {
      await proc.ended();
      return proc.stdout.split('\n');
    } finally {
      await proc.close();
    }
  };

  it('is this process\'s with LC_ALL=C, less the variables it is told to leave out (the private network\'s relay: NODE_EXTRA_CA_CERTS)', async () => {
    const before = process.env.TLSGATE_TEST_DROPPED;
    process.env.TLSGATE_TEST_DROPPED = 'yes';
    try {
      const kept = await envOf();
      expect(kept).to.include('TLSGATE_TEST_DROPPED=yes').and.include('LC_ALL=C');
      const dropped = await envOf(['TLSGATE_TEST_DROPPED']);
      expect(dropped).to.include('LC_ALL=C');
      expect(dropped.filter((line) => line.startsWith('TLSGATE_TEST_DROPPED='))).to.deep.equal([]);
    } finally {
      if (before === undefined) delete process.env.TLSGATE_TEST_DROPPED;
      else process.env.TLSGATE_TEST_DROPPED = before;
    }
  });
});

describe('gnutls-serv\'s output, read per connection', () => {
  // its report (stdout) and the echoed data (stderr) come on two pipes, in either order
  const echoed = 'received cmd: tlsgate-ping\n\n*** Processing 13 bytes command: tlsgate-ping\n';
  it('data echoed on stderr says the handshake was done, also before stdout\'s report is read', () => {
    expect(observeGnutlsServ('', echoed)).to.include({ handshake: true, bytesReceived: 13 });
    expect(observeGnutlsServ('* Accepted connection from IPv4 127.0.0.1\n- Description: (TLS1.3-X.509)\n', echoed)).to.include({ handshake: true, bytesReceived: 13 });
  });
  it('a refused handshake with no data is no handshake', () => {
    expect(observeGnutlsServ('* Accepted connection from IPv4 127.0.0.1\n', 'Error in handshake: The TLS connection was non-properly terminated.\n'))
      .to.include({ handshake: false, errorMessage: 'The TLS connection was non-properly terminated.' });
  });
});

describe('a scenario whose tool is missing', function () {
  this.timeout(60_000);
  it('is skipped, naming the Debian package that provides it', async () => {
    const { scenarios } = await loadScenarios([join(builtinScenariosDir(), 'interop', 'renegotiation.yaml')]);
    const engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 });
    const path = process.env.PATH;
    const empty = mkdtempSync(join(tmpdir(), 'tlsgate-no-tools-'));
    process.env.PATH = empty; // no gnutls-serv on it
    try {
      const result = await engine.run(scenarios[0]!, new AbortController().signal);
      expect(result.verdict).to.deep.equal({ status: 'skipped', reason: 'gnutls-serv is not installed: install the Debian package gnutls-bin (apt-get install -y gnutls-bin)' });
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true, force: true });
      await engine.close();
    }
  });
});

describe('external tool fields are checked against the driver', () => {
  it('toolFlags on a node-tls server and priority on s_server are problems at their lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-ext-'));
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, [
        'pki:',
        '  certs:',
        '    - { id: root, role: root, subject: "CN=r" }',
        '    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }',
        'scenarios:',
        '  - name: flags on node',
        '    server: { cert: leaf, toolFlags: [-no_ticket] }',
        '    expect: { outcome: accept }',
        '  - name: priority on openssl',
        '    server: { cert: leaf, driver: openssl-s_server, priority: NORMAL, toolFlags: [-accept, "1"] }',
        '    expect: { outcome: accept }',
        '  - name: minDHSize on curl',
        '    server: { cert: leaf }',
        '    client: { driver: curl, minDHSize: 2048 }',
        '    expect: { outcome: accept }',
        '  - name: minDHSize on node-tls is fine',
        '    server: { cert: leaf }',
        '    client: { minDHSize: 2048 }',
        '    expect: { outcome: accept }',
        '',
      ].join('\n'));
      const { problems } = await loadScenarios([file]);
      const lines = problems.map((p) => `${p.line}: ${p.message}`);
      expect(lines.some((l) => l.startsWith('7: toolFlags apply only'))).to.equal(true, lines.join('\n'));
      expect(lines.some((l) => l.startsWith('10: priority is a GnuTLS priority string'))).to.equal(true, lines.join('\n'));
      expect(lines.some((l) => l.startsWith('10: toolFlags must not set -accept'))).to.equal(true, lines.join('\n'));
      expect(lines.some((l) => l.startsWith("14: minDHSize is Node's own option; the curl driver"))).to.equal(true, lines.join('\n'));
      expect(lines.filter((l) => l.startsWith('18:'))).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
