/**
 * observe(): the rules that need no handshake to show (the handshake-backed cases live in
 * client-drivers.test.ts and taxonomy.test.ts): shape, and the fallbacks when the server
 * recorded nothing useful.
 */
import { expect } from 'chai';
import type { ClientObservation, ServerObservation } from '../../harness/model/domain.js';
import { observe, type ObserveContext } from '../../harness/verdict/observe.js';

const quietServer = (over: Partial<ServerObservation> = {}): ServerObservation => ({
  handshake: false, clientCertPresented: false, authorized: false, stapleRequested: false, stapleSent: false, ...over,
});

const ctx: ObserveContext = {
  clientDriver: 'node-tls', serverDriver: 'openssl-s-server', clientVersion: 'node 20.20.2',
  revocation: [], revocationRequests: [{ server: 'crl', path: '/x.crl', serials: [], answer: 'crl' }], warnings: ['w'], totalMs: 7,
};

describe('observe', () => {
  it('accepted: negotiation copied, no verdict fields, the session buffer left out', () => {
    const client: ClientObservation = {
      outcome: 'accepted', protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', group: 'X25519', alpn: false,
      staple: null, session: Buffer.from('s'), sessionReused: true, handshakeMs: 1.5,
    };
    const obs = observe(client, quietServer({ handshake: true }), ctx);
    expect(obs).to.deep.equal({
      outcome: 'accepted', protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', group: 'X25519', alpn: false,
      server: quietServer({ handshake: true }), revocation: [], revocationRequests: ctx.revocationRequests, warnings: ['w'],
      driver: { client: 'node-tls', server: 'openssl-s-server', clientVersion: 'node 20.20.2' }, sessionReused: true,
      timings: { handshakeMs: 1.5, totalMs: 7 },
    });
  });

  it('the group in one spelling, and none for a resumed TLS 1.2 session (no key exchange)', () => {
    const accepted = (over: Partial<ClientObservation>) => observe({ outcome: 'accepted', alpn: false, ...over }, quietServer({ handshake: true }), ctx);
    // Node 24 reports the original session's group on a resumed TLS 1.2 session, spelt the TLS way
    expect(accepted({ protocol: 'TLSv1.2', group: 'x25519', sessionReused: true })).to.not.have.property('group');
    expect(accepted({ protocol: 'TLSv1.2', group: 'x25519', sessionReused: false }).group).to.equal('X25519');
    expect(accepted({ protocol: 'TLSv1.3', group: 'x25519', sessionReused: true }).group, 'TLS 1.3 resumption exchanges a key').to.equal('X25519');
    expect(accepted({ protocol: 'TLSv1.3', group: 'secp256r1' }).group).to.equal('prime256v1');
    expect(accepted({ protocol: 'TLSv1.3', group: 'X25519MLKEM768' }).group, 'unknown names stay as given').to.equal('X25519MLKEM768');
    expect(accepted({ protocol: 'TLSv1.3' })).to.not.have.property('group');
  });

  it('an alert from a server that recorded nothing: side server, category from the alert', () => {
    const obs = observe({ outcome: 'rejected', code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', message: 'tlsv1 alert unknown ca' }, quietServer(), ctx);
    expect(obs).to.include({ side: 'server', category: 'untrusted-root', code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' });
  });

  it('a bare reset with no server reason: side server, reset', () => {
    const obs = observe({ outcome: 'rejected', code: 'ECONNRESET', message: 'socket hang up' }, quietServer({ errorCode: 'ECONNRESET' }), ctx);
    expect(obs).to.include({ side: 'server', category: 'reset' });
  });

  it('a timeout names no side unless the server recorded a refusal', () => {
    const timeout: ClientObservation = { outcome: 'rejected', code: 'TLSGATE_TIMEOUT', message: 'no answer' };
    const plain = observe(timeout, quietServer(), ctx);
    expect(plain.category).to.equal('timeout');
    expect(plain.side).to.equal(undefined);
    const refused = observe(timeout, quietServer({ clientCertPresented: true, authorizationError: 'CERT_REVOKED' }), ctx);
    expect(refused).to.include({ side: 'server', category: 'client-cert-rejected' });
  });

  it("the client's own refusal wins over a server-side error it caused", () => {
    const obs = observe({ outcome: 'rejected', code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, quietServer({ errorCode: 'ECONNRESET' }), ctx);
    expect(obs).to.include({ side: 'client', category: 'expired', code: 'CERT_HAS_EXPIRED' });
  });
});
