/**
 * Runs the s_server and s_client lines `tlsgate certs` printed, as a user would paste them: the
 * server first (the client starts once it prints ACCEPT), the client with the request the printed
 * `printf` pipes in. Every process has a deadline and is killed on every path.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

/** what s_client reports it negotiated, in Node's spelling (the cipher's standard name) */
export interface Negotiated {
  protocol?: string;
  cipher?: string;
  group?: string;
  /** false: none negotiated */
  alpn?: string | false;
}

export interface PairVerdict {
  outcome: 'accept' | 'reject';
  /** the printed curl line against the same server, when one was printed: exit 0 is accept */
  curl?: { outcome: 'accept' | 'reject'; log: string };
  negotiated: Negotiated;
  /** who refused, when the logs tell: the client's own verification, or an error the server logged */
  side?: 'client' | 'server';
  serverLog: string;
  clientLog: string;
}

/** another process took the port between choosing it and s_server binding it: print the lines again with another */
export class PortTaken extends Error {
  constructor() {
    super('the port was taken before s_server could bind it');
  }
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

/** the printed curl line's words, if there is one */
function curlWords(printed: string): string[] | undefined {
  const line = printed.split('\n').find((l) => l.startsWith('curl '));
  return line ? shellWords(line).slice(1) : undefined;
}

function launch(args: string[], command = 'openssl'): Running {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // a client that gave up on the handshake exits without reading the request: EPIPE is its verdict, not ours
  child.stdin!.on('error', () => undefined);
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

/** the curl line, as a second client of the same s_server (it serves one connection after another) */
async function runCurl(printed: string, timeoutMs: number): Promise<PairVerdict['curl']> {
  const words = curlWords(printed);
  if (!words) return undefined;
  const curl = launch(words, 'curl');
  try {
    curl.child.stdin!.end();
    const code = await within(curl.exited, timeoutMs, 'curl');
    return { outcome: code === 0 ? 'accept' : 'reject', log: curl.log() };
  } finally {
    if (curl.child.exitCode === null && curl.child.signalCode === null) curl.child.kill('SIGKILL');
    await curl.exited;
  }
}

function negotiated(clientLog: string): Negotiated {
  // the session's protocol as SSL_get_version spells it (TLSv1, not the cipher table's TLSv1.0), as Node does
  const protocol = /^\s*Protocol\s*: (\S+)/m.exec(clientLog);
  const cipher = /^New, \S+, Cipher is ([^(\s]\S*)/m.exec(clientLog);
  const tempKey = /^Server Temp Key: (?:ECDH, )?([^,\s]+)/m.exec(clientLog);
  const alpn = /^ALPN protocol: (\S+)/m.exec(clientLog);
  return {
    ...(protocol ? { protocol: protocol[1]! } : {}),
    ...(cipher ? { cipher: standardCipherName(cipher[1]!) } : {}),
    ...(tempKey ? { group: tempKey[1]! } : {}),
    ...(alpn ? { alpn: alpn[1]! } : /^No ALPN negotiated/m.test(clientLog) ? { alpn: false } : {}),
  };
}

const standardNames = new Map<string, string>();

/** OpenSSL's name of a cipher -> its standard (IANA) name, as `openssl ciphers -stdname` says */
function standardCipherName(name: string): string {
  if (name.startsWith('TLS_')) return name;
  let standard = standardNames.get(name);
  if (!standard) {
    // lines are `STANDARD - OPENSSL-NAME ...`, TLS 1.3 suites always listed first
    const lines = execFileSync('openssl', ['ciphers', '-stdname', name], { encoding: 'utf8' }).split('\n');
    const line = lines.find((l) => l.split(/\s+/)[2] === name);
    standard = line?.split(/\s+/)[0] ?? name;
    standardNames.set(name, standard);
  }
  return standard;
}

const CLIENT_VERIFY_FAILED = /verify error:num=|certificate verify failed/;
const SERVER_ERROR = /:error:|verify error:num=/;

/** `timeoutMs` bounds each process (a hang guard, generous for a loaded machine), not the verdict */
export async function runPrintedPair(printed: string, timeoutMs = 30_000): Promise<PairVerdict> {
  const server = launch(opensslWords(printed, 's_server'));
  let client: Running | undefined;
  try {
    server.child.stdin!.end();
    if (!(await within(listening(server), timeoutMs, 's_server start'))) {
      if (/Address already in use/.test(server.log())) throw new PortTaken();
      return { outcome: 'reject', side: 'server', negotiated: {}, serverLog: server.log(), clientLog: '' };
    }
    client = launch(opensslWords(printed, 's_client'));
    client.child.stdin!.end(pipedRequest(printed));
    await within(client.exited, timeoutMs, 's_client');
    const clientLog = client.log();
    const curl = await runCurl(printed, timeoutMs);
    const withCurl = curl ? { curl } : {};
    // s_client prints its session summary and the bytes it reads through separate buffers, so not line-aligned
    if (/HTTP\/1\.0 200 ok/.test(clientLog)) return { outcome: 'accept', ...withCurl, negotiated: negotiated(clientLog), serverLog: server.log(), clientLog };
    // the server logs its refusal as it sends the alert; the pipe may bring the line a little after the client's exit
    if (!CLIENT_VERIFY_FAILED.test(clientLog)) await logged(server, SERVER_ERROR, 1000);
    const serverLog = server.log();
    const side = CLIENT_VERIFY_FAILED.test(clientLog) ? 'client' : SERVER_ERROR.test(serverLog) ? 'server' : undefined;
    return { outcome: 'reject', ...withCurl, ...(side ? { side } : {}), negotiated: negotiated(clientLog), serverLog, clientLog };
  } finally {
    for (const p of [client, server]) {
      if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }
    await Promise.all([client?.exited, server.exited]);
  }
}
