/**
 * The taxonomy: the table itself, then real handshakes proving that the codes Node actually
 * reports on this stack land in the intended categories (certificates from the openssl CLI).
 */
import { expect } from 'chai';
import { connect as netConnect, createServer as createTcpServer, type Socket } from 'node:net';
import { nodeTlsClient } from '../harness/drivers/portable/node/node-tls-client.js';
import { nodeTlsServer } from '../harness/drivers/portable/node/node-tls-server.js';
import { CATEGORIES } from '../harness/model/domain.js';
import { alertIn } from '../harness/model/tls-alerts.js';
import { ALERT_CATEGORIES, categorize, CODE_CATEGORIES, CODE_PREFIX_CATEGORIES, MESSAGE_CATEGORIES } from '../harness/verdict/taxonomy.js';
import { testPki } from './drivers/openssl-pki.js';
import { chainPem, identity, mtlsServerPlan, never, run, serverPlan } from './drivers/helpers.js';

describe('taxonomy table', () => {
  it('maps only to known categories', () => {
    const used = [...Object.values(CODE_CATEGORIES), ...Object.values(ALERT_CATEGORIES), ...MESSAGE_CATEGORIES.map(([, c]) => c), ...CODE_PREFIX_CATEGORIES.map(([, c]) => c)];
    for (const c of used) expect(CATEGORIES, c).to.include(c);
  });

  it('maps the X509 and TLS codes Node reports', () => {
    const expected: Record<string, string> = {
      CERT_HAS_EXPIRED: 'expired', CERT_NOT_YET_VALID: 'not-yet-valid', DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
      SELF_SIGNED_CERT_IN_CHAIN: 'untrusted-root', UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted-root',
      UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'incomplete-chain', UNABLE_TO_GET_ISSUER_CERT: 'incomplete-chain',
      ERR_TLS_CERT_ALTNAME_INVALID: 'hostname-mismatch', INVALID_PURPOSE: 'bad-purpose', INVALID_CA: 'not-a-ca',
      PATH_LENGTH_EXCEEDED: 'path-length', CERT_SIGNATURE_FAILURE: 'bad-signature', CERT_REVOKED: 'revoked',
      UNABLE_TO_GET_CRL: 'revocation-unavailable', CRL_HAS_EXPIRED: 'revocation-stale', CRL_NOT_YET_VALID: 'revocation-stale',
      CRL_SIGNATURE_FAILURE: 'revocation-invalid', ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol-mismatch',
      ERR_SSL_WRONG_SSL_VERSION: 'protocol-mismatch', ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'protocol-mismatch',
      ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'protocol-mismatch', ERR_SSL_NO_SHARED_CIPHER: 'no-shared-cipher',
      ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'no-shared-cipher', ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: 'alpn-mismatch',
      ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: 'client-cert-required', ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'client-cert-required',
      ECONNRESET: 'reset', TLSGATE_TIMEOUT: 'timeout', ERR_SSL_WRONG_VERSION_NUMBER: 'protocol-error',
      ERR_SSL_EE_KEY_TOO_SMALL: 'weak-key', ERR_SSL_CA_MD_TOO_WEAK: 'weak-signature', UND_ERR_SOCKET: 'reset',
    };
    for (const [code, category] of Object.entries(expected)) expect(categorize(code, undefined), code).to.equal(category);
  });

  it('a received alert has one category whichever way OpenSSL spells it (3.0: SSLV3_/TLSV1_/TLSV13_, 3.2+: SSL/TLS_)', () => {
    for (const [alert, category] of Object.entries(ALERT_CATEGORIES)) {
      const name = alert.toUpperCase();
      const old = ['SSLV3', 'TLSV1', 'TLSV13'].map((v) => categorize(`ERR_SSL_${v}_ALERT_${name}`, undefined));
      expect(old, alert).to.include(category);
      expect(categorize(`ERR_SSL_SSL/TLS_ALERT_${name}`, undefined), alert).to.equal(category);
      expect(alertIn(`ERR_SSL_SSL/TLS_ALERT_${name}`), alert).to.equal(alert);
    }
    // Node 22's message for the handshake_failure alert (OpenSSL 3.5), as https reports it with EPROTO
    expect(alertIn('EPROTO', 'C0DC6B82927F0000:error:0A000410:SSL routines:ssl3_read_bytes:ssl/tls alert handshake failure:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 40')).to.equal('handshake_failure');
    expect(alertIn('EPROTO', 'error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:ssl/record/rec_layer_s3.c:1601:SSL alert number 40')).to.equal('handshake_failure');
  });

  it('reads the message when the code says nothing (UNSPECIFIED, EPROTO, none)', () => {
    expect(categorize('UNSPECIFIED', 'permitted subtree violation')).to.equal('name-constraints');
    expect(categorize('UNSPECIFIED', 'excluded subtree violation')).to.equal('name-constraints');
    expect(categorize('UNSPECIFIED', 'unsupported or invalid name syntax')).to.equal('name-constraints');
    expect(categorize('UNSPECIFIED', 'EE certificate key too weak')).to.equal('weak-key');
    expect(categorize('UNSPECIFIED', 'CA signature digest algorithm too weak')).to.equal('weak-signature');
    expect(categorize('UNSPECIFIED', 'ca md too weak')).to.equal('weak-signature');
    expect(categorize('UNSPECIFIED', 'unhandled critical extension')).to.equal('unsupported-extension');
    expect(categorize('UNSPECIFIED', 'something new')).to.equal('unknown');
    expect(categorize('EPROTO', 'write EPROTO sslv3 alert handshake failure (SSL alert number 40)')).to.equal('no-shared-cipher');
    expect(categorize('EPROTO', 'write EPROTO tlsv1 alert protocol version (SSL alert number 70)')).to.equal('protocol-mismatch');
    expect(categorize(undefined, 'mac verify failure')).to.equal('config-error');
  });

  it("reads grpc-js's UNAVAILABLE details for the TLS cause, as the core drivers' codes map", () => {
    // details as @grpc/grpc-js 1.14.7 reports them (scenarios/libraries/grpc-js.yaml)
    const details = (reason: string) => `No connection established. Last error: Error: ${reason}. Resolution note:`;
    expect(categorize('UNAVAILABLE', details('self-signed certificate in certificate chain'))).to.equal(categorize('SELF_SIGNED_CERT_IN_CHAIN', undefined));
    expect(categorize('UNAVAILABLE', details('certificate has expired'))).to.equal('expired');
    expect(categorize('UNAVAILABLE', details("Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:grpc.example.test"))).to.equal('hostname-mismatch');
    expect(categorize('UNAVAILABLE', 'Connection dropped')).to.equal('unknown');
    expect(categorize('DEADLINE_EXCEEDED', 'Deadline exceeded after 5.001s')).to.equal('timeout');
  });

  it('maps TLSGATE_<CATEGORY>[_detail] codes by name, longest category first', () => {
    expect(categorize('TLSGATE_REVOKED', undefined)).to.equal('revoked');
    expect(categorize('TLSGATE_REVOKED_OCSP', undefined)).to.equal('revoked');
    expect(categorize('TLSGATE_REVOCATION_UNAVAILABLE_OCSP_DOWN', undefined)).to.equal('revocation-unavailable');
    expect(categorize('TLSGATE_REVOCATION_STALE', undefined)).to.equal('revocation-stale');
    expect(categorize('TLSGATE_CLIENT_CERT_REJECTED_X', undefined)).to.equal('client-cert-rejected');
    expect(categorize('TLSGATE_NOT_A_CATEGORY', undefined)).to.equal('unknown');
  });

  it('falls back to code families, then unknown', () => {
    expect(categorize('ERR_OSSL_X509_KEY_VALUES_MISMATCH', 'key values mismatch')).to.equal('config-error');
    expect(categorize('ERR_CRYPTO_UNSUPPORTED_OPERATION', 'Unsupported PKCS12 PFX data')).to.equal('config-error');
    expect(categorize('SOMETHING_ELSE', 'no idea')).to.equal('unknown');
    expect(categorize(undefined, undefined)).to.equal('unknown');
  });
});

/** flip the last byte of the signature (the DER's last byte) and return PEM */
function corruptSignature(pem: string, label: 'CERTIFICATE' | 'X509 CRL'): string {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  der.writeUInt8(der.readUInt8(der.length - 1) ^ 0x01, der.length - 1);
  const b64 = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

describe('taxonomy against real handshakes (node-tls, openssl-made certificates)', function () {
  this.timeout(60_000);
  before(function () {
    this.timeout(120_000); // the openssl test PKI: dozens of keys, slow on a loaded machine
    testPki();
  });

  const key = (id: string) => testPki().cert(id).keyPem;
  const root = () => testPki().cert('root').pem;
  const serverWith = (id: string, ...chain: string[]) => ({ certChainPem: chainPem(id, ...chain), keyPem: key(id) });

  const clientSees: Array<{ name: string; server: () => object; client: () => object; code: string; category: string; message?: RegExp }> = [
    { name: 'not yet valid', server: () => serverWith('notyet', 'int'), client: () => ({}), code: 'CERT_NOT_YET_VALID', category: 'not-yet-valid' },
    { name: 'self-signed leaf', server: () => serverWith('selfsigned'), client: () => ({}), code: 'DEPTH_ZERO_SELF_SIGNED_CERT', category: 'self-signed' },
    { name: 'untrusted root sent in the chain', server: () => serverWith('server', 'int', 'root'), client: () => ({ caPem: [testPki().cert('other').pem] }), code: 'SELF_SIGNED_CERT_IN_CHAIN', category: 'untrusted-root' },
    { name: 'intermediate missing', server: () => serverWith('server'), client: () => ({}), code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', category: 'incomplete-chain' },
    { name: 'only the intermediate trusted', server: () => serverWith('server', 'int'), client: () => ({ caPem: [testPki().cert('int').pem] }), code: 'UNABLE_TO_GET_ISSUER_CERT', category: 'incomplete-chain' },
    { name: 'leaf with clientAuth-only EKU', server: () => serverWith('clientonly', 'int'), client: () => ({}), code: 'INVALID_PURPOSE', category: 'bad-purpose' },
    { name: 'CA:false intermediate', server: () => serverWith('undernotca', 'notca'), client: () => ({}), code: 'INVALID_PURPOSE', category: 'bad-purpose', message: /unsuitable certificate purpose/ },
    { name: 'intermediate without basicConstraints', server: () => serverWith('undernobc', 'nobc'), client: () => ({}), code: 'INVALID_CA', category: 'not-a-ca' },
    { name: 'intermediate without keyCertSign', server: () => serverWith('undernocertsign', 'nocertsign'), client: () => ({}), code: 'UNSPECIFIED', category: 'not-a-ca', message: /key usage does not include certificate signing/ },
    { name: 'unknown critical extension', server: () => serverWith('unknowncrit', 'int'), client: () => ({}), code: 'UNSPECIFIED', category: 'unsupported-extension', message: /unhandled critical extension/ },
    { name: 'pathLen 0 exceeded', server: () => serverWith('deepleaf', 'subint', 'int0'), client: () => ({}), code: 'PATH_LENGTH_EXCEEDED', category: 'path-length' },
    { name: 'name constraints violated', server: () => serverWith('ncleaf', 'ncint'), client: () => ({}), code: 'UNSPECIFIED', category: 'name-constraints', message: /permitted subtree violation/ },
    { name: 'malformed IP SAN under IP name constraints', server: () => serverWith('badipleaf', 'ncipint'), client: () => ({}), code: 'UNSPECIFIED', category: 'name-constraints', message: /unsupported or invalid name syntax/ },
    { name: 'RSA-1024 leaf at SECLEVEL 2', server: () => serverWith('rsa1024', 'int'), client: () => ({ ciphers: 'DEFAULT@SECLEVEL=2' }), code: 'UNSPECIFIED', category: 'weak-key', message: /key too weak/ },
    { name: 'SHA-1 leaf served at SECLEVEL 0', server: () => ({ ...serverWith('sha1', 'int'), ciphers: 'DEFAULT@SECLEVEL=0' }), client: () => ({}), code: 'UNSPECIFIED', category: 'weak-signature', message: /digest algorithm too weak/ },
    { name: 'leaf signature corrupted', server: () => ({ certChainPem: corruptSignature(testPki().cert('server').pem, 'CERTIFICATE') + testPki().cert('int').pem, keyPem: key('server') }), client: () => ({}), code: 'CERT_SIGNATURE_FAILURE', category: 'bad-signature' },
    { name: 'leaf revoked (both CRLs)', server: () => serverWith('revoked', 'int'), client: () => ({ crlPem: [testPki().crl('root'), testPki().crl('int')] }), code: 'CERT_REVOKED', category: 'revoked' },
    { name: 'CRL of the root missing', server: () => serverWith('server', 'int'), client: () => ({ crlPem: [testPki().crl('int')] }), code: 'UNABLE_TO_GET_CRL', category: 'revocation-unavailable' },
    { name: 'CRL past nextUpdate', server: () => serverWith('server', 'int'), client: () => ({ crlPem: [testPki().crl('root'), testPki().crl('int-stale')] }), code: 'CRL_HAS_EXPIRED', category: 'revocation-stale' },
    { name: 'CRL lastUpdate in the future', server: () => serverWith('server', 'int'), client: () => ({ crlPem: [testPki().crl('root'), testPki().crl('int-future')] }), code: 'CRL_NOT_YET_VALID', category: 'revocation-stale' },
    { name: 'CRL signature corrupted', server: () => serverWith('server', 'int'), client: () => ({ crlPem: [testPki().crl('root'), corruptSignature(testPki().crl('int'), 'X509 CRL')] }), code: 'CRL_SIGNATURE_FAILURE', category: 'revocation-invalid' },
  ];

  for (const c of clientSees) {
    it(`${c.name}: ${c.code} -> ${c.category}, client side`, async () => {
      const r = await run(nodeTlsClient, c.server(), c.client());
      expect(r.obs, r.obs.message).to.include({ outcome: 'rejected', code: c.code, category: c.category, side: 'client' });
      if (c.message) expect(r.obs.message).to.match(c.message);
    });
  }

  it('the same chains are accepted where the stack allows them (the refusals above are not accidents)', async () => {
    expect((await run(nodeTlsClient, serverWith('rsa1024', 'int'))).obs.outcome).to.equal('accepted');
    expect((await run(nodeTlsClient, serverWith('goodipleaf', 'ncipint'))).obs.outcome, 'a 4-octet IP SAN under the same constraint').to.equal('accepted');
    expect((await run(nodeTlsClient, serverWith('server', 'int'), { caPem: [testPki().cert('int').pem], allowPartialTrustChain: true })).obs.outcome).to.equal('accepted');
    expect((await run(nodeTlsClient, serverWith('server', 'int'), { crlPem: [testPki().crl('root'), testPki().crl('int')] })).obs.outcome).to.equal('accepted');
    const sha1 = await run(nodeTlsClient, { ...serverWith('sha1', 'int'), ciphers: 'DEFAULT@SECLEVEL=0' }, { ciphers: 'DEFAULT@SECLEVEL=0' });
    expect(sha1.obs.outcome, 'a SECLEVEL 0 client accepts the SHA-1 leaf').to.equal('accepted');
  });

  it('server side: a revoked client certificate (server CRLs) -> client-cert-rejected, CERT_REVOKED kept', async () => {
    const crl = [testPki().crl('root'), testPki().crl('int')];
    const good = await run(nodeTlsClient, mtlsServerPlan({ crlPem: crl }), identity('client', 'int'));
    expect(good.obs.outcome, 'an unrevoked client passes the same CRL check').to.equal('accepted');
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
      const r = await run(nodeTlsClient, mtlsServerPlan({ crlPem: crl, maxVersion }), identity('revokedclient', 'int'));
      expect(r.obs, maxVersion).to.include({ outcome: 'rejected', category: 'client-cert-rejected', side: 'server' });
      expect(r.server.authorizationError, maxVersion).to.equal('CERT_REVOKED');
    }
    const noRootCrl = await run(nodeTlsClient, mtlsServerPlan({ crlPem: [testPki().crl('int')] }), identity('client', 'int'));
    expect(noRootCrl.server.authorizationError).to.equal('UNABLE_TO_GET_CRL');
  });

  it('plain HTTP sent to the TLS server: ERR_SSL_HTTP_REQUEST -> protocol-error (server)', async () => {
    const handle = await nodeTlsServer.listen(serverPlan(), {}, never);
    try {
      handle.reset();
      const socket = netConnect(handle.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
      socket.on('error', () => undefined);
      socket.resume();
      const obs = await handle.observation();
      expect(obs.errorCode).to.equal('ERR_SSL_HTTP_REQUEST');
      expect(categorize(obs.errorCode, obs.errorMessage)).to.equal('protocol-error');
      socket.destroy();
    } finally {
      await handle.close();
    }
  });

  it('a TLS client talking to a plain-text server: ERR_SSL_WRONG_VERSION_NUMBER -> protocol-error', async () => {
    const sockets = new Set<Socket>();
    const server = createTcpServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const c = await nodeTlsClient.connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port, servername: 'localhost', caPem: [root()], timeoutMs: 1000 }, {}, never);
      expect(c.code).to.equal('ERR_SSL_WRONG_VERSION_NUMBER');
      expect(categorize(c.code, c.message)).to.equal('protocol-error');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('no shared key-exchange group (TLS 1.3): NO_SUITABLE_KEY_SHARE -> no-shared-cipher (server)', async () => {
    const r = await run(nodeTlsClient, { ecdhCurve: 'P-384' }, { ecdhCurve: 'X25519' });
    expect(r.server.errorCode).to.equal('ERR_SSL_NO_SUITABLE_KEY_SHARE');
    expect(r.obs).to.include({ category: 'no-shared-cipher', side: 'server', alert: 'handshake_failure' });
  });

  it('TLS 1.0 client against the default server floor: protocol-mismatch (server)', async () => {
    const r = await run(nodeTlsClient, {}, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    expect(r.obs).to.include({ category: 'protocol-mismatch', side: 'server' });
    expect(r.server.errorCode).to.equal('ERR_SSL_UNSUPPORTED_PROTOCOL');
  });

  it('a client identity the library refuses (key does not match) is a config-error on the client side', async () => {
    const r = await run(nodeTlsClient, {}, { certChainPem: testPki().cert('client').pem, keyPem: key('server') });
    expect(r.obs).to.include({ outcome: 'rejected', code: 'ERR_OSSL_X509_KEY_VALUES_MISMATCH', category: 'config-error', side: 'client' });
    expect(r.server.handshake).to.equal(false);
  });
});
