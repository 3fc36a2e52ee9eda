/**
 * A certificate with `auto` URLs names the run's revocation servers (their port) and a namespace
 * on them, and the certificate cache keys on those URLs. Both stay the same from run to run
 * (harness/session/revocation-ports.ts, namespace-lease.ts), so a second run takes every such
 * certificate from the cache. The oracle is the cache folder on disk: a second engine (a new
 * run) adds no certificate file to it, and its leaf carries the same URLs, read by openssl. The
 * flip: with the first run's port held by another socket, the next run gets another port,
 * issues new certificates and still passes.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RevocationServers } from '../../ca/servers/revocation-servers.js';
import { createEngine } from '../../harness/session/engine.js';
import type { Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { leaseNamespace } from '../../harness/session/namespace-lease.js';
import { portsFile, startRevocationServers } from '../../harness/session/revocation-ports.js';

/** every certificate file in the cache folder, by name */
const issuedFiles = (certsDir: string): string[] =>
  readdirSync(join(certsDir, 'issued'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.pem')).sort();

/** the OCSP and CRL URLs of every cached certificate that has one, as openssl prints them */
const urlsInCache = (certsDir: string): string[] => issuedFiles(certsDir).flatMap((f) => {
  const text = execFileSync('openssl', ['x509', '-noout', '-ocsp_uri', '-ext', 'crlDistributionPoints', '-in', join(certsDir, 'issued', f)], { encoding: 'utf8' });
  return text.match(/http:\/\/\S+/g) ?? [];
}).sort();

const listenOn = (port: number): Promise<Server> => new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(port, '127.0.0.1', () => resolve(server));
});

describe('revocation URLs stay the same from run to run, so their certificates come from the cache', function () {
  this.timeout(120_000);
  let certsDir: string;
  let scenario: Scenario;
  before(async () => {
    const { scenarios } = await loadScenarios([join(builtinScenariosDir(), 'revocation', 'ocsp.yaml')]);
    scenario = scenarios.find((s) => s.name === 'OCSP good')!;
  });
  beforeEach(() => { certsDir = mkdtempSync(join(tmpdir(), 'tlsgate-stable-urls-')); });
  afterEach(() => rmSync(certsDir, { recursive: true, force: true }));

  const rememberedPorts = (slot = 0) => JSON.parse(readFileSync(portsFile(certsDir, slot), 'utf8')) as { crl: number; ocsp: number };

  /** one run of the scenario in an engine of its own (a run: its own revocation servers), which must pass */
  const runOnce = async (): Promise<void> => {
    const engine = await createEngine({ certsDir, timeoutMs: 5000 });
    try {
      const result = await engine.run(scenario, new AbortController().signal);
      expect(result.verdict, JSON.stringify(result.observations.map((o) => o.code))).to.deep.equal({ status: 'passed' });
    } finally {
      await engine.close();
    }
  };

  it('a second run issues no certificate, and its leaf names the same servers', async function () {
    await runOnce();
    const first = { files: issuedFiles(certsDir), urls: urlsInCache(certsDir) };
    expect(first.urls.some((u) => u.startsWith('http://127.0.0.1:'))).to.equal(true);
    await runOnce();
    expect(issuedFiles(certsDir)).to.deep.equal(first.files);
    expect(urlsInCache(certsDir)).to.deep.equal(first.urls);
  });

  it('the flip: the last run\'s port held by another socket, the next run issues on another port and still passes', async function () {
    await runOnce();
    const before = issuedFiles(certsDir);
    const last = rememberedPorts();
    const squatter = await listenOn(last.ocsp);
    try {
      await runOnce();
    } finally {
      squatter.close();
    }
    expect(issuedFiles(certsDir).length).to.be.above(before.length);
    expect(rememberedPorts().ocsp, 'the new port is remembered').to.not.equal(last.ocsp);
  });

  it('each slot (a worker of a run) keeps its own ports; a malformed file is ignored and written again', async function () {
    const start = async () => Promise.all([startRevocationServers(certsDir, 0), startRevocationServers(certsDir, 1)]);
    const first = await start();
    const ports = first.map((s) => s.ports);
    await Promise.all(first.map((s) => s.close()));
    expect(ports[0]).to.not.deep.equal(ports[1]);
    const again = await start();
    try {
      expect(again.map((s) => s.ports)).to.deep.equal(ports);
    } finally {
      await Promise.all(again.map((s) => s.close()));
    }
    writeFileSync(portsFile(certsDir, 0), '{"crl": "x", 7');
    const afterJunk = await startRevocationServers(certsDir, 0);
    const taken = afterJunk.ports;
    await afterJunk.close();
    expect(rememberedPorts()).to.deep.equal(taken);
  });
});

describe('namespace leases: named after the PKI spec, the lowest free first', function () {
  let servers: RevocationServers;
  before(async () => { servers = await RevocationServers.start(); });
  after(() => servers.close());

  const spec = () => ({ certs: [{ id: 'root', role: 'root', subject: 'CN=lease test' }] });

  it('equal specs in different objects (a worker gets each scenario as a new object) get the same namespace', function () {
    const a = leaseNamespace(servers, spec());
    a.release();
    const b = leaseNamespace(servers, spec());
    b.release();
    expect(b.namespace).to.equal(a.namespace);
    expect(leaseNamespace(servers, { certs: [] }).namespace.split('-')[0]).to.not.equal(a.namespace.split('-')[0]);
  });

  it('two leases held at once differ; a release frees the lowest for the next', function () {
    const held = [0, 1, 2].map(() => leaseNamespace(servers, spec()));
    expect(new Set(held.map((l) => l.namespace)).size).to.equal(3);
    held[2]!.release();
    held[0]!.release();
    const next = leaseNamespace(servers, spec());
    expect(next.namespace).to.equal(held[0]!.namespace);
    next.release();
    held[1]!.release();
  });
});
