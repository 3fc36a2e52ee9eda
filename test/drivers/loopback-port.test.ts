/**
 * Whether a tool listens yet (external/loopback-port.ts), read from the kernel's socket table as
 * far as its listening sockets go. The oracle is `ss`, which asks the kernel over netlink: both
 * must agree, also for a listener made after hundreds of connections and TIME_WAIT sockets fill
 * the rest of the table (the part the reader no longer reads).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { listensOn } from '../../harness/drivers/portable/external/loopback-port.js';

const hasProc = listensOn('127.0.0.1', 1, process.pid) !== undefined;
const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function listen(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end()).listen(0, host);
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** `ss`'s answer: something listens on host:port */
const ssListens = (host: string, port: number): boolean =>
  execFileSync('ss', ['-Hltn', `src ${host.includes(':') ? `[${host}]` : host}:${port}`], { encoding: 'utf8' }).trim() !== '';

(hasProc && hasSs ? describe : describe.skip)('listensOn (skipped without /proc or ss from iproute2)', () => {
  it('agrees with ss for a listener made after hundreds of connections and TIME_WAIT sockets, and for a closed one', async () => {
    const busy = await listen('127.0.0.1');
    const sockets: Socket[] = [];
    for (let i = 0; i < 300; i++) sockets.push(createConnection(busy.port, '127.0.0.1').on('error', () => undefined));
    await Promise.all(sockets.map((s) => once(s, 'close')));
    const late = await listen('127.0.0.1');
    try {
      expect([listensOn('127.0.0.1', late.port, process.pid), ssListens('127.0.0.1', late.port)]).to.deep.equal([true, true]);
      // the socket must be the asking process's own
      expect(listensOn('127.0.0.1', late.port, 1)).to.equal(false);
    } finally {
      late.server.close();
      busy.server.close();
    }
    await once(late.server, 'close');
    expect([listensOn('127.0.0.1', late.port, process.pid), ssListens('127.0.0.1', late.port)]).to.deep.equal([false, false]);
  });

  it('reads tcp6 for an IPv6 address', async () => {
    const v6 = await listen('::1');
    try {
      expect([listensOn('::1', v6.port, process.pid), ssListens('::1', v6.port)]).to.deep.equal([true, true]);
    } finally {
      v6.server.close();
    }
  });
});
