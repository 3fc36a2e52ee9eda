/**
 * Servers (and their secure contexts) lent one user at a time (portable/node/server-pool.ts),
 * over real handshakes on loopback: a server made after an equal one closed is that one, yet
 * resumes none of its predecessor's sessions (the flip: with the predecessor's ticket keys put
 * back, it does); two live servers never share one; the per-connection policy (a required
 * client certificate) holds on a lent context.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { nodeTlsClient } from '../../harness/drivers/portable/node/node-tls-client.js';
import { nodeTlsServer, serverOptions } from '../../harness/drivers/portable/node/node-tls-server.js';
import { ServerPool, serverPool } from '../../harness/drivers/portable/node/server-pool.js';
import { testPki } from './openssl-pki.js';
import { connectTo, identity, mtlsServerPlan, never, serverPlan } from './helpers.js';

type Version = 'TLSv1.2' | 'TLSv1.3';

/** listens on loopback; each connection gets `ok` and is ended */
async function listen(server: tls.Server): Promise<number> {
  server.on('secureConnection', (socket) => socket.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

const close = (server: tls.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** one connection; whether it resumed `session`, and the session the server issued */
async function connect(port: number, maxVersion: Version, session?: Buffer): Promise<{ reused: boolean; session: Buffer | undefined }> {
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: [testPki().cert('root').pem], maxVersion, ...(session ? { session } : {}) });
  let issued: Buffer | undefined;
  socket.on('session', (s: Buffer) => { issued = s; });
  socket.resume();
  await once(socket, 'secureConnect');
  const reused = socket.isSessionReused();
  await once(socket, 'close');
  return { reused, session: issued };
}

const sharedCreds = (server: tls.Server) => (server as unknown as { _sharedCreds: tls.SecureContext })._sharedCreds;

describe('server secure contexts (closed servers lent again, one user at a time)', () => {
  for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`${maxVersion}: the next equal server takes the context and resumes none of its predecessor's sessions (flip: with the old ticket keys it does)`, async () => {
      const pool = new ServerPool();
      const options = serverOptions(serverPlan({ maxVersion }));
      const first = pool.createServer(options);
      const firstPort = await listen(first.server);
      const { session } = await connect(firstPort, maxVersion);
      expect(session, 'the first server issued a session').to.be.instanceOf(Buffer);
      expect((await connect(firstPort, maxVersion, session)).reused, 'it resumes on the server that issued it').to.equal(true);
      const oldKeys = first.server.getTicketKeys();
      await close(first.server);
      first.release();

      const second = pool.createServer(options);
      expect(pool.hits, 'the first server, closed, was lent again').to.equal(1);
      expect(second.server).to.equal(first.server);
      const secondPort = await listen(second.server);
      try {
        expect((await connect(secondPort, maxVersion, session)).reused, 'a new server resumes no old session').to.equal(false);
        second.server.setTicketKeys(oldKeys);
        expect((await connect(secondPort, maxVersion, session)).reused, 'the flip: the old ticket keys resume it').to.equal(true);
      } finally {
        await close(second.server);
      }
    });
  }

  it('two live servers never share a context; different options never share one', async () => {
    const pool = new ServerPool();
    const options = serverOptions(serverPlan());
    const a = pool.createServer(options);
    const b = pool.createServer(options);
    expect(sharedCreds(a.server)).to.not.equal(sharedCreds(b.server));
    a.release();
    const other = pool.createServer(serverOptions(serverPlan({ maxVersion: 'TLSv1.2' })));
    const requesting = pool.createServer({ ...options, requestCert: true });
    expect([other.server, requesting.server]).to.not.include(a.server);
    const c = pool.createServer(options);
    expect(c.server).to.equal(a.server);
    expect([pool.hits, pool.misses]).to.deep.equal([1, 4]);
  });

  it('a server given its own session settings (sessionTimeout) makes its own context', () => {
    const pool = new ServerPool();
    const options = { ...serverOptions(serverPlan()), sessionTimeout: 30 };
    const a = pool.createServer(options);
    a.release();
    const b = pool.createServer(options);
    expect(b.server).to.not.equal(a.server);
    expect(pool.hits).to.equal(0);
  });

  it('a server given back keeps none of its user\'s listeners; one whose context was swapped (a rotation) is not taken back', async () => {
    const pool = new ServerPool();
    const options = serverOptions(serverPlan());
    const first = pool.createServer(options);
    const made = first.server.listenerCount('connection');
    const onSecure = () => undefined;
    first.server.on('secureConnection', onSecure);
    await listen(first.server);
    await close(first.server);
    first.release();
    const again = pool.createServer(options);
    expect(again.server).to.equal(first.server);
    expect([again.server.listenerCount('secureConnection'), again.server.listenerCount('connection')]).to.deep.equal([0, made]);
    again.server.setSecureContext(options);
    again.release();
    expect(pool.createServer(options).server).to.not.equal(again.server);
  });

  it('the node-tls server driver: a lent context still refuses a client without the required certificate', async () => {
    const plan = mtlsServerPlan();
    const warm = await nodeTlsServer.listen(plan, {}, never);
    await warm.close();
    const hitsBefore = serverPool.hits;
    const handle = await nodeTlsServer.listen(plan, {}, never);
    try {
      expect(serverPool.hits, 'this server was lent a context').to.equal(hitsBefore + 1);
      const without = await connectTo(nodeTlsClient, handle, {});
      const withCert = await connectTo(nodeTlsClient, handle, identity('client', 'int'));
      expect([without.obs.outcome, without.server.clientCertPresented]).to.deep.equal(['rejected', false]);
      expect([withCert.obs.outcome, withCert.server.authorized], withCert.obs.message).to.deep.equal(['accepted', true]);
    } finally {
      await handle.close();
    }
  });
});
