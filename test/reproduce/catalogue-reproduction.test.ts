/**
 * `tlsgate certs` reproduces what it says it reproduces: for every catalogue scenario, the
 * printed openssl s_server and s_client lines run for real on 127.0.0.1, and their verdict
 * (accept/reject, who refused where the logs tell, and the protocol, cipher, group and ALPN
 * s_client negotiated where the scenario expects them) equals the scenario's expectation; so
 * does the printed curl line's (exit 0 or not), where one is printed. A
 * scenario the lines cannot express must say why, and most of the catalogue must be expressible.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeScenarioCerts } from '../../harness/cli/commands/certs.js';
import type { Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { sharedCertsDir } from '../robustness/support/certs-cache.js';
import { PortTaken, runPrintedPair, type PairVerdict } from './openssl-pair.js';

/** a free loopback port for one s_server (IPv6 scenarios listen on ::1) */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().on('error', reject).listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** the verdict of the scenario's first connection, as far as an openssl pair can tell it */
function disagreement(s: Scenario, got: PairVerdict): string | undefined {
  const want = s.expect;
  const outcome = got.outcome === 'accept' ? 'accept' : 'reject';
  if (outcome !== want.outcome) return `expected ${want.outcome}, openssl says ${outcome}`;
  if (got.curl && got.curl.outcome !== want.outcome) return `expected ${want.outcome}, the curl line says ${got.curl.outcome}: ${got.curl.log.trim().split('\n').at(-1)}`;
  if (want.outcome === 'reject' && want.side && got.side !== want.side) return `expected the ${want.side} to refuse, openssl says ${got.side ?? 'unknown side'}`;
  if (want.outcome === 'accept') {
    for (const field of ['protocol', 'cipher', 'group', 'alpn'] as const) {
      if (want[field] !== undefined && got.negotiated[field] !== want[field]) {
        return `expected ${field} ${String(want[field])}, openssl negotiated ${String(got.negotiated[field])}`;
      }
    }
  }
  return undefined;
}

/** at most `limit` at once */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

const tail = (log: string) => log.split('\n').filter((l) => /error|verify|alert|HTTP|ACCEPT/i.test(l)).slice(-4).join(' | ');

describe('tlsgate certs: the printed openssl commands reproduce every catalogue scenario they can express', function () {
  this.timeout(600_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-reproduce-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs s_server and s_client for each expressible scenario and gets its verdict; the rest say why', async () => {
    const { scenarios, problems } = await loadScenarios([builtinScenariosDir()]);
    expect(problems).to.deep.equal([]);
    const reproduced: string[] = [];
    const notExpressible: string[] = [];
    const disagreements: string[] = [];
    let withCurl = 0;
    await eachLimited(scenarios, 3, async (s, i) => {
      const print = async () => writeScenarioCerts(s, { out: join(dir, String(i)), certsDir: sharedCertsDir(), port: await freePort(s.client.connect) });
      let written = await print();
      if (!written.reproduction.expressible) {
        expect(written.text).to.include(`# not reproducible with openssl: ${written.reproduction.reason}`);
        expect(written.text).to.not.match(/^openssl /m);
        notExpressible.push(`${s.id}: ${written.reproduction.reason}`);
        return;
      }
      try {
        let got: PairVerdict | undefined;
        for (let attempt = 1; !got; attempt++) {
          try {
            got = await runPrintedPair(written.text);
          } catch (err) {
            if (!(err instanceof PortTaken) || attempt === 3) throw err;
            written = await print();
          }
        }
        const why = disagreement(s, got);
        if (why) disagreements.push(`${s.id}: ${why}\n    client: ${tail(got.clientLog)}\n    server: ${tail(got.serverLog)}`);
        else reproduced.push(s.id);
        if (!why && got.curl) withCurl++;
      } catch (err) {
        disagreements.push(`${s.id}: the printed pair did not run: ${String(err)}`);
      }
    });
    console.log(`      reproduced by openssl: ${reproduced.length} of ${scenarios.length} (and by the curl line: ${withCurl}); not expressible: ${notExpressible.length}`);
    for (const line of notExpressible.sort()) console.log(`        - ${line}`);
    expect(disagreements, disagreements.join('\n')).to.deep.equal([]);
    expect(reproduced.length + notExpressible.length).to.equal(scenarios.length);
    expect(reproduced.length).to.be.at.least(100);
  });
});
