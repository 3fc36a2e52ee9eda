/**
 * The taxonomy maps what hostile peers make a client report. Each code here was produced by a
 * real Node client against a raw TCP server sending the exact bytes shown (TLS 1.2 and 1.3 give
 * the same codes), so the table is checked against the stack, not against itself.
 */
import { expect } from 'chai';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { nodeTlsClient } from '../../harness/drivers/portable/node/node-tls-client.js';
import { categorize, CODE_CATEGORIES } from '../../harness/verdict/taxonomy.js';
import { clientPlan, never } from '../drivers/helpers.js';
import { testPki } from '../drivers/openssl-pki.js';

/** a server that answers the ClientHello with these bytes and keeps the connection open */
async function answering(bytes: Buffer): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write(bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const FRAMED_GARBAGE: ReadonlyArray<readonly [what: string, hex: string, code: string]> = [
  ['an alert record one byte long', '15 03 03 00 01 02', 'ERR_SSL_INVALID_ALERT'],
  ['a ChangeCipherSpec record that is not 0x01', '14 03 03 00 01 02', 'ERR_SSL_BAD_CHANGE_CIPHER_SPEC'],
  ['a ServerHello announcing 16 MB', '16 03 03 00 04 02 ff ff ff', 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE'],
  ['a Certificate message before any ServerHello', '16 03 03 00 04 0b 00 00 00', 'ERR_SSL_UNEXPECTED_MESSAGE'],
  ['application data before the handshake', '17 03 03 00 05 01 02 03 04 05', 'ERR_SSL_UNEXPECTED_MESSAGE'],
  ['bytes that are not a TLS record at all', '48 54 54 50 2f 31 2e 31 20 32 30 30', 'ERR_SSL_WRONG_VERSION_NUMBER'],
];

describe('taxonomy: what hostile peers produce (real Node client, raw bytes from a TCP server)', function () {
  this.timeout(10_000);
  before(() => testPki());

  for (const [what, hex, code] of FRAMED_GARBAGE) {
    it(`${what}: ${code} -> protocol-error, on TLS 1.2 and 1.3`, async () => {
      const server = await answering(Buffer.from(hex.replace(/ /g, ''), 'hex'));
      try {
        for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
          const port = (server.address() as AddressInfo).port;
          const observed = await nodeTlsClient.connect(clientPlan(port, { timeoutMs: 1000, maxVersion }), {}, never);
          expect(observed.code, maxVersion).to.equal(code);
          expect(categorize(observed.code, observed.message), maxVersion).to.equal('protocol-error');
        }
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }

  it('nothing listening (a peer that died before accepting): ECONNREFUSED -> reset', async () => {
    const server = await answering(Buffer.alloc(0));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const observed = await nodeTlsClient.connect(clientPlan(port, { timeoutMs: 1000 }), {}, never);
    expect(observed.code).to.equal('ECONNREFUSED');
    expect(categorize(observed.code, observed.message)).to.equal('reset');
  });

  it('the codes of the hostile drivers and the revocation faults all have categories', () => {
    const produced = {
      TLSGATE_TIMEOUT: 'timeout', // hostile-silent, hostile-stall
      ERR_SSL_WRONG_VERSION_NUMBER: 'protocol-error', // hostile-garbage
      ECONNRESET: 'reset', // hostile-close
      TLSGATE_CLOSED_DURING_HANDSHAKE: 'reset', // hostile-stall against a server with a handshake timeout
      TLSGATE_REVOCATION_UNAVAILABLE: 'revocation-unavailable', // trickle, endless, hang (tlsgate's OCSP check)
      UNABLE_TO_GET_CRL: 'revocation-unavailable', // the same for CRLs (OpenSSL decides)
    } as const;
    for (const [code, category] of Object.entries(produced)) expect(categorize(code, undefined), code).to.equal(category);
    expect(categorize('EPROTO', 'write EPROTO wrong version number')).to.equal('protocol-error');
    for (const code of ['ERR_SSL_BAD_LENGTH', 'ERR_SSL_LENGTH_MISMATCH', 'ERR_SSL_BAD_PACKET_LENGTH', 'ERR_SSL_RECORD_LENGTH_MISMATCH', 'ERR_SSL_BAD_RECORD_TYPE', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC']) {
      expect(CODE_CATEGORIES[code], code).to.equal('protocol-error');
    }
  });
});
