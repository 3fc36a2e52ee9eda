/**
 * Shared helpers for the factory and revocation-server tests. Everything that runs openssl or
 * curl is asynchronous: the CRL server and OCSP responder live in the test's own process, so a
 * synchronous child process would block the event loop they answer on (a deadlock).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together: openssl splits its verdicts between them */
  output: string;
}

/** runs a program without blocking the event loop; never throws on a non-zero exit */
export function run(program: string, args: readonly string[], opts: { input?: string | Buffer; timeoutMs?: number; cwd?: string } = {}): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, output: `${stdout}${stderr}` });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export const openssl = (args: readonly string[], opts: { input?: string | Buffer; timeoutMs?: number; cwd?: string } = {}): Promise<ProcResult> =>
  run('openssl', args, { timeoutMs: 20_000, ...opts });

/** openssl that must succeed; returns its output (stdout + stderr) */
export async function opensslOk(args: readonly string[], opts: { input?: string | Buffer; cwd?: string } = {}): Promise<string> {
  const r = await openssl(args, opts);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} exited ${r.code}:\n${r.output}`);
  return r.output;
}

/** promisified execFile, for the rare caller that wants it raw */
export function execFileAsync(file: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], (error, stdout, stderr) => (error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr })));
  });
}

/** a fresh temp dir with a `cleanup()` */
export async function tempDir(prefix = 'tlsgate-test-'): Promise<{ dir: string; file(name: string): string; write(name: string, data: string | Buffer): Promise<string>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    file: (name) => join(dir, name),
    write: async (name, data) => {
      const path = join(dir, name);
      await writeFile(path, data);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface FileInfo {
  path: string;
  mode: number;
  mtimeMs: number;
  ino: number;
  size: number;
}

/** every file and folder under `dir`, recursively: relative path -> info; folders end in `/` */
export async function listFiles(dir: string): Promise<Map<string, FileInfo>> {
  const out = new Map<string, FileInfo>();
  const walk = async (sub: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(dir, sub), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const rel = sub ? join(sub, e.name) : e.name;
      if (e.isDirectory()) {
        const s = await stat(join(dir, rel));
        out.set(`${rel}/`, { path: join(dir, rel), mode: s.mode & 0o777, mtimeMs: s.mtimeMs, ino: s.ino, size: s.size });
        await walk(rel);
      } else {
        const s = await stat(join(dir, rel));
        out.set(rel, { path: join(dir, rel), mode: s.mode & 0o777, mtimeMs: s.mtimeMs, ino: s.ino, size: s.size });
      }
    }
  };
  await walk('');
  return out;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** ms from request start to the end of the body */
  ms: number;
  /** ms between consecutive body chunks */
  chunkTimes: number[];
}

/**
 * One HTTP request on its own connection (agent: false), so no pooled socket outlives the
 * test. `maxBytes`: stop reading (and destroy the socket) after this many body bytes.
 */
export function http(url: string, opts: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string; timeoutMs?: number; maxBytes?: number; signal?: AbortSignal } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false, ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      const chunkTimes: number[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        chunkTimes.push(performance.now() - started);
        size += c.length;
        if (opts.maxBytes !== undefined && size >= opts.maxBytes) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started, chunkTimes });
          res.destroy();
          req.destroy();
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started, chunkTimes }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
    });
    req.on('error', reject);
    if (opts.timeoutMs !== undefined) {
      req.setTimeout(opts.timeoutMs, () => {
        const e = Object.assign(new Error(`timed out after ${opts.timeoutMs} ms`), { code: 'TEST_TIMEOUT' });
        req.destroy(e);
      });
    }
    req.end(opts.body);
  });
}

/** base64 then URL-encoded, as RFC 5019 GET wants it in the path */
export const ocspGetPath = (der: Buffer): string => encodeURIComponent(der.toString('base64'));

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** openssl's date format: `Mar  4 05:06:07 2025 GMT` */
export function opensslDate(d: Date): string {
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}
