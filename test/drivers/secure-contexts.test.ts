/**
 * Client secure contexts shared per set of context options (portable/node/secure-contexts.ts).
 * Sharing: equal plans get one context, and real connections made through it are counted as
 * hits. Keying: a table with a flip for EVERY option createSecureContext reads (typed from the
 * option list, so a new option does not compile without one): any one flip gives another key and
 * another context. Correctness over real handshakes, for each Node client driver: a trust, CRL
 * or identity that differs from a previous connection's is not served from a stale context, and
 * a shared context resumes no session it was not handed.
 */
import { expect } from 'chai';
import { constants, createPrivateKey } from 'node:crypto';
import tls from 'node:tls';
import { nodeTlsServer } from '../../harness/drivers/portable/node/node-tls-server.js';
import { CONTEXT_OPTIONS, clientContexts, contextKey, SecureContextCache } from '../../harness/drivers/portable/node/secure-contexts.js';
import { tlsOptionsFromPlan } from '../../harness/drivers/portable/client-common.js';
import { getClientDriver } from '../../harness/drivers/portable/registry.js';
import type { ClientDriver } from '../../harness/drivers/portable/types.js';
import { PKCS12_PASSPHRASE, testPki } from './openssl-pki.js';
import { chainPem, clientPlan, connectTo, identity, mtlsServerPlan, never, run, serverPlan } from './helpers.js';

type ContextOption = (typeof CONTEXT_OPTIONS)[number];

interface Flip {
  /** extra options both sides carry (e.g. the key a certificate needs) */
  base?: tls.SecureContextOptions;
  /** `undefined` on the left: the option absent */
  values: [unknown, unknown];
  /** both sides load in Node (otherwise only the keys are compared: no engine here) */
  loads: boolean;
}

function flips(): Record<ContextOption, Flip> {
  const pki = testPki();
  const server = pki.cert('server');
  const key = createPrivateKey(server.keyPem);
  const sec1 = key.export({ type: 'sec1', format: 'pem' }) as string;
  const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  const pfx = Buffer.from(pki.pkcs12('client.p12'), 'base64');
  return {
    allowPartialTrustChain: { values: [undefined, true], loads: true },
    ca: { values: [[pki.cert('root').pem], [pki.cert('other').pem]], loads: true },
    cert: { base: { key: server.keyPem }, values: [server.pem, chainPem('server', 'int')], loads: true },
    ciphers: { values: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384'], loads: true },
    clientCertEngine: { values: [undefined, 'tlsgate-no-such-engine'], loads: false },
    crl: { base: { ca: [pki.cert('root').pem] }, values: [[pki.crl('root')], [pki.crl('root'), pki.crl('int')]], loads: true },
    dhparam: { values: [undefined, 'auto'], loads: true },
    ecdhCurve: { values: ['X25519', 'P-256'], loads: true },
    honorCipherOrder: { values: [undefined, true], loads: true },
    key: { base: { cert: server.pem }, values: [pkcs8, sec1], loads: true },
    maxVersion: { values: ['TLSv1.2', 'TLSv1.3'], loads: true },
    minVersion: { values: ['TLSv1.2', 'TLSv1.3'], loads: true },
    passphrase: { base: { pfx }, values: [PKCS12_PASSPHRASE, 'wrong passphrase'], loads: false },
    pfx: { base: { passphrase: PKCS12_PASSPHRASE }, values: [pfx, Buffer.from(pki.pkcs12('client-legacy.p12'), 'base64')], loads: false },
    privateKeyEngine: { base: { privateKeyIdentifier: 'a' } as tls.SecureContextOptions, values: ['tlsgate-no-such-engine', 'tlsgate-no-engine-either'], loads: false },
    privateKeyIdentifier: { base: { privateKeyEngine: 'tlsgate-no-such-engine' } as tls.SecureContextOptions, values: ['a', 'b'], loads: false },
    secureOptions: { values: [undefined, constants.SSL_OP_LEGACY_SERVER_CONNECT], loads: true },
    secureProtocol: { values: ['TLS_method', 'TLSv1_2_method'], loads: true },
    sessionIdContext: { values: ['a', 'b'], loads: true },
    sessionTimeout: { values: [100, 200], loads: true },
    sigalgs: { values: ['ECDSA+SHA256', 'ECDSA+SHA384'], loads: true },
    ticketKeys: { values: [Buffer.alloc(48, 1), Buffer.alloc(48, 2)], loads: true },
  };
}

const withOption = (base: tls.SecureContextOptions | undefined, name: string, value: unknown): tls.ConnectionOptions =>
  (value === undefined ? { ...base } : { ...base, [name]: value }) as tls.ConnectionOptions;

describe('client secure contexts (shared per set of context options)', function () {
  this.timeout(60_000);

  before(() => testPki());

  it('equal plans share one context; the socket-only options (servername, session, ALPN...) do not split them', () => {
    const cache = new SecureContextCache();
    const plan = clientPlan(443, identity('client', 'int'));
    const first = cache.withContext(tlsOptionsFromPlan(plan)).secureContext;
    const second = cache.withContext({ ...tlsOptionsFromPlan({ ...plan, servername: 'other.example', alpn: ['h2'], requestOCSP: true, minDHSize: 2048 }) }).secureContext;
    expect(first).to.be.instanceOf(Object);
    expect(second).to.equal(first);
    expect([cache.hits, cache.misses, cache.size]).to.deep.equal([1, 1, 1]);
  });

  describe('any one context option flipped gives another context', () => {
    for (const name of CONTEXT_OPTIONS) {
      it(name, () => {
        const { base, values: [a, b], loads } = flips()[name];
        const [left, right] = [withOption(base, name, a), withOption(base, name, b)];
        expect(contextKey(left)).to.be.a('string');
        expect(contextKey(right)).to.be.a('string').and.not.equal(contextKey(left));
        const cache = new SecureContextCache();
        const [l, r] = [cache.withContext(left).secureContext, cache.withContext(right).secureContext];
        if (!loads) return void expect(r, 'options Node refuses are left to tls.connect').to.equal(undefined);
        expect(l).to.be.instanceOf(Object);
        expect(r).to.be.instanceOf(Object).and.not.equal(l);
        expect(cache.withContext(left).secureContext, 'the first is still served').to.equal(l);
      });
    }

    it('a changed tls.DEFAULT_* (createSecureContext falls back on them) gives another context', () => {
      const saved = tls.DEFAULT_MIN_VERSION;
      const before = contextKey({ ca: [testPki().cert('root').pem] });
      try {
        tls.DEFAULT_MIN_VERSION = 'TLSv1.3';
        expect(contextKey({ ca: [testPki().cert('root').pem] })).to.not.equal(before);
      } finally {
        tls.DEFAULT_MIN_VERSION = saved;
      }
    });
  });

  it('leaves options it does not know, or cannot key, to tls.connect', () => {
    const cache = new SecureContextCache();
    expect(cache.withContext({ ca: [testPki().cert('root').pem], someFutureContextOption: 1 } as tls.ConnectionOptions).secureContext).to.equal(undefined);
    expect(cache.withContext({ key: createPrivateKey(testPki().cert('server').keyPem) } as unknown as tls.ConnectionOptions).secureContext).to.equal(undefined);
    expect(cache.size).to.equal(0);
  });

  it('leaves plans on the default CA store to tls.connect where Node can replace that store (tls.setDefaultCACertificates, Node 22.19+)', () => {
    const module = tls as { setDefaultCACertificates?: unknown };
    const own = module.setDefaultCACertificates;
    try {
      module.setDefaultCACertificates = () => undefined;
      expect(contextKey({ rejectUnauthorized: true }), 'default store').to.equal(undefined);
      expect(contextKey({ ca: [testPki().cert('root').pem] }), 'explicit trust').to.be.a('string');
    } finally {
      if (own === undefined) delete module.setDefaultCACertificates;
      else module.setDefaultCACertificates = own;
    }
    if (own === undefined) expect(contextKey({ rejectUnauthorized: true }), 'this Node cannot replace it').to.be.a('string');
  });

  it('stays within its bound, dropping the least recently used', () => {
    const cache = new SecureContextCache(2);
    const ctx = (n: number) => cache.withContext({ sessionTimeout: n } as tls.ConnectionOptions).secureContext;
    const one = ctx(1);
    ctx(2);
    expect(ctx(1)).to.equal(one);
    ctx(3);
    expect(cache.size).to.equal(2);
    expect(ctx(1), 'recently used: kept').to.equal(one);
    const misses = cache.misses;
    ctx(2);
    expect(cache.misses, '2 was dropped').to.equal(misses + 1);
  });

  for (const name of ['node-tls', 'node-https', 'undici']) {
    describe(`over real handshakes, client driver ${name}`, () => {
      let driver: ClientDriver;
      before(async () => {
        driver = await getClientDriver(name);
      });

      it('a second connection with an equal plan reuses the first one\'s context', async () => {
        const handle = await nodeTlsServer.listen(serverPlan(), {}, never);
        try {
          const first = await connectTo(driver, handle, {});
          const [hits, size] = [clientContexts.hits, clientContexts.size];
          const second = await connectTo(driver, handle, {});
          expect([first.obs.outcome, second.obs.outcome]).to.deep.equal(['accepted', 'accepted']);
          expect(clientContexts.hits).to.equal(hits + 1);
          expect(clientContexts.size).to.equal(size);
        } finally {
          await handle.close();
        }
      });

      it('trust flipped after a connection with the same identity is refused, then accepted again (no stale trust)', async () => {
        const handle = await nodeTlsServer.listen(mtlsServerPlan(), {}, never);
        try {
          const client = identity('client', 'int');
          const trusted = await connectTo(driver, handle, client);
          const other = await connectTo(driver, handle, { ...client, caPem: [testPki().cert('other').pem] });
          const again = await connectTo(driver, handle, client);
          expect(trusted.obs.outcome, trusted.obs.message).to.equal('accepted');
          expect([other.obs.outcome, other.obs.code]).to.deep.equal(['rejected', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
          expect(again.obs.outcome, again.obs.message).to.equal('accepted');
        } finally {
          await handle.close();
        }
      });

      it('a CRL added to the same trust refuses the revoked server it accepted without one', async () => {
        const handle = await nodeTlsServer.listen(serverPlan({ certChainPem: chainPem('revoked', 'int'), keyPem: testPki().cert('revoked').keyPem }), {}, never);
        try {
          const without = await connectTo(driver, handle, {});
          const withCrl = await connectTo(driver, handle, { crlPem: [testPki().crl('root'), testPki().crl('int')] });
          expect(without.obs.outcome, without.obs.message).to.equal('accepted');
          expect([withCrl.obs.outcome, withCrl.obs.code]).to.deep.equal(['rejected', 'CERT_REVOKED']);
        } finally {
          await handle.close();
        }
      });

      it('an identity flipped under the same trust is the new identity (the server sees, and refuses, the stranger)', async () => {
        const requesting = mtlsServerPlan({ requireClientCert: false });
        const good = await run(driver, requesting, identity('client', 'int'));
        const stranger = await run(driver, requesting, identity('oclient'));
        expect([good.obs.outcome, good.server.authorized], good.obs.message).to.deep.equal(['accepted', true]);
        expect(good.server.clientPeer?.subject).to.match(/CN=client\b/);
        expect(stranger.server.authorized).to.equal(false);
        expect(stranger.server.clientPeer?.subject).to.match(/CN=stranger/);
      });

      it('a shared context resumes no session it was not handed (TLS 1.2 and 1.3)', async () => {
        for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
          const handle = await nodeTlsServer.listen(serverPlan({ maxVersion }), {}, never);
          try {
            const first = await connectTo(driver, handle, {});
            const second = await connectTo(driver, handle, {});
            expect(first.client.session, `${maxVersion}: the server issued a session`).to.be.instanceOf(Buffer);
            expect([first.obs.sessionReused, second.obs.sessionReused], maxVersion).to.deep.equal([false, false]);
            const resumed = await connectTo(driver, handle, { sessionBase64: second.client.session!.toString('base64') });
            expect(resumed.obs.sessionReused, `${maxVersion}: the flip: a session handed over resumes`).to.equal(true);
          } finally {
            await handle.close();
          }
        }
      });
    });
  }
});
