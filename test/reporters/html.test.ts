/**
 * `--reporter html:DIR` end to end: a real run (one pass, one failure whose name is a script
 * tag) against a baseline doctored to record a refusal where the stack now accepts (a security
 * regression) and another OpenSSL, then the page opened in headless Chromium. Filters are driven
 * through the URL hash, which the page reads on load.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tlsgate } from '../cli/spawn.js';
import { CHROMIUM_MISSING, dumpDom, findChromium } from './chromium.js';

const FIXTURES = join(ROOT, 'test/reporters/fixtures/html');
const CHROMIUM = findChromium();
/** a browser test runs only where Chromium is installed, and says so in its title where it is not */
const inBrowser = (title: string, fn: (chromium: string) => Promise<void>) =>
  CHROMIUM ? it(title, () => fn(CHROMIUM)) : it.skip(`${title} (SKIPPED: ${CHROMIUM_MISSING})`);

/** records the fixtures' baseline, then makes it say the passing scenario was refused, on another OpenSSL */
async function doctoredBaseline(dir: string, certs: string[]): Promise<string> {
  const baseline = join(dir, 'baseline.json');
  await tlsgate(['run', FIXTURES, ...certs, '--update-baseline', baseline], { cwd: ROOT });
  const recorded = JSON.parse(readFileSync(baseline, 'utf8'));
  recorded.stack.versions.openssl = '3.0.0-recorded';
  const key = Object.keys(recorded.scenarios).find((k) => k.endsWith('#trusted leaf accepted'))!;
  recorded.scenarios[key].connections = [{ outcome: 'rejected', category: 'untrusted', code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', side: 'client', revocationChecked: [] }];
  writeFileSync(baseline, JSON.stringify(recorded));
  return baseline;
}

/** status and hidden-ness of each scenario, in page order, from the DOM */
function scenarios(dom: string): Array<{ status: string; hidden: boolean }> {
  return [...dom.matchAll(/<details class="scenario item (\w+)"([^>]*)>/g)].map((m) => ({ status: m[1]!, hidden: /\shidden(="")?/.test(m[2]!) }));
}

describe('--reporter html:DIR (spawned CLI, real handshakes, headless Chromium)', function () {
  this.timeout(180_000);
  let dir: string;
  let page: string;
  let run: { code: number | null; stdout: string; stderr: string };

  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-html-'));
    const certs = ['--certs', join(dir, 'certs')];
    const baseline = await doctoredBaseline(dir, certs);
    run = await tlsgate(['run', FIXTURES, ...certs, '--baseline', baseline, '--reporter', 'console', '--reporter', `html:${join(dir, 'report')}`], { cwd: ROOT });
    page = join(dir, 'report', 'index.html');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes DIR/index.html for a run that fails (exit 1), self-contained: no external URL, a policy refusing fetches, no raw markup from the scenario', () => {
    expect(run.code, run.stdout + run.stderr).to.equal(1);
    const html = readFileSync(page, 'utf8');
    expect(html).to.match(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html).not.to.match(/\b(src|href)\s*=|<link\b|@import|url\(|https?:\/\//i);
    expect(html.match(/<script/g)).to.have.length(1); // the page's own, and no other
    expect(html).to.include('&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; expected refused');
  });

  inBrowser('in Chromium: the failure first and open, the injected script not run, the drift with its stack change', async (chromium) => {
    const dom = await dumpDom(chromium, page);
    expect(dom).to.match(/<title>tlsgate: 1 failing<\/title>/);
    expect(dom).not.to.include('pwned</title>');
    expect(scenarios(dom).map((s) => s.status)).to.deep.equal(['failed', 'passed']);
    expect(dom).to.match(/<details class="scenario item failed"[^>]* open=""/);
    expect(dom).to.include('showing 2 of 2');
    expect(dom).to.match(/security-regression \(1\) <span class="badge failed">fails the gate/);
    expect(dom).to.match(/<td>versions\.openssl<\/td><td>3\.0\.0-recorded<\/td><td>\d+\.\d+\.\d+[^<]*<\/td>/);
    expect(dom).to.match(/<th>protocol<\/th><td>TLSv1\.[23]<\/td>/);
  });

  for (const [hash, shown] of [
    ['status=failed', ['failed']],
    ['status=passed', ['passed']],
    ['tag=flipped', ['failed']],
    [`folder=${encodeURIComponent('test/reporters/fixtures/html/basic')}`, ['passed']],
    ['drift=security-regression', ['passed']],
    ['status=failed&drift=security-regression', []],
  ] as const) {
    inBrowser(`in Chromium: #${hash} shows ${shown.join(', ') || 'nothing'}`, async (chromium) => {
      const dom = await dumpDom(chromium, page, hash);
      expect(scenarios(dom).filter((s) => !s.hidden).map((s) => s.status)).to.deep.equal(shown);
      expect(dom).to.include(`showing ${shown.length} of 2`);
    });
  }

  it('html:PATH where PATH is a file: exit 2 naming the flag, before anything runs', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await tlsgate(['run', FIXTURES, '--certs', join(dir, 'certs'), '--reporter', `html:${file}`], { cwd: ROOT });
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/--reporter html:\S*a-file: \S*a-file is a file, not a folder/);
  });
});

describe('tlsgate matrix --html DIR (two runtimes: this Node twice, by path; real handshakes, headless Chromium)', function () {
  this.timeout(180_000);
  let dir: string;
  let page: string;
  let run: { code: number | null; stdout: string; stderr: string };
  const runtimes = `${process.execPath},${process.execPath}`;

  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-matrix-html-'));
    const certs = ['--certs', join(dir, 'certs')];
    const baseline = await doctoredBaseline(dir, certs);
    run = await tlsgate(['matrix', FIXTURES, '--node', runtimes, ...certs, '--node-cache', join(dir, 'node-cache'), '--baseline', baseline, '--html', join(dir, 'matrix')], { cwd: ROOT });
    page = join(dir, 'matrix', 'index.html');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes DIR/index.html, self-contained, a row per scenario with a verdict button per runtime, the failing row first', () => {
    expect(run.code, run.stdout + run.stderr).to.equal(1);
    const html = readFileSync(page, 'utf8');
    expect(html).not.to.match(/\b(src|href)\s*=|<link\b|@import|url\(|https?:\/\//i);
    expect(html.match(/<script/g)).to.have.length(1);
    const rows = [...html.matchAll(/<tr class="item" data-status="([^"]*)"/g)].map((m) => m[1]);
    expect(rows).to.deep.equal(['failed', 'passed']);
    expect(html.match(/<button type="button" class="failed" data-cell="0-[01]"/g)).to.have.length(2);
    expect(html.match(/<button type="button" class="passed" data-cell="1-[01]"/g)).to.have.length(2);
  });

  inBrowser('in Chromium: no cell is shown until one is chosen; #cell=0-1 shows the failure on the second runtime, with its observation', async (chromium) => {
    const panels = (dom: string) => [...dom.matchAll(/<section class="cell-panel" data-cell="([\d-]+)"( hidden="")?>/g)].filter((m) => !m[2]).map((m) => m[1]);
    expect(panels(await dumpDom(chromium, page))).to.deep.equal([]);
    const dom = await dumpDom(chromium, page, 'cell=0-1');
    expect(panels(dom)).to.deep.equal(['0-1']);
    expect(dom).not.to.include('pwned</title>');
    const shown = dom.slice(dom.indexOf('<section class="cell-panel" data-cell="0-1">'));
    expect(shown).to.match(/&lt;script&gt;document\.title=.*expected refused on node \d+\.\d+\.\d+ #2<\/h3>/);
    expect(shown).to.match(/<th>outcome<\/th><td>accepted<\/td>/);
    expect(dom).to.match(/<button type="button" class="failed selected" data-cell="0-1"/);
  });

  inBrowser('in Chromium: the filters work on rows (#status=passed leaves the passing row)', async (chromium) => {
    const dom = await dumpDom(chromium, page, 'status=passed');
    const rows = [...dom.matchAll(/<tr class="item" data-status="([^"]*)"[^>]*?( hidden="")?>/g)].filter((m) => !m[2]).map((m) => m[1]);
    expect(rows).to.deep.equal(['passed']);
    expect(dom).to.include('showing 1 of 2');
  });
});
