/**
 * What the responder fuzzing found, pinned one request at a time (each failed before its fix in
 * ca/servers/loopback-http.ts, ca/servers/crl-server.ts and ca/servers/ocsp-responder.ts).
 */
import { expect } from 'chai';
import { Agent } from 'node:http';
import { exchange, rawExchange, type Exchanged } from './support/http-exchange.js';
import { ResponderTarget } from './support/responder-target.js';

const statusOf = (a: Exchanged) => ('error' in a ? a.error : a.status);

describe('responders: regressions found by fuzzing', function () {
  this.timeout(20_000);
  let target: ResponderTarget;
  before(async () => { target = await ResponderTarget.start(); });
  after(async () => { await target?.close(); });

  it('a request-target starting with // is a path, not a host: 404, not a 500 from an invalid URL', async () => {
    const agent = new Agent();
    try {
      const crl = await exchange(agent, { port: target.crlPort, method: 'GET', path: '//%zz1%41/x.crl' }, 2000);
      const ocsp = await exchange(agent, { port: target.ocspPort, method: 'POST', path: '//[::1/int', headers: { 'content-type': 'application/ocsp-request' }, body: target.request([target.certId('good')]) }, 2000);
      const misrouted = await exchange(agent, { port: target.ocspPort, method: 'POST', path: `//fuzz/int`, headers: { 'content-type': 'application/ocsp-request' }, body: target.request([target.certId('good')]) }, 2000);
      expect([statusOf(crl), statusOf(ocsp), statusOf(misrouted)]).to.deep.equal([404, 404, 404]);
    } finally {
      agent.destroy();
    }
  });

  for (const chunked of [true, false]) {
    it(`after a 413 for an oversized ${chunked ? 'chunked' : 'declared'} body, the same keep-alive connection answers the next request at once`, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let connections = 0;
      const connect = agent.createConnection.bind(agent);
      agent.createConnection = (...args: Parameters<typeof connect>) => { connections++; return connect(...args); };
      try {
        const big = await exchange(agent, { port: target.ocspPort, method: 'POST', path: target.ocspPath, headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.alloc(300_000), chunked }, 3000);
        expect(statusOf(big)).to.equal(413);
        const next = await exchange(agent, { port: target.ocspPort, method: 'POST', path: target.ocspPath, headers: { 'content-type': 'application/ocsp-request' }, body: target.request([target.certId('good')]) }, 3000);
        expect(statusOf(next)).to.equal(200);
        expect(connections, 'the 413 left the keep-alive connection usable: no second connection was made').to.equal(1);
      } finally {
        agent.destroy();
      }
    });
  }

  it('bytes that are not HTTP get Node\'s 400, not a bare close', async () => {
    for (const port of [target.ocspPort, target.crlPort]) {
      expect(statusOf(await rawExchange(port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x0d, 0x0a, 0x0d, 0x0a]), 2000))).to.equal(400);
    }
  });
});
