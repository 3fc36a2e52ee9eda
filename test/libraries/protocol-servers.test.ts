/**
 * The servers library scenarios need, checked with independent clients: tlsgate's CONNECT proxy
 * (plain and TLS) and its gRPC server with curl, the ws-echo server's handshake record with the
 * ws driver; and the proxy's bypass rule. Certificates come from the openssl-made test PKI.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nodeTlsServer } from '../../harness/drivers/portable/node/node-tls-server.js';
import { ConnectProxy } from '../../harness/drivers/library/proxy/connect-proxy.js';
import { GRPC_METHOD, grpcFrame, grpcServer } from '../../harness/drivers/library/servers/grpc-server.js';
import { wsEchoServer } from '../../harness/drivers/library/servers/ws-echo-server.js';
import { LIBRARY_CLIENTS } from '../../harness/drivers/library/library-catalogue.js';
import { libraryClientDriver } from '../../harness/drivers/library/library-driver.js';
import { PROXY_BYPASSED, withProxyRecord } from '../../harness/session/scenario-proxy.js';
import { chainPem, connectTo, identity, mtlsServerPlan, never, serverPlan } from '../drivers/helpers.js';
import { testPki } from '../drivers/openssl-pki.js';

const run = promisify(execFile);

describe('library servers and the CONNECT proxy (curl as the independent client)', function () {
  this.timeout(60_000);
  let dir: string;
  let rootFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-library-servers-'));
    rootFile = join(dir, 'root.pem');
    writeFileSync(rootFile, testPki().cert('root').pem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a plain CONNECT proxy tunnels curl to the origin and records the authority', async () => {
    const origin = await nodeTlsServer.listen(serverPlan(), {}, never);
    const proxy = await ConnectProxy.start({ host: '127.0.0.1', origin: { host: origin.host, port: origin.port } });
    try {
      const { stdout } = await run('curl', ['-sS', '--proxy', `http://127.0.0.1:${proxy.port}`, '--cacert', rootFile, `https://localhost:${origin.port}/`]);
      expect(stdout).to.equal('tlsgate-ok');
      expect(proxy.record.connects).to.deep.equal([`localhost:${origin.port}`]);
    } finally {
      await proxy.close();
      await origin.close();
    }
  });

  it('a TLS proxy presents its own certificate: curl trusting it gets through, curl not trusting it is refused by curl', async () => {
    const origin = await nodeTlsServer.listen(serverPlan(), {}, never);
    const pki = testPki();
    const proxy = await ConnectProxy.start({
      host: '127.0.0.1',
      origin: { host: origin.host, port: origin.port },
      tls: { certChainPem: chainPem('server', 'int'), keyPem: pki.cert('server').keyPem },
    });
    const otherRoot = join(dir, 'other.pem');
    writeFileSync(otherRoot, pki.cert('selfsigned').pem);
    try {
      const args = (proxyCa: string) => ['-sS', '--proxy', `https://127.0.0.1:${proxy.port}`, '--proxy-cacert', proxyCa, '--cacert', rootFile, `https://localhost:${origin.port}/`];
      expect((await run('curl', args(rootFile))).stdout).to.equal('tlsgate-ok');
      const refused = await run('curl', args(otherRoot)).then(() => undefined, (err: { code: number; stderr: string }) => err);
      expect(refused?.code).to.equal(60);
      expect(proxy.record.tlsError).to.be.a('string');
      expect(proxy.record.connects).to.have.length(1);
    } finally {
      await proxy.close();
      await origin.close();
    }
  });

  it('the proxy answers anything but CONNECT with 405, and closing it closes its sockets', async () => {
    const proxy = await ConnectProxy.start({ host: '127.0.0.1', origin: { host: '127.0.0.1', port: 9 } });
    const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${proxy.port}/`]);
    expect(stdout).to.equal('405');
    const idle = connect(proxy.port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    const closed = new Promise((resolve) => idle.once('close', resolve));
    await proxy.close();
    await closed;
    expect(proxy.record.connects).to.deep.equal([]);
  });

  it('an acceptance with no CONNECT is a bypass (protocol-error), a refusal says what the proxy saw', async () => {
    const proxy = await ConnectProxy.start({ host: '127.0.0.1', origin: { host: '127.0.0.1', port: 9 } });
    try {
      expect(withProxyRecord({ outcome: 'accepted' }, proxy)).to.include({ outcome: 'rejected', code: PROXY_BYPASSED });
      expect(withProxyRecord({ outcome: 'rejected', code: 'ECONNRESET', message: 'x' }, proxy).message).to.equal('x [no CONNECT reached the proxy]');
      proxy.record.connects.push('a.test:1');
      expect(withProxyRecord({ outcome: 'accepted' }, proxy)).to.deep.equal({ outcome: 'accepted' });
    } finally {
      await proxy.close();
    }
  });

  it('the gRPC server answers curl over HTTP/2 (ALPN h2): the method with its message and status 0, others with 12', async () => {
    const server = await grpcServer.listen(serverPlan(), {}, never);
    const frame = join(dir, 'ping.bin');
    writeFileSync(frame, grpcFrame(Buffer.from('tlsgate-ping')));
    const call = (path: string) => run('curl', ['-sS', '-v', '--http2', '--cacert', rootFile, '-H', 'content-type: application/grpc', '-H', 'te: trailers',
      '--data-binary', `@${frame}`, '--output', '-', `https://localhost:${server.port}${path}`], { encoding: 'latin1' });
    try {
      const ok = await call(GRPC_METHOD);
      expect(ok.stderr).to.match(/ALPN: server accepted h2/);
      expect(ok.stderr).to.match(/< grpc-status: 0/);
      expect(ok.stdout).to.equal(grpcFrame(Buffer.from('tlsgate-ok')).toString('latin1'));
      const unknown = await call('/other.Service/Call');
      expect(unknown.stderr).to.match(/< grpc-status: 12/);
      expect((await server.observation()).handshake).to.equal(true);
    } finally {
      await server.close();
    }
  });

  it('the ws-echo server records a refused client certificate like the node-tls server', async () => {
    const ws = libraryClientDriver(LIBRARY_CLIENTS.get('ws')!);
    const server = await wsEchoServer.listen(mtlsServerPlan(), {}, never);
    try {
      const none = await connectTo(ws, server, {});
      expect(none.client.outcome).to.equal('rejected');
      expect(none.server).to.include({ clientCertPresented: false, errorCode: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE' });
      const presented = await connectTo(ws, server, identity('client', 'int'));
      expect(presented.client.outcome).to.equal('accepted');
      expect(presented.server).to.include({ handshake: true, clientCertPresented: true, authorized: true });
    } finally {
      await server.close();
    }
  });
});
