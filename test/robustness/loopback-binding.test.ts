/**
 * Every server tlsgate starts binds to a loopback address only, as the kernel sees it (its own
 * table of listening sockets, not what the server object says): the TLS server drivers (node-tls
 * and the hostile ones), the CRL server and OCSP responder, and everything `tlsgate serve`
 * listens on (a spawned process: all of its listening sockets are checked, whatever they are).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RevocationServers } from '../../ca/servers/revocation-servers.js';
import { getServerDriver } from '../../harness/drivers/portable/registry.js';
import { locateTool, TOOLS } from '../../harness/drivers/portable/external/tools.js';
import { CLI, start, waitForOutput } from '../cli/spawn.js';
import { never, serverPlan } from '../drivers/helpers.js';
import { testPki } from '../drivers/openssl-pki.js';
import { sharedCertsDir } from './support/certs-cache.js';
import { Children } from './support/children.js';
import { addressesOnPort, canReadProc, listeningSocketsOf } from './support/sockets.js';

const title = 'every server binds to loopback only (checked in /proc/net/tcp*)';

(canReadProc ? describe : describe.skip)(canReadProc ? title : `${title} (SKIPPED: no /proc to read bound addresses from)`, function () {
  this.timeout(30_000);
  const children = new Children();
  before(() => testPki());
  afterEach(() => children.killLeftovers());

  // gnutls-serv: the bridge tlsgate listens on (the tool itself is in a private network namespace: test/drivers/private-network.test.ts)
  for (const name of ['node-tls', 'hostile-silent', 'hostile-garbage', 'hostile-close', 'gnutls-serv']) {
    for (const host of ['127.0.0.1', '::1'] as const) {
      it(`server driver ${name} on ${host}: bound to ${host} and nothing else`, async function () {
        if (name === 'gnutls-serv' && !locateTool(TOOLS.gnutlsServ)) this.skip(); // Debian package gnutls-bin
        const handle = await (await getServerDriver(name)).listen(serverPlan({ host }), {}, never);
        try {
          expect(addressesOnPort(handle.port)).to.deep.equal([host]);
        } finally {
          await handle.close();
        }
        expect(addressesOnPort(handle.port), 'closed: no longer listening').to.deep.equal([]);
      });
    }
  }

  it('the CRL server and the OCSP responder: 127.0.0.1 only', async () => {
    const servers = await RevocationServers.start();
    const ports = [servers.crl.address.port, servers.ocsp.address.port];
    try {
      for (const port of ports) expect(addressesOnPort(port), String(port)).to.deep.equal(['127.0.0.1']);
    } finally {
      await servers.close();
    }
    for (const port of ports) expect(addressesOnPort(port)).to.deep.equal([]);
  });

  it('tlsgate serve: every socket the process listens on is loopback (revocation servers and HTTPS endpoints)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tlsgate-serve-bind-'));
    const child = children.track(start([...CLI, 'serve', '--out', out, '--certs', sharedCertsDir()]));
    try {
      await waitForOutput(child, 'Press Ctrl-C');
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { certificates: Array<{ https?: string; httpsUrls?: string[] }> };
      const httpsPorts = manifest.certificates.flatMap((c) => (c.https ? [Number(new URL(c.https).port)] : []));
      // the default server certificates name ::1, so their endpoints listen there too (same port)
      const expected = manifest.certificates.flatMap((c) => (c.httpsUrls ?? []).map((u) => `${u.includes('[::1]') ? '::1' : '127.0.0.1'}:${new URL(u).port}`));
      const listening = listeningSocketsOf(child.pid!);
      expect(httpsPorts.length).to.be.at.least(2);
      expect(listening.map((s) => `${s.address}:${s.port}`)).to.include.members(expected);
      expect(expected.filter((a) => a.startsWith('::1'))).to.have.length(httpsPorts.length);
      expect(listening.length, 'the HTTPS endpoints (127.0.0.1 and ::1), the CRL server and the OCSP responder').to.equal(expected.length + 2);
      expect(listening.filter((s) => s.address !== '127.0.0.1' && s.address !== '::1').map((s) => `${s.address}:${s.port}`)).to.deep.equal([]);
    } finally {
      child.kill('SIGINT');
      const done = await child.done;
      rmSync(out, { recursive: true, force: true });
      expect(done.code, done.stderr).to.equal(0);
    }
  });
});
