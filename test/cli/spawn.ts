/** Spawning the tlsgate CLI (or a test child script) the way a user or CI would, for CLI tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** `.ts` when mocha runs the sources through tsx, `.js` when `npm test` runs the build */
const ext = extname(fileURLToPath(import.meta.url));

function repoRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export const ROOT = repoRoot();

/** the built bin under `npm test`, the sources through tsx otherwise */
export const CLI: string[] = ext === '.js'
  ? [join(ROOT, 'dist', 'harness', 'cli', 'main.js')]
  : ['--import', 'tsx', join(ROOT, 'harness', 'cli', 'main.ts')];

export const sibling = (name: string): string[] => ['--import', 'tsx', join(here, `${name}${ext}`)];

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `node`: the Node binary to run it with (default: this one), e.g. a matrix build of another major */
export function start(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; node?: string; detached?: boolean } = {}): ChildProcess & { done: Promise<Finished> } {
  const child = spawn(opts.node ?? process.execPath, args, {
    // detached: a process group of its own, which a test can signal as a terminal's Ctrl-C does
    detached: opts.detached ?? false,
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return Object.assign(child, { done });
}

export const tlsgate = (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; node?: string } = {}): Promise<Finished> =>
  start([...CLI, ...args], opts).done;

/** resolves when the child's stdout has printed `text` */
export function waitForOutput(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (d: Buffer | string) => {
      seen += d.toString();
      if (seen.includes(text)) resolve();
    });
    child.on('close', () => reject(new Error(`child exited before printing ${JSON.stringify(text)}`)));
  });
}
