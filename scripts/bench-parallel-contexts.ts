/**
 * Why the engine workers are processes: the same work (server secure contexts from a PEM key and
 * certificate, what every scenario's server makes) in 1 and 2 worker threads and in 2 worker
 * processes. OpenSSL 3 makes the threads of one process share locks, so threads are slower than
 * their count says; processes each run as one would alone. Timed from a common start, once
 * every worker is up (their start is not what is measured). Run by bench.ts; this file is also
 * the workers' entry (as a thread, or as a process with the argument `process`).
 */
import { fork } from 'node:child_process';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Row } from './bench-lib.js';

interface Material {
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

function thread(material: Material): Started {
  const worker = new Worker(self, { workerData: material });
  return started((on) => worker.on('message', on), () => worker.postMessage('go'), (fail) => worker.once('error', fail));
}

function processOf(material: Material): Started {
  const child = fork(self, ['process', JSON.stringify(material)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

async function contextsPerSecond(workers: Started[], count: number): Promise<number> {
  await Promise.all(workers.map((w) => w.ready));
  const t = performance.now();
  workers.forEach((w) => w.go());
  await Promise.all(workers.map((w) => w.done));
  return (workers.length * count * 1000) / (performance.now() - t);
}

/** rows: contexts per second in 1 thread, 2 threads and 2 processes (each worker makes `count`) */
export async function parallelContextRows(count: number): Promise<Row[]> {
  const { issuePki } = await import('../ca/issue/factory.js');
  const m = await issuePki({ certs: [{ id: 'leaf', role: 'server', subject: 'CN=localhost', san: { dns: ['localhost'] } }] });
  const material: Material = { key: m.get('leaf').keyPem, cert: m.get('leaf').pem, count };
  const single = await contextsPerSecond([thread(material)], count);
  const threads = await contextsPerSecond([thread(material), thread(material)], count);
  const processes = await contextsPerSecond([processOf(material), processOf(material)], count);
  const row = (name: string, value: number): Row => ({ name: `secure contexts, ${name}`, unit: 'ctx/s', value, note: `${(value / single).toFixed(2)}x one thread${name.startsWith('2') ? ' (2 cores: 2x at best)' : ''}` });
  return [row('1 worker thread', single), row('2 worker threads', threads), row('2 worker processes', processes)];
}

/** a worker: says it is ready, makes `count` contexts when told to go, says it is done */
function work(material: Material, post: (m: string) => void, onGo: (f: () => void) => void): void {
  onGo(() => {
    for (let i = 0; i < material.count; i++) createSecureContext({ key: material.key, cert: material.cert, ca: material.cert });
    post('done');
  });
  post('ready');
}

if (!isMainThread) {
  work(workerData as Material, (m) => parentPort!.postMessage(m), (f) => parentPort!.once('message', f));
} else if (process.argv[2] === 'process') {
  work(JSON.parse(process.argv[3]!) as Material, (m) => {
    process.send!(m);
    if (m === 'done') process.disconnect();
  }, (f) => process.once('message', f));
}
