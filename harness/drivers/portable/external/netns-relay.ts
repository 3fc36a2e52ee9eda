/**
 * The first process inside a tool's private network namespace (private-network.ts starts it
 * under `unshare`, with the IPC channel of the tlsgate process that owns the tool): brings the
 * namespace's loopback up, starts the tool with this process's stdin, stdout and stderr (the
 * driver reads its observations there, so this process never writes to them), and says on the
 * IPC channel when the tool listens. Then, for each `connect` request, it opens a TCP connection
 * to the tool inside the namespace and hands the connected socket itself back over the channel:
 * tlsgate joins it to the client's connection, TCP to TCP, so nothing is relayed here.
 *
 * It is the namespace's PID 1, so when it ends the kernel ends everything in the namespace; it
 * ends when the tool ends (with the tool's exit status), on SIGTERM/SIGINT (after the tool), and
 * when the channel closes: tlsgate is gone (even by SIGKILL), so the relay also removes the
 * tool's scratch folder (its keys), which tlsgate can no longer do.
 *
 * Usage: node netns-relay.js <ip> <port> <scratch folder> <tool> [tool args...]
 * Node builtins only: it runs on the Node under test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { constants } from 'node:os';
import type { FromRelay, ToRelay } from './relay-protocol.js';

const [ip, portText, scratch, tool, ...toolArgs] = process.argv.slice(2);
const port = Number(portText);
/** how often the namespace's socket table is read while the tool starts */
const POLL_MS = 5;
/** how often the relay checks that tlsgate is still there */
const ORPHAN_CHECK_MS = 100;

const report = (message: FromRelay, socket?: Socket): void => {
  if (process.connected) process.send!(message, socket);
};

let child: ChildProcess | undefined;

function fail(message: string, status: number): never {
  report({ type: 'error', message });
  child?.kill('SIGKILL');
  process.exit(status);
}

/** whether the tool's IPv4 socket listens on the port: in a fresh namespace no one else can */
function toolListens(): boolean {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'latin1').split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[3] === '0A' && fields[1]!.endsWith(portHex);
  });
}

/** a connection to the tool, handed over unread (paused before it connects, so no byte is taken here) */
function connectToTool(id: number): void {
  const socket = connect({ host: '127.0.0.1', port });
  socket.pause();
  socket.once('connect', () => report({ type: 'connected', id }, socket));
  socket.once('error', (err: NodeJS.ErrnoException) => report({ type: 'connect-failed', id, message: err.code ?? err.message }));
}

/** tlsgate is gone: nobody is left to use the tool or to remove its files */
function orphaned(): never {
  child?.kill('SIGKILL');
  rmSync(scratch!, { recursive: true, force: true });
  process.exit(0);
}

function main(): void {
  process.on('uncaughtException', (err) => fail(`relay: ${err.message}`, 70));
  // The channel may have closed before this module ran (tlsgate killed while this process
  // started), and 'disconnect' never comes when it closes while a handed-over socket awaits its
  // acknowledgement (Node's channel then waits for its handle queue): watch `connected` too.
  process.on('disconnect', orphaned);
  if (!process.connected) orphaned();
  setInterval(() => process.connected || orphaned(), ORPHAN_CHECK_MS);
  try {
    execFileSync(ip!, ['link', 'set', 'lo', 'up'], { stdio: 'ignore' });
  } catch (err) {
    fail(`${ip} link set lo up failed in the private network namespace: ${(err as Error).message}`, 71);
  }
  // fd 3 of the tool is /dev/null: the IPC channel stays this process's own
  child = spawn(tool!, toolArgs, { stdio: ['inherit', 'inherit', 'inherit', 'ignore'] });
  child.once('error', (err) => fail(`${tool}: ${err.message}`, 127));
  child.once('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  const poll = setInterval(() => {
    if (!toolListens()) return;
    clearInterval(poll);
    report({ type: 'ready' });
  }, POLL_MS);
  process.on('message', (message: ToRelay) => {
    if (message.type === 'connect') connectToTool(message.id);
  });
  // as PID 1 of its namespace, this process gets only the signals it handles
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child!.kill(signal));
}

main();
