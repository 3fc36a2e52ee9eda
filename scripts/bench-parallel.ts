/**
 * What this machine gives to parallel work, the ceiling for `--workers`:
 * - bare handshakes (a fresh node:tls server each, client and server in one process, what a
 *   scenario's handshake costs) in 1 and in 2 processes: how far 2 cores beat 1 here;
 * - server secure contexts from a PEM key and certificate (what every scenario's server makes)
 *   in 1 thread, 2 threads and 2 processes: why the workers are processes. OpenSSL 3 makes the
 *   threads of one process share locks, so threads gain less than processes.
 * Each is timed from a common start, once every worker is up (their start is not measured).
 * Run by bench.ts; this file is also the workers' entry (a thread, or a process: `process`).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect, createSecureContext, createServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Row } from './bench-lib.js';

interface Work {
  kind: 'contexts' | 'handshakes';
  key: string;
  cert: string;
  count: number;
}

/** a started worker: `go` starts its loop, `done` ends with it */
interface Started {
  ready: Promise<void>;
  go(): void;
  done: Promise<void>;
}

const self = fileURLToPath(import.meta.url);

function thread(work: Work): Started {
  const worker = new Worker(self, { workerData: work });
  return started((on) => worker.on('message', on), () => worker.postMessage('go'), (fail) => worker.once('error', fail));
}

function processOf(work: Work): Started {
  const child = fork(self, ['process', JSON.stringify(work)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return started((on) => child.on('message', on), () => child.send('go'), (fail) => child.once('error', fail));
}

function started(onMessage: (f: (m: unknown) => void) => void, go: () => void, onError: (f: (e: Error) => void) => void): Started {
  let ready!: () => void;
  let done!: () => void;
  const result: Started = { ready: new Promise((r) => { ready = r; }), go, done: new Promise((r) => { done = r; }) };
  onMessage((m) => (m === 'ready' ? ready() : done()));
  onError((err) => { throw err; });
  return result;
}

/** operations per second of all the workers together */
async function perSecond(workers: Started[], count: number): Promise<number> {
  await Promise.all(workers.map((w) => w.ready));
  const t = performance.now();
  workers.forEach((w) => w.go());
  await Promise.all(workers.map((w) => w.done));
  return (workers.length * count * 1000) / (performance.now() - t);
}

/** rows: handshakes in 1 and 2 processes, contexts in 1 thread, 2 threads and 2 processes (each worker does `count`) */
export async function parallelRows(count: number): Promise<Row[]> {
  const { issuePki } = await import('../ca/issue/factory.js');
  const m = await issuePki({ certs: [{ id: 'leaf', role: 'server', subject: 'CN=localhost', san: { dns: ['localhost'] } }] });
  const base = { key: m.get('leaf').keyPem, cert: m.get('leaf').pem, count };
  const handshakes: Work = { ...base, kind: 'handshakes', count: Math.ceil(count / 4) };
  const contexts: Work = { ...base, kind: 'contexts' };
  const oneProcess = await perSecond([processOf(handshakes)], handshakes.count);
  const twoProcesses = await perSecond([processOf(handshakes), processOf(handshakes)], handshakes.count);
  const oneThread = await perSecond([thread(contexts)], count);
  const twoThreads = await perSecond([thread(contexts), thread(contexts)], count);
  const twoContextProcesses = await perSecond([processOf(contexts), processOf(contexts)], count);
  const row = (name: string, unit: string, value: number, one: number): Row =>
    ({ name, unit, value, note: `${(value / one).toFixed(2)}x one${value === one ? '' : ' (2 cores: 2x at best)'}` });
  return [
    row('bare handshakes, 1 process', 'hs/s', oneProcess, oneProcess),
    row('bare handshakes, 2 processes: what 2 cores give here', 'hs/s', twoProcesses, oneProcess),
    row('secure contexts, 1 worker thread', 'ctx/s', oneThread, oneThread),
    row('secure contexts, 2 worker threads', 'ctx/s', twoThreads, oneThread),
    row('secure contexts, 2 worker processes', 'ctx/s', twoContextProcesses, oneThread),
  ];
}

/** one handshake against a fresh server, both ends here, as a scenario's (the client reads the peer chain) */
async function handshake(key: string, cert: string): Promise<void> {
  const server = createServer({ key, cert }, (socket) => socket.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const socket = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: cert });
  await once(socket, 'secureConnect');
  socket.getPeerCertificate(true);
  socket.resume();
  await once(socket, 'end');
  socket.destroy();
  await new Promise((r) => server.close(r));
}

/** a worker: says it is ready, does its work when told to go, says it is done */
function work(w: Work, post: (m: string) => void, onGo: (f: () => void) => void): void {
  onGo(async () => {
    if (w.kind === 'contexts') for (let i = 0; i < w.count; i++) createSecureContext({ key: w.key, cert: w.cert, ca: w.cert });
    // two at a time, as a worker runs two scenarios
    else for (let i = 0; i < w.count; i += 2) await Promise.all([handshake(w.key, w.cert), handshake(w.key, w.cert)]);
    post('done');
  });
  post('ready');
}

if (!isMainThread) {
  work(workerData as Work, (m) => parentPort!.postMessage(m), (f) => parentPort!.once('message', f));
} else if (process.argv[2] === 'process') {
  work(JSON.parse(process.argv[3]!) as Work, (m) => {
    process.send!(m);
    if (m === 'done') process.disconnect();
  }, (f) => process.once('message', f));
}
