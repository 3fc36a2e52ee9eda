/**
 * The hostile drivers on their own, over real TCP/TLS on 127.0.0.1: what each one does on the
 * wire, what every client driver makes of it (and in how long), and that each cleans up after
 * itself. The catalogue file scenarios/robustness/hostile-peers.yaml runs them end to end.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { garbage } from '../../harness/drivers/portable/hostile/hostile-garbage.js';
import { captureClientHello } from '../../harness/drivers/portable/hostile/hostile-client-hello.js';
import { getClientDriver, getServerDriver, listDrivers, listHostileDrivers } from '../../harness/drivers/portable/registry.js';
import type { ServerHandle } from '../../harness/drivers/portable/types.js';
import { nodeTlsServer } from '../../harness/drivers/portable/node/node-tls-server.js';
import { observe } from '../../harness/verdict/observe.js';
import { clientPlan, never, serverPlan } from '../drivers/helpers.js';
import { testPki } from '../drivers/openssl-pki.js';

const TIMEOUT_MS = 200;

/** a test-owned server that knows its open sockets, so closing it never waits on a peer */
interface Tracked {
  server: TcpServer | TlsServer;
  port: number;
  open: Set<Socket>;
  accepted: number;
  close(): Promise<void>;
}

async function tracked(server: TcpServer | TlsServer): Promise<Tracked> {
  const open = new Set<Socket>();
  const t: Tracked = {
    server, port: 0, open, accepted: 0,
    close: () => {
      for (const s of open) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', (socket: Socket) => {
    t.accepted++;
    open.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => open.delete(socket));
  });
  t.port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return t;
}

describe('hostile drivers (real sockets on 127.0.0.1)', function () {
  this.timeout(20_000);
  before(() => testPki());

  it('are registered apart from the stacks under test', async () => {
    expect(listHostileDrivers()).to.deep.equal({ client: ['hostile-stall'], server: ['hostile-silent', 'hostile-garbage', 'hostile-close'] });
    expect(listDrivers().server).to.not.include('hostile-silent');
    expect((await getServerDriver('hostile-close')).name).to.equal('hostile-close');
    expect((await getClientDriver('hostile-stall')).name).to.equal('hostile-stall');
  });

  const expected = {
    'hostile-silent': { category: 'timeout' },
    'hostile-garbage': { category: 'protocol-error' },
    'hostile-close': { category: 'reset' },
  } as const;
  for (const [serverName, want] of Object.entries(expected)) {
    for (const clientName of ['node-tls', 'node-https', 'undici']) {
      it(`${serverName} -> ${clientName}: ${want.category} (the plan's ${TIMEOUT_MS} ms timeout only for the silent server)`, async () => {
        const server = await (await getServerDriver(serverName)).listen(serverPlan(), {}, never);
        try {
          server.reset();
          const client = await (await getClientDriver(clientName)).connect(clientPlan(server.port, { timeoutMs: TIMEOUT_MS }), {}, never);
          const obs = observe(client, await server.observation(), { clientDriver: clientName, serverDriver: serverName, revocation: [], warnings: [], totalMs: 0 });
          expect(obs.outcome).to.equal('rejected');
          expect(obs.category, `${obs.code} ${obs.message}`).to.equal(want.category);
          expect(obs.server).to.include({ handshake: false, clientCertPresented: false });
        } finally {
          await server.close();
        }
      });
    }
  }

  it('hostile-close waits for the whole ClientHello, even when it arrives in pieces, then sends a FIN', async () => {
    const hello = await captureClientHello(clientPlan(1, { timeoutMs: 2000 }), never);
    const server = await (await getServerDriver('hostile-close')).listen(serverPlan(), {}, never);
    try {
      const socket = tcpConnect({ host: '127.0.0.1', port: server.port });
      let secondHalfSent = false;
      const ended = new Promise<boolean>((resolve) => socket.on('end', () => resolve(secondHalfSent)));
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(hello.subarray(0, 7));
      await new Promise((resolve) => setTimeout(resolve, 150));
      secondHalfSent = true;
      socket.write(hello.subarray(7));
      expect(await ended, 'the FIN came only after the rest of the ClientHello').to.equal(true);
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('garbage is random but never looks like a TLS record header (a record would make the verdict a timeout now and then)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 4096 }), (length) => {
      const bytes = garbage(length);
      return bytes.length === length && bytes[1] !== 0x03;
    }), { numRuns: 2000 });
    expect(garbage().equals(garbage())).to.equal(false);
  });

  it('captureClientHello gives a fresh, real TLS 1.3 ClientHello carrying the SNI each time', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => captureClientHello(clientPlan(1, { servername: 'hostile.example', timeoutMs: 2000 }), never)));
    for (const hello of [a!, b!]) {
      expect(hello[0], 'handshake record').to.equal(0x16);
      expect(hello[5], 'ClientHello message').to.equal(0x01);
      expect(hello.length).to.equal(5 + hello.readUInt16BE(3));
      expect(hello.includes(Buffer.from('hostile.example'))).to.equal(true);
    }
    expect(a!.equals(b!), 'fresh random and key shares').to.equal(false);
  });

  describe('hostile-stall: the observation is what the server did', () => {
    let handle: ServerHandle | undefined;
    let raw: Tracked | undefined;
    afterEach(async () => {
      await handle?.close();
      await raw?.close();
      handle = undefined;
      raw = undefined;
    });
    const stall = async (port: number, timeoutMs = TIMEOUT_MS) => (await getClientDriver('hostile-stall')).connect(clientPlan(port, { timeoutMs }), {}, never);
    const pem = () => ({ cert: testPki().cert('server').pem, key: testPki().cert('server').keyPem });

    it('the node-tls server driver holds the half-open handshake: timeout; the server recorded no handshake and the hang-up', async () => {
      handle = await nodeTlsServer.listen(serverPlan(), {}, never);
      handle.reset();
      const client = await stall(handle.port);
      const obs = observe(client, await handle.observation(), { clientDriver: 'hostile-stall', serverDriver: 'node-tls', revocation: [], warnings: [], totalMs: 0 });
      expect(obs).to.include({ code: 'TLSGATE_TIMEOUT', category: 'timeout' });
      expect(obs.message).to.match(/held the stalled handshake open for 200 ms \(it sent \d+ bytes\)/);
      expect(obs.server).to.include({ handshake: false, bytesReceived: 0 });
      expect(obs.server.errorCode).to.equal('ECONNRESET');
    });

    it('Node 20 fact: handshakeTimeout only emits tlsClientError and leaves the stalled socket open (timeout)', async () => {
      const timeouts: string[] = [];
      raw = await tracked(createTlsServer({ ...pem(), handshakeTimeout: 50 }));
      raw.server.on('tlsClientError', (err: NodeJS.ErrnoException) => timeouts.push(String(err.code)));
      const client = await stall(raw.port);
      expect(timeouts).to.deep.equal(['ERR_TLS_HANDSHAKE_TIMEOUT']);
      expect(client.code).to.equal('TLSGATE_TIMEOUT');
    });

    it('a server that destroys the socket on its handshake timeout closes first: reset, after about that long', async () => {
      raw = await tracked(createTlsServer({ ...pem(), handshakeTimeout: 50 }));
      raw.server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
      const client = await stall(raw.port);
      expect(client).to.include({ outcome: 'rejected', code: 'TLSGATE_CLOSED_DURING_HANDSHAKE' });
      // closed by the server before the client's own timeout ended it (that would be TLSGATE_TIMEOUT)
      expect(client.message).to.match(/after \d+ ms/);
    });

    it('a server that resets the connection: the socket error, a reset', async () => {
      raw = await tracked(createTcpServer((s: Socket) => s.once('data', () => s.resetAndDestroy())));
      const client = await stall(raw.port);
      expect(client.code).to.equal('ECONNRESET');
    });

    it('aborting a stall rejects with the reason at once and leaves no socket behind', async () => {
      raw = await tracked(createTcpServer((s: Socket) => s.resume()));
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stop')), 50);
      // the plan's own timeout is far off: only the abort can end the stall (with its reason, not a timeout)
      const error = await (await getClientDriver('hostile-stall')).connect(clientPlan(raw.port, { timeoutMs: 600_000 }), {}, controller.signal).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.equal('stop');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(raw.open.size, 'server-side sockets still open').to.equal(0);
      expect(raw.accepted).to.equal(1);
    });
  });

  it('an aborted signal closes a hostile server and its connections', async () => {
    const controller = new AbortController();
    const server = await (await getServerDriver('hostile-silent')).listen(serverPlan(), {}, controller.signal);
    const socket = tcpConnect({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.once('connect', resolve));
    controller.abort();
    await closed;
    const refused = await new Promise<string | undefined>((resolve) => {
      const again = tcpConnect({ host: '127.0.0.1', port: server.port });
      again.on('connect', () => { again.destroy(); resolve(undefined); });
      again.on('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    expect(refused).to.equal('ECONNREFUSED');
    await server.close();
  });
});
