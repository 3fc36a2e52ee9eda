/**
 * The node-tls server driver on its own: the wire protocol, when observation() resolves,
 * reset/close, configuration refusals, SPIFFE authorization and `request` (not `require`) mode.
 */
import { expect } from 'chai';
import { connect, type TLSSocket } from 'node:tls';
import { nodeTlsServer, refuseSpiffe } from '../../harness/drivers/portable/node/node-tls-server.js';
import { nodeTlsClient } from '../../harness/drivers/portable/node/node-tls-client.js';
import { TlsSetupError } from '../../harness/drivers/portable/setup-error.js';
import { SERVER_SETTLE_MS } from '../../harness/drivers/portable/step-connections.js';
import type { ServerHandle } from '../../harness/drivers/portable/types.js';
import { observeSetupFailure } from '../../harness/verdict/observe.js';
import { testPki } from './openssl-pki.js';
import { chainPem, connectTo, identity, mtlsServerPlan, never, run, serverPlan } from './helpers.js';

/** a raw TLS client the test controls byte by byte */
async function rawClient(handle: ServerHandle): Promise<TLSSocket> {
  const socket = connect({ host: handle.host, port: handle.port, servername: 'localhost', ca: [testPki().cert('root').pem] });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

const readAll = (socket: TLSSocket) => new Promise<string>((resolve) => {
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.on('close', () => resolve(text));
});

describe('server driver node-tls', function () {
  this.timeout(60_000);
  let handle: ServerHandle | undefined;

  before(() => testPki());
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it('answers raw data with tlsgate-ok and an HTTP request with a 200 response, then ends', async () => {
    handle = await nodeTlsServer.listen(serverPlan(), {}, never);
    const raw = await rawClient(handle);
    const rawAnswer = readAll(raw);
    raw.write('tlsgate-ping\n');
    expect(await rawAnswer).to.equal('tlsgate-ok\n');
    const http = await rawClient(handle);
    const httpAnswer = readAll(http);
    http.write('GET / HTTP/1.1\r\nhost: localhost\r\n\r\n');
    const text = await httpAnswer;
    expect(text).to.match(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).to.match(/\r\nconnection: close\r\n/i);
    expect(text).to.match(/\r\ncontent-length: 10\r\n/i);
    expect(text.endsWith('\r\n\r\ntlsgate-ok')).to.equal(true);
  });

  it('observation() waits until the connection has finished, not just the handshake', async () => {
    handle = await nodeTlsServer.listen(serverPlan(), {}, never);
    handle.reset();
    const socket = await rawClient(handle);
    let clientClosed = false;
    setTimeout(() => { clientClosed = true; socket.destroy(); }, 120);
    const obs = await handle.observation();
    expect(clientClosed, 'observation() resolved only after the client closed').to.equal(true);
    expect(obs.handshake).to.equal(true);
  });

  it('observation() resolves at once when no connection came, and reset() clears the record', async () => {
    handle = await nodeTlsServer.listen(serverPlan(), {}, never);
    const first = await connectTo(nodeTlsClient, handle, {});
    expect(first.server.handshake).to.equal(true);
    handle.reset();
    // "at once": it does not wait the settle time an open connection gets (a timer set after the
    // call, so the order is the event loop's, not a budget of the machine's speed)
    const observed = handle.observation();
    const settle = new Promise<'waited'>((r) => { const t = setTimeout(() => r('waited'), SERVER_SETTLE_MS); observed.finally(() => clearTimeout(t)); });
    expect(await Promise.race([observed.then(() => 'resolved' as const), settle])).to.equal('resolved');
    const empty = await observed;
    expect(empty).to.deep.equal({ handshake: false, clientCertPresented: false, authorized: false, stapleRequested: false, stapleSent: false, bytesReceived: 0 });
  });

  it('close() destroys open connections and stops listening', async () => {
    const h = await nodeTlsServer.listen(serverPlan(), {}, never);
    const socket = await rawClient(h);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await h.close();
    await closed;
    const after = await nodeTlsClient.connect({ host: '127.0.0.1', port: h.port, servername: 'localhost', timeoutMs: 500 }, {}, never);
    expect(after).to.include({ outcome: 'rejected', code: 'ECONNREFUSED' });
  });

  it('an abort of the listen signal closes the server', async () => {
    const ac = new AbortController();
    const h = await nodeTlsServer.listen(serverPlan(), {}, ac.signal);
    ac.abort(new Error('run interrupted'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = await nodeTlsClient.connect({ host: '127.0.0.1', port: h.port, servername: 'localhost', timeoutMs: 500 }, {}, never);
    expect(after.code).to.equal('ECONNREFUSED');
  });

  it('a certificate the server cannot load is a TlsSetupError observed as the server refusing', async () => {
    const pki = testPki();
    const cases: Array<[string, string, string]> = [
      ['rsa512', 'ERR_SSL_EE_KEY_TOO_SMALL', 'weak-key'],
      ['sha1', 'ERR_SSL_CA_MD_TOO_WEAK', 'weak-signature'],
    ];
    for (const [id, code, category] of cases) {
      let failure: unknown;
      await nodeTlsServer.listen(serverPlan({ certChainPem: chainPem(id, 'int'), keyPem: pki.cert(id).keyPem }), {}, never)
        .then((h) => h.close(), (err: unknown) => (failure = err));
      expect(failure, id).to.be.instanceOf(TlsSetupError);
      expect(failure).to.include({ side: 'server', code });
      const obs = observeSetupFailure(failure as TlsSetupError, { clientDriver: 'node-tls', serverDriver: 'node-tls', revocation: [], warnings: [], totalMs: 0 });
      expect(obs).to.include({ outcome: 'rejected', code, category, side: 'server' });
      expect(obs.server.errorCode).to.equal(code);
    }
  });

  it('requestCert without require: an unverifiable client cert is recorded, the connection still served', async () => {
    const r = await run(nodeTlsClient, mtlsServerPlan({ requireClientCert: false }), identity('oclient'));
    expect(r.obs.outcome, r.obs.message).to.equal('accepted');
    expect(r.server).to.include({ handshake: true, clientCertPresented: true, authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(r.server.clientPeer?.subject).to.equal('CN=stranger');
  });

  it('authorizeSpiffeIds: the listed ID is served; two URI SANs are refused after the handshake', async () => {
    const plan = mtlsServerPlan({ authorizeSpiffeIds: ['spiffe://tlsgate.test/client'] });
    const good = await run(nodeTlsClient, plan, identity('client', 'int'));
    expect(good.obs.outcome, good.obs.message).to.equal('accepted');
    const two = await run(nodeTlsClient, plan, identity('client2uri', 'int'));
    expect(two.obs).to.include({ outcome: 'rejected', category: 'client-cert-rejected', side: 'server' });
    expect(two.server).to.include({ clientCertPresented: true, authorized: false, authorizationError: 'TLSGATE_SPIFFE_ID_REJECTED' });
    expect(two.server.errorMessage).to.match(/exactly one URI SAN.*has 2/);
    const other = await run(nodeTlsClient, mtlsServerPlan({ authorizeSpiffeIds: ['spiffe://tlsgate.test/someone-else'] }), identity('client', 'int'));
    expect(other.server.errorMessage).to.match(/spiffe:\/\/tlsgate\.test\/client is not authorized/);
  });

  it('refuseSpiffe: no cert, a non-spiffe URI, one authorized ID', () => {
    expect(refuseSpiffe(undefined, ['spiffe://a/b'])).to.match(/no client certificate/);
    expect(refuseSpiffe({ subject: 'CN=x', san: ['URI:https://a/b'], chainFingerprints: [] }, ['spiffe://a/b'])).to.match(/not a SPIFFE ID/);
    expect(refuseSpiffe({ subject: 'CN=x', san: ['URI:spiffe://a/b'], spiffeId: 'spiffe://a/b', chainFingerprints: [] }, ['spiffe://a/b'])).to.equal(undefined);
  });
});
