/**
 * Runs the s_server and s_client lines `tlsgate certs` printed, as a user would paste them: the
 * server first (the client starts once it prints ACCEPT), the client with the request the printed
 * `printf` pipes in. Every process has a deadline and is killed on every path.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface PairVerdict {
  outcome: 'accept' | 'reject';
  /** who refused, when the logs tell: the client's own verification, or an error the server logged */
  side?: 'client' | 'server';
  serverLog: string;
  clientLog: string;
}

/** the words of a printed line after `openssl`, undoing the printer's single quotes */
export function opensslWords(printed: string, command: 's_server' | 's_client'): string[] {
  const line = printed.split('\n').find((l) => l.startsWith(`openssl ${command} `) || l.includes(`| openssl ${command} `));
  if (!line) throw new Error(`no 'openssl ${command}' line in:\n${printed}`);
  return shellWords(line.slice(line.indexOf(`openssl ${command} `) + 'openssl '.length));
}

/** single-quoted and bare words only: what the printer writes */
function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/(?:'[^']*'|\\'|[^\s'\\]+)+/g)) {
    words.push(m[0].replace(/'([^']*)'|\\(')/g, (_, quoted: string | undefined, escaped: string | undefined) => quoted ?? escaped ?? ''));
  }
  return words;
}

/** the `printf '...'` the client line pipes in, as bytes */
export function pipedRequest(printed: string): string {
  const m = /^printf '([^']*)' \| openssl s_client /m.exec(printed);
  if (!m) throw new Error('the s_client line pipes in no request');
  return m[1]!.replace(/\\r/g, '\r').replace(/\\n/g, '\n');
}

interface Running {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function launch(args: string[]): Running {
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // kept apart: interleaved, a stderr line can split a stdout line in two
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (e) => { err += String(e); resolve(null); });
    child.on('close', (code) => resolve(code));
  });
  return { child, log: () => `${out}\n${err}`, exited };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms); }),
  ]);
}

/** resolves true once the server listens, false if it exited first (it refused its own configuration) */
function listening(server: Running): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => { if (/^ACCEPT$/m.test(server.log())) resolve(true); };
    server.child.stdout!.on('data', check);
    void server.exited.then(() => resolve(/^ACCEPT$/m.test(server.log())));
    check();
  });
}

/** waits (at most `ms`) for the process's log to match */
function logged(p: Running, pattern: RegExp, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); p.child.stdout!.off('data', check); resolve(); };
    const check = () => { if (pattern.test(p.log())) done(); };
    const timer = setTimeout(done, ms);
    p.child.stdout!.on('data', check);
    void p.exited.then(done);
    check();
  });
}

const CLIENT_VERIFY_FAILED = /verify error:num=|certificate verify failed/;
const SERVER_ERROR = /:error:|verify error:num=/;

export async function runPrintedPair(printed: string, timeoutMs = 10_000): Promise<PairVerdict> {
  const server = launch(opensslWords(printed, 's_server'));
  let client: Running | undefined;
  try {
    server.child.stdin!.end();
    if (!(await within(listening(server), timeoutMs, 's_server start'))) {
      return { outcome: 'reject', side: 'server', serverLog: server.log(), clientLog: '' };
    }
    client = launch(opensslWords(printed, 's_client'));
    client.child.stdin!.end(pipedRequest(printed));
    await within(client.exited, timeoutMs, 's_client');
    const clientLog = client.log();
    // s_client prints its session summary and the bytes it reads through separate buffers, so not line-aligned
    if (/HTTP\/1\.0 200 ok/.test(clientLog)) return { outcome: 'accept', serverLog: server.log(), clientLog };
    // the server logs its refusal as it sends the alert; the pipe may bring the line a little after the client's exit
    if (!CLIENT_VERIFY_FAILED.test(clientLog)) await logged(server, SERVER_ERROR, 1000);
    const serverLog = server.log();
    const side = CLIENT_VERIFY_FAILED.test(clientLog) ? 'client' : SERVER_ERROR.test(serverLog) ? 'server' : undefined;
    return { outcome: 'reject', ...(side ? { side } : {}), serverLog, clientLog };
  } finally {
    for (const p of [client, server]) {
      if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }
    await Promise.all([client?.exited, server.exited]);
  }
}
