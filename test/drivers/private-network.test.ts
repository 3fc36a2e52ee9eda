/**
 * gnutls-serv binds every interface, so the driver runs it in a private network namespace behind
 * a loopback bridge. Checked from the kernel's side: while its server is up, no process the
 * driver started has a listening socket in the host's socket table (the same listing shows a
 * Node server on 127.0.0.1, so it can see one), gnutls-serv does listen on the wildcard address
 * in its own namespace, and a handshake through the bridge still works; nothing is left running
 * after an abort, after an abort while it starts, or after tlsgate is killed; a machine that
 * refuses the namespace skips the scenario saying so. The bridge passes half-closes and resets
 * the way a direct connection does (compared with one).
 */
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { listeningSocketsOf } from '../robustness/support/sockets.js';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gnutlsServ } from '../../harness/drivers/portable/external/gnutls-serv.js';
import { LoopbackBridge } from '../../harness/drivers/portable/external/loopback-bridge.js';
import { requirePrivateNetwork } from '../../harness/drivers/portable/external/private-network.js';
import { locateTool, TOOLS } from '../../harness/drivers/portable/external/tools.js';
import { nodeTlsClient } from '../../harness/drivers/portable/node/node-tls-client.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { connectTo, never, serverPlan } from './helpers.js';
import { CLI, ROOT } from '../cli/spawn.js';

/** pid -> parent pid, for every process on the machine */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // it ended while the list was read
    }
  }
  return map;
}

/** every process below `root` */
function descendants(root: number): number[] {
  const table = parents();
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length) {
    frontier = [...table].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...frontier);
  }
  return found;
}

/** running, not a zombie waiting to be reaped */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};

const commandLine = (pid: number): string[] => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
  } catch {
    return [];
  }
};

const commandOf = (pid: number): string => commandLine(pid)[0] ?? '';

/** the listening TCP sockets of these processes, as `address port`, in this network namespace's table or `netOf`'s */
const listeners = (pids: number[], netOf: number | 'self' = 'self'): string[] =>
  pids.flatMap((pid) => listeningSocketsOf(pid, netOf)).map((s) => `${s.address} ${s.port}`).sort();

async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const namespaceUsable = async (): Promise<boolean> => requirePrivateNetwork('gnutls-serv').then(() => true, () => false);

describe('gnutls-serv in a private network namespace', function () {
  this.timeout(60_000);
  before(async function () {
    if (!locateTool(TOOLS.gnutlsServ)) this.skip(); // Debian package gnutls-bin
    if (!(await namespaceUsable())) this.skip(); // the refusal has its own test below
  });

  it('has no listening socket on the host while it serves, listens on the wildcard address inside its own namespace, and a handshake through the bridge works', async () => {
    const handle = await gnutlsServ.listen(serverPlan(), {}, never);
    try {
      const tree = descendants(process.pid);
      const tool = tree.find((pid) => commandOf(pid).endsWith('gnutls-serv'));
      expect(tool, `no gnutls-serv among ${tree.map(commandOf).join(', ')}`).to.be.a('number');
      expect(listeners(tree)).to.deep.equal([]);
      expect(readlinkSync(`/proc/${tool}/ns/net`)).to.not.equal(readlinkSync('/proc/self/ns/net'));
      expect(listeners([tool!], tool)).to.deep.equal(['0.0.0.0 4433', ':: 4433']);
      expect(listeners([process.pid])).to.deep.equal([`127.0.0.1 ${handle.port}`]); // the bridge, on loopback

      const { obs, server } = await connectTo(nodeTlsClient, handle, {});
      expect({ outcome: obs.outcome, handshake: server.handshake }).to.deep.equal({ outcome: 'accepted', handshake: true });
    } finally {
      await handle.close();
    }
  });

  it('serves a handshake on ::1 too (the bridge listens on ::1; inside, the relay connects over 127.0.0.1)', async () => {
    const handle = await gnutlsServ.listen(serverPlan({ host: '::1' }), {}, never);
    try {
      const { obs, server } = await connectTo(nodeTlsClient, handle, {});
      expect({ host: handle.host, outcome: obs.outcome, handshake: server.handshake }).to.deep.equal({ host: '::1', outcome: 'accepted', handshake: true });
    } finally {
      await handle.close();
    }
  });

  it('the same listing shows a Node server listening on 127.0.0.1 (it can see a listener)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(listeners([process.pid])).to.deep.equal([`127.0.0.1 ${(server.address() as AddressInfo).port}`]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('leaves nothing running after an abort, and its address is gone', async () => {
    const abort = new AbortController();
    const handle = await gnutlsServ.listen(serverPlan(), {}, abort.signal);
    const tree = descendants(process.pid);
    expect(tree.map(commandOf).filter((c) => c.endsWith('gnutls-serv'))).to.have.length(1);
    abort.abort(new Error('Ctrl-C'));
    await until(() => !tree.some(alive));
    await until(() => listeners([process.pid]).length === 0); // the bridge goes with the tool, without close()
    const refused = await new Promise<string>((resolve) => connect(handle.port, '127.0.0.1').once('connect', () => resolve('connected')).once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')));
    expect(refused).to.equal('ECONNREFUSED');
    await handle.close();
  });

  it('leaves nothing running after an abort while it starts', async () => {
    const abort = new AbortController();
    const started = gnutlsServ.listen(serverPlan(), {}, abort.signal).then(async (h) => h.close(), (err: Error) => err);
    await until(() => descendants(process.pid).length > 0);
    const tree = descendants(process.pid);
    abort.abort(new Error('Ctrl-C'));
    await started;
    await until(() => !tree.some(alive));
    expect(descendants(process.pid).filter(alive)).to.deep.equal([]);
  });

  for (const moment of ['while it serves', 'while its relay starts', 'while a connection is handed over'] as const) {
    it(`leaves nothing running, and no scratch folder, when the process that started it is killed ${moment} (SIGKILL: no cleanup runs)`, async () => {
      const ext = extname(fileURLToPath(import.meta.url));
      const driver = new URL(`../../harness/drivers/portable/external/gnutls-serv${ext}`, import.meta.url).href;
      const script = `const { gnutlsServ } = await import(${JSON.stringify(driver)});
        const h = await gnutlsServ.listen(JSON.parse(process.argv[1]), {}, new AbortController().signal);
        if (process.argv[2] === 'while a connection is handed over') {
          // dies before the relay's socket arrives, so the relay waits for an acknowledgement in vain
          const { connect } = await import('node:net');
          connect(h.port, h.host).once('connect', () => process.kill(process.pid, 'SIGKILL'));
        }
        console.log(h.port); setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, [...(ext === '.ts' ? ['--import', 'tsx'] : []), '--input-type=module', '-e', script, JSON.stringify(serverPlan()), moment], { stdio: ['ignore', 'pipe', 'inherit'] });
      const relay = () => descendants(child.pid!).find((pid) => commandLine(pid).some((arg) => arg.endsWith('netns-relay.js') || arg.endsWith('netns-relay.ts')));
      await until(() => relay() !== undefined);
      // unshare, the relay and gnutls-serv all name the scratch folder: found by it once orphaned too
      const scratch = commandLine(relay()!).find((arg) => arg.startsWith(join(tmpdir(), 'tlsgate-gnutls-serv-')));
      expect(scratch, commandLine(relay()!).join(' ')).to.be.a('string');
      const mentioning = () => [...parents().keys()].filter((pid) => alive(pid) && commandLine(pid).some((arg) => arg.includes(scratch!)));
      if (moment === 'while it serves') await new Promise((resolve) => child.stdout.once('data', resolve));
      if (moment === 'while a connection is handed over') await new Promise((resolve) => child.once('exit', resolve));
      else child.kill('SIGKILL');
      await until(() => mentioning().length === 0);
      expect(existsSync(scratch!)).to.equal(false);
    });
  }
});

describe('a machine that refuses the private network namespace', function () {
  this.timeout(120_000);
  it('skips the gnutls-serv scenario saying so and how to allow it, never binding the host interfaces instead', async function () {
    if (!locateTool(TOOLS.gnutlsServ)) this.skip(); // Debian package gnutls-bin
    // a real refusal: a user namespace whose limit of nested user namespaces is 0 (where even
    // that cannot be made, this machine refuses already and tlsgate runs as it is)
    const sandbox = (await namespaceUsable()) ? ['unshare', '--user', '--map-root-user', 'sh', '-c', 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', 'sh'] : [];
    const file = join(builtinScenariosDir(), 'interop', 'renegotiation.yaml');
    const [command, ...args] = [...sandbox, process.execPath, ...CLI, 'run', '--reporter', 'json', '--grep', 'refused by default', file];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(command!, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 24 }, (err, out, stderr) => (out ? resolve(out) : reject(new Error(`${err?.message ?? ''} ${stderr}`))));
    });
    const results = (JSON.parse(stdout) as { results: { status: string; message?: string }[] }).results;
    expect(results.map((r) => r.status)).to.deep.equal(['skipped']);
    expect(results[0]!.message).to.match(/^gnutls-serv binds every interface; tlsgate runs it in a private network namespace \(unshare -rn\), which this machine refuses \(.+\): allow user namespaces \(sysctl kernel\.unprivileged_userns_clone=1/);
  });
});

/** what one connection shows: the client's events and what the server read, in order */
interface Seen {
  client: string[];
  server: string[];
}

/**
 * One connection to `server` (behaving as `serve` says), direct or through a bridge; the client
 * runs `talk`. Returns what each end saw.
 */
async function exchange(viaBridge: boolean, serve: (s: Socket, seen: string[]) => void, talk: (c: Socket) => void): Promise<Seen> {
  const seen: Seen = { client: [], server: [] };
  let server!: Server;
  const serverClosed = new Promise<void>((resolve) => {
    server = createServer({ allowHalfOpen: true }, (s) => {
      s.on('data', (d) => seen.server.push(`data ${String(d)}`));
      s.on('end', () => seen.server.push('end'));
      s.on('error', (e: NodeJS.ErrnoException) => seen.server.push(`error ${e.code}`));
      s.on('close', () => resolve());
      serve(s, seen.server);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const inner = (server.address() as AddressInfo).port;
  const bridge = viaBridge ? await LoopbackBridge.open('127.0.0.1', async () => connectedSocket(inner)) : undefined;
  try {
    const client = connect({ port: bridge?.port ?? inner, host: '127.0.0.1', allowHalfOpen: true });
    const clientClosed = new Promise<void>((resolve) => {
      client.on('data', (d) => seen.client.push(`data ${String(d)}`));
      client.on('end', () => seen.client.push('end'));
      client.on('error', (e: NodeJS.ErrnoException) => seen.client.push(`error ${e.code}`));
      client.on('close', () => resolve());
    });
    client.once('connect', () => talk(client));
    await Promise.all([clientClosed, serverClosed]);
    return seen;
  } finally {
    await bridge?.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

function connectedSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s)).once('error', reject);
  });
}

const later = (f: () => void) => setTimeout(f, 20);

describe('the loopback bridge', () => {
  const cases: Record<string, [(s: Socket, seen: string[]) => void, (c: Socket) => void]> = {
    'a half-close each way, the other direction still open': [
      (s) => s.once('end', () => s.end('after your FIN')),
      (c) => c.end('ping'),
    ],
    'a reset from the server': [
      (s) => s.once('data', () => s.resetAndDestroy()),
      (c) => c.write('ping'),
    ],
    'a reset from the client': [
      () => undefined,
      (c) => c.write('ping', () => later(() => c.resetAndDestroy())),
    ],
  };
  for (const [name, [serve, talk]] of Object.entries(cases)) {
    it(`passes ${name} as a direct connection does`, async () => {
      const direct = await exchange(false, serve, talk);
      const bridged = await exchange(true, serve, talk);
      expect(bridged).to.deep.equal(direct);
    });
  }

  it('shows a reset as a reset (the comparison can tell a reset from a close)', async () => {
    const reset = await exchange(false, (s) => s.once('data', () => s.resetAndDestroy()), (c) => c.write('ping'));
    const closed = await exchange(true, (s) => s.once('data', () => s.end()), (c) => c.write('ping', () => later(() => c.end())));
    expect(reset.client).to.deep.equal(['error ECONNRESET']);
    expect(closed.client).to.deep.equal(['end']);
  });
});
