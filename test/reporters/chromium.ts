/**
 * Headless Chromium (Debian package `chromium`) for tests that open a page the way a reader
 * does: `--dump-dom` prints the DOM after the page's script has run, `--screenshot` a PNG.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_MISSING = 'chromium (Debian package chromium) not installed';

/** the chromium binary, or undefined when it is not installed */
export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    const probe = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return name;
  }
  return undefined;
}

/** the page's DOM after its scripts ran, with `hash` (e.g. `status=failed`) in the URL */
export async function dumpDom(chromium: string, file: string, hash = ''): Promise<string> {
  const url = `${pathToFileURL(file).href}${hash ? `#${hash}` : ''}`;
  return runChromium(chromium, ['--dump-dom', url]);
}

export async function screenshot(chromium: string, file: string, png: string, size = '1200,900'): Promise<void> {
  await runChromium(chromium, [`--window-size=${size}`, '--hide-scrollbars', `--screenshot=${png}`, pathToFileURL(file).href]);
}

/** one browser per call, with its own profile folder (removed after), so parallel runs do not share one */
async function runChromium(chromium: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'tlsgate-chromium-'));
  try {
    const child = spawn(chromium, ['--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', `--user-data-dir=${profile}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`chromium ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`);
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
