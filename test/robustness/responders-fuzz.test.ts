/**
 * The OCSP responder and the CRL server under attack, over real HTTP on 127.0.0.1: malformed
 * requests of every kind (support/responder-attacks.ts), each answered with a well-formed OCSP
 * answer or a 4xx, good requests answered right between them, memory flat; then a load test of
 * concurrent well-formed requests. npm test sends 1,000 attacks; TLSGATE_LONG=1 (or
 * `npm run fuzz`, scripts/fuzz-responders.ts) sends 12,000.
 */
import { expect } from 'chai';
import { ATTACK_KINDS } from './support/responder-attacks.js';
import { runCampaign, runLoad } from './support/responder-fuzz.js';
import { ResponderTarget } from './support/responder-target.js';
import { mb } from './support/memory.js';

const LONG = process.env.TLSGATE_LONG === '1';
const ATTACKS = LONG ? 12_000 : 1_000;
const LOAD = LONG ? 5_000 : 200;
const SEED = Number(process.env.TLSGATE_FUZZ_SEED ?? 20261125);
/** the request log keeps up to 10,000 entries per PKI: that, plus noise, is all that may stay */
const MAX_HEAP_GROWTH_MB = LONG ? 48 : 16;

describe(`responders under attack: ${ATTACKS} malformed requests over real HTTP, then ${LOAD} concurrent good ones`, function () {
  this.timeout(LONG ? 600_000 : 60_000);
  let target: ResponderTarget;
  before(async () => { target = await ResponderTarget.start(); });
  after(async () => { await target?.close(); });

  it('every answer is a well-formed OCSP answer or a 4xx, good requests stay right, memory stays flat', async () => {
    const result = await runCampaign(target, { count: ATTACKS, concurrency: 16, seed: SEED, goodEvery: 50, warmup: Math.round(ATTACKS / 5) });
    const growth = result.heap.end - result.heap.baseline;
    const summary = `seed ${result.seed}, ${result.sent} attacks in ${result.ms} ms, heap ${mb(result.heap.baseline)} -> ${mb(result.heap.end)}`;
    expect(result.failures, summary).to.deep.equal([]);
    expect(result.sent).to.equal(ATTACKS);
    expect(result.goodChecks).to.equal(Math.floor(ATTACKS / 50));
    expect(Object.keys(result.byKind), 'every kind of attack was sent').to.include.members(ATTACK_KINDS);
    for (const [kind, { statuses }] of Object.entries(result.byKind)) {
      expect(Object.keys(statuses).filter((s) => !/^[24]\d\d$/.test(s)), `${kind}: ${JSON.stringify(statuses)}`).to.deep.equal([]);
    }
    expect(growth / 1024 / 1024, summary).to.be.below(MAX_HEAP_GROWTH_MB);
  });

  it('concurrent well-formed requests (OCSP POST and GET, CRL as DER and PEM), 32 at a time: every answer checked', async () => {
    const load = await runLoad(target, LOAD, 32);
    expect(load.failures).to.deep.equal([]);
  });
});
