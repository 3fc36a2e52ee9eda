/**
 * Every client driver against the node-tls server driver, over real loopback handshakes with
 * certificates made by the openssl CLI. Each case asserts the client's own observation, what the
 * server recorded, and the Observation's category and side.
 */
import { expect } from 'chai';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { nodeTlsServer } from '../../harness/drivers/portable/node/node-tls-server.js';
import { getClientDriver } from '../../harness/drivers/portable/registry.js';
import type { ClientDriver, HandshakeFacts } from '../../harness/drivers/portable/types.js';
import { PKCS12_PASSPHRASE, testPki } from './openssl-pki.js';
import { chainPem, connectTo, identity, mtlsServerPlan, never, run, serverPlan } from './helpers.js';

/** what each library reports for the mTLS refusals (facts §3, §5; node-https measured here) */
const MTLS_CODES: Record<string, { tls13NoCert: string; tls13BadCert: string; tls12NoCert: string; tls12BadCert: string }> = {
  'node-tls': {
    tls13NoCert: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    tls13BadCert: 'TLSGATE_CLOSED_AFTER_HANDSHAKE',
    tls12NoCert: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    tls12BadCert: 'ECONNRESET',
  },
  'node-https': {
    tls13NoCert: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    tls13BadCert: 'ECONNRESET',
    tls12NoCert: 'EPROTO',
    tls12BadCert: 'ECONNRESET',
  },
  undici: {
    tls13NoCert: 'UND_ERR_SOCKET',
    tls13BadCert: 'UND_ERR_SOCKET',
    tls12NoCert: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    tls12BadCert: 'ECONNRESET',
  },
};

/** node-https queues its request before the handshake ends, so a handshake alert surfaces on that write as EPROTO */
const alertCode = (driver: string, code: string): string => (driver === 'node-https' ? 'EPROTO' : code);

const ipv6Available = await new Promise<boolean>((resolve) => {
  const probe = createTcpServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

for (const name of ['node-tls', 'node-https', 'undici']) {
  describe(`client driver ${name}`, function () {
    this.timeout(60_000);
    let driver: ClientDriver;
    const codes = MTLS_CODES[name]!;

    before(async () => {
      testPki();
      driver = await getClientDriver(name);
    });

    it('accepts a good chain and captures protocol, cipher, group, ALPN and the peer', async () => {
      const pki = testPki();
      const r = await run(driver, { alpn: ['h2', 'http/1.1'] }, { alpn: ['http/1.1'] });
      expect(r.client.outcome, r.client.message).to.equal('accepted');
      expect(r.obs).to.include({ outcome: 'accepted', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', group: 'X25519', alpn: 'http/1.1' });
      expect(r.obs.category).to.equal(undefined);
      expect(r.obs.side).to.equal(undefined);
      expect(r.obs.peer).to.deep.equal({
        subject: 'CN=localhost, O=tlsgate',
        san: ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1'],
        // the path Node assembled: what the server sent, completed from the client's anchors
        chainFingerprints: [pki.cert('server').fingerprint, pki.cert('int').fingerprint, pki.cert('root').fingerprint],
      });
      expect(r.server).to.include({ handshake: true, clientCertPresented: false });
      expect(r.server.bytesReceived).to.be.greaterThan(0);
      expect(r.obs.driver.client).to.equal(name);
    });

    it('rejects an expired leaf: CERT_HAS_EXPIRED, expired, client side', async () => {
      const r = await run(driver, { certChainPem: chainPem('expired', 'int'), keyPem: testPki().cert('expired').keyPem });
      expect(r.obs).to.include({ outcome: 'rejected', code: 'CERT_HAS_EXPIRED', category: 'expired', side: 'client' });
    });

    it('rejects an untrusted root: UNABLE_TO_GET_ISSUER_CERT_LOCALLY, untrusted-root', async () => {
      const r = await run(driver, {}, { caPem: [testPki().cert('other').pem] });
      expect(r.obs).to.include({ outcome: 'rejected', code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', category: 'untrusted-root', side: 'client' });
    });

    it('checks the hostname against servername (DNS): example.com is refused, localhost accepted', async () => {
      const bad = await run(driver, {}, { servername: 'example.com' });
      expect(bad.obs).to.include({ outcome: 'rejected', code: 'ERR_TLS_CERT_ALTNAME_INVALID', category: 'hostname-mismatch', side: 'client' });
      expect(bad.obs.message).to.match(/example\.com/);
    });

    it('checks an IP servername against the IP SANs: 127.0.0.1 accepted, 127.0.0.2 refused', async () => {
      const good = await run(driver, {}, { servername: '127.0.0.1' });
      expect(good.obs.outcome, good.obs.message).to.equal('accepted');
      const bad = await run(driver, {}, { servername: '127.0.0.2' });
      expect(bad.obs).to.include({ outcome: 'rejected', code: 'ERR_TLS_CERT_ALTNAME_INVALID', category: 'hostname-mismatch' });
      expect(bad.obs.message).to.match(/127\.0\.0\.2/);
    });

    it('mTLS accepted with a valid client cert; the server records the client identity', async () => {
      const r = await run(driver, mtlsServerPlan(), identity('client', 'int'));
      expect(r.obs.outcome, r.obs.message).to.equal('accepted');
      expect(r.server).to.include({ handshake: true, clientCertPresented: true, authorized: true });
      expect(r.server.clientPeer).to.include({ subject: 'CN=client', spiffeId: 'spiffe://tlsgate.test/client' });
    });

    it('mTLS with a PKCS#12 identity; an RC2-40 (legacy) bundle is refused by the library itself', async () => {
      const pki = testPki();
      const good = await run(driver, mtlsServerPlan(), { pfxBase64: pki.pkcs12('client.p12'), passphrase: PKCS12_PASSPHRASE });
      expect(good.obs.outcome, good.obs.message).to.equal('accepted');
      expect(good.server.clientPeer?.subject).to.equal('CN=client');
      const legacy = await run(driver, mtlsServerPlan(), { pfxBase64: pki.pkcs12('client-legacy.p12'), passphrase: PKCS12_PASSPHRASE });
      expect(legacy.obs).to.include({ outcome: 'rejected', code: 'ERR_CRYPTO_UNSUPPORTED_OPERATION', category: 'config-error', side: 'client' });
      expect(legacy.server.handshake).to.equal(false);
    });

    it('TLS 1.3, no client cert: handshake completes, refusal at first read; server: client-cert-required', async () => {
      const r = await run(driver, mtlsServerPlan({ minVersion: 'TLSv1.3' }));
      expect(r.client.protocol, 'the client saw secureConnect first').to.equal('TLSv1.3');
      expect(r.obs).to.include({ outcome: 'rejected', code: codes.tls13NoCert, category: 'client-cert-required', side: 'server' });
      expect(r.server).to.include({ errorCode: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', clientCertPresented: false, authorized: false });
    });

    it('TLS 1.3, untrusted client cert: refused after the handshake without an alert; reason recorded', async () => {
      const r = await run(driver, mtlsServerPlan({ minVersion: 'TLSv1.3' }), identity('oclient'));
      expect(r.client.protocol).to.equal('TLSv1.3');
      expect(r.client.alert).to.equal(undefined);
      expect(r.obs).to.include({ outcome: 'rejected', code: codes.tls13BadCert, category: 'client-cert-rejected', side: 'server' });
      expect(r.server).to.include({ handshake: true, clientCertPresented: true, authorized: false, errorCode: 'ECONNRESET' });
      expect(r.server.authorizationError).to.equal('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    });

    it('TLS 1.2, no client cert: handshake_failure alert; server: PEER_DID_NOT_RETURN_A_CERTIFICATE', async () => {
      const r = await run(driver, mtlsServerPlan({ maxVersion: 'TLSv1.2' }));
      expect(r.client.protocol, 'the handshake never completed').to.equal(undefined);
      expect(r.obs).to.include({ outcome: 'rejected', code: codes.tls12NoCert, alert: 'handshake_failure', category: 'client-cert-required', side: 'server' });
      expect(r.server).to.include({ errorCode: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', clientCertPresented: false });
    });

    it('TLS 1.2, untrusted client cert: reset during the handshake; server records why', async () => {
      const r = await run(driver, mtlsServerPlan({ maxVersion: 'TLSv1.2' }), identity('oclient'));
      expect(r.client.protocol).to.equal(undefined);
      expect(r.obs).to.include({ outcome: 'rejected', code: codes.tls12BadCert, category: 'client-cert-rejected', side: 'server' });
      expect(r.server).to.include({ clientCertPresented: true, authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    });

    it('protocol mismatch (server TLS 1.3 only, client TLS 1.2 max): protocol-mismatch, server side', async () => {
      const r = await run(driver, { minVersion: 'TLSv1.3' }, { maxVersion: 'TLSv1.2' });
      expect(r.obs).to.include({ outcome: 'rejected', code: alertCode(name, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'), alert: 'protocol_version', category: 'protocol-mismatch', side: 'server' });
      expect(r.server.errorCode).to.equal('ERR_SSL_UNSUPPORTED_PROTOCOL');
    });

    it('no shared cipher (TLS 1.2): no-shared-cipher, server side', async () => {
      const r = await run(
        driver,
        { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
        { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' },
      );
      expect(r.obs).to.include({ outcome: 'rejected', code: alertCode(name, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), alert: 'handshake_failure', category: 'no-shared-cipher', side: 'server' });
      expect(r.server.errorCode).to.equal('ERR_SSL_NO_SHARED_CIPHER');
    });

    it('ALPN without overlap: alpn-mismatch, server side', async () => {
      const r = await run(driver, { alpn: ['h2'] }, { alpn: ['http/1.1'] });
      expect(r.obs).to.include({ outcome: 'rejected', code: alertCode(name, 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL'), alert: 'no_application_protocol', category: 'alpn-mismatch', side: 'server' });
      expect(r.server.errorCode).to.equal('ERR_SSL_NO_APPLICATION_PROTOCOL');
    });

    it('delivers the OCSP staple from ServerHooks.ocspStaple, byte for byte', async () => {
      const pki = testPki();
      const staple = Buffer.from('not-a-real-ocsp-response');
      const asked: Array<[Buffer, Buffer | null]> = [];
      const ocspStaple = async (cert: Buffer, issuer: Buffer | null) => (asked.push([cert, issuer]), staple);
      const r = await run(driver, {}, { requestOCSP: true }, { server: { ocspStaple } });
      expect(r.client.outcome).to.equal('accepted');
      expect(r.client.staple).to.equal(staple.toString('base64'));
      expect(r.server).to.include({ stapleRequested: true, stapleSent: true });
      expect(asked).to.have.length(1);
      expect(asked[0]![0].equals(pki.cert('server').der)).to.equal(true);
      expect(asked[0]![1]?.equals(pki.cert('int').der)).to.equal(true);
      const unasked = await run(driver, {}, {}, { server: { ocspStaple } });
      expect(unasked.server).to.include({ stapleRequested: false, stapleSent: false });
      expect(unasked.client.staple).to.equal(undefined);
    });

    it('afterHandshake refusal stops before any application data', async () => {
      let facts: HandshakeFacts | undefined;
      const afterHandshake = async (f: HandshakeFacts) => {
        facts = f;
        return { allow: false as const, code: 'TLSGATE_REVOKED_OCSP', message: 'OCSP says revoked' };
      };
      const r = await run(driver, {}, {}, { client: { afterHandshake } });
      expect(r.obs).to.include({ outcome: 'rejected', code: 'TLSGATE_REVOKED_OCSP', message: 'OCSP says revoked', category: 'revoked', side: 'client' });
      expect(r.server.bytesReceived, 'application bytes the server read').to.equal(0);
      expect(facts?.protocol).to.equal('TLSv1.3');
      expect(facts?.peerChainDer[0]?.equals(testPki().cert('server').der)).to.equal(true);
    });

    it('afterHandshake allow: the exchange goes on', async () => {
      const r = await run(driver, {}, {}, { client: { afterHandshake: async () => ({ allow: true }) } });
      expect(r.obs.outcome, r.obs.message).to.equal('accepted');
      expect(r.server.bytesReceived).to.be.greaterThan(0);
    });

    it('resumes a TLS session handed back in the plan', async () => {
      const handle = await nodeTlsServer.listen(serverPlan(), {}, never);
      try {
        const first = await connectTo(driver, handle, {});
        expect(first.client.sessionReused).to.equal(false);
        expect(first.client.session, 'a session ticket was captured').to.be.instanceOf(Buffer);
        const second = await connectTo(driver, handle, { sessionBase64: first.client.session!.toString('base64') });
        expect(second.obs.outcome, second.obs.message).to.equal('accepted');
        expect(second.obs.sessionReused).to.equal(true);
      } finally {
        await handle.close();
      }
    });

    (ipv6Available ? it : it.skip)(`connects over IPv6 ::1${ipv6Available ? '' : ' (skipped: ::1 is not available on this host)'}`, async () => {
      const byIp = await run(driver, { host: '::1' }, { host: '::1', servername: '::1' });
      expect(byIp.obs.outcome, byIp.obs.message).to.equal('accepted');
      const byName = await run(driver, { host: '::1' }, { host: '::1', servername: 'localhost' });
      expect(byName.obs.outcome, byName.obs.message).to.equal('accepted');
    });

    it('times out on a peer that never speaks TLS: TLSGATE_TIMEOUT during the handshake', async () => {
      await withSilentServer(async (port) => {
        const c = await driver.connect({ host: '127.0.0.1', port, servername: 'localhost', caPem: [testPki().cert('root').pem], timeoutMs: 80 }, {}, never);
        expect(c).to.include({ outcome: 'rejected', code: 'TLSGATE_TIMEOUT' });
        expect(c.message).to.match(/handshake did not complete within 80 ms/);
      });
    });

    it('times out on a server that completes the handshake but never answers', async () => {
      const server = createTlsServer({ cert: chainPem('server', 'int'), key: testPki().cert('server').keyPem });
      const sockets = new Set<Socket>();
      server.on('secureConnection', (s) => sockets.add(s));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as { port: number }).port;
        const c = await driver.connect({ host: '127.0.0.1', port, servername: 'localhost', caPem: [testPki().cert('root').pem], timeoutMs: 80 }, {}, never);
        expect(c).to.include({ outcome: 'rejected', code: 'TLSGATE_TIMEOUT', protocol: 'TLSv1.3' });
        expect(c.message).to.match(/after the handshake/);
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('an abort rejects with the reason and closes the connection', async () => {
      await withSilentServer(async (port, closed) => {
        const ac = new AbortController();
        const pending = driver.connect({ host: '127.0.0.1', port, servername: 'localhost', caPem: [testPki().cert('root').pem], timeoutMs: 2000 }, {}, ac.signal);
        setTimeout(() => ac.abort(new Error('scenario timeout')), 30);
        let failure: unknown;
        await pending.catch((err: unknown) => (failure = err));
        expect((failure as Error)?.message).to.equal('scenario timeout');
        await closed();
      });
    });
  });
}

/** a TCP server that accepts and never writes; `closed()` resolves when its connection is gone */
async function withSilentServer(body: (port: number, closed: () => Promise<void>) => Promise<void>): Promise<void> {
  const sockets = new Set<Socket>();
  let onClose: () => void = () => undefined;
  const allClosed = new Promise<void>((resolve) => (onClose = resolve));
  const server: TcpServer = createTcpServer((s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      if (sockets.size === 0) onClose();
    });
    s.on('error', () => undefined);
    s.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body((server.address() as { port: number }).port, () => allClosed);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
