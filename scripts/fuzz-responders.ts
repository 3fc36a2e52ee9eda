/**
 * `npm run fuzz [-- --count N --seed S --concurrency C --load L]`: the responder fuzz campaign
 * of test/robustness at full size (default 12,000 malformed requests, then 5,000 concurrent
 * well-formed ones), with numbers: attacks per kind and the statuses they got, time, heap and
 * RSS after a warm-up and at the end. Exit 1 on any wrong answer or heap growth over the limit.
 */
import { parseArgs } from 'node:util';
import { mb } from '../test/robustness/support/memory.js';
import { runCampaign, runLoad, type CampaignResult } from '../test/robustness/support/responder-fuzz.js';
import { ResponderTarget } from '../test/robustness/support/responder-target.js';

const MAX_HEAP_GROWTH_MB = 48;

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '12000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    concurrency: { type: 'string', default: '16' },
    load: { type: 'string', default: '5000' },
  },
});

const count = Number(values.count);
const target = await ResponderTarget.start();
try {
  const campaign = await runCampaign(target, { count, concurrency: Number(values.concurrency), seed: Number(values.seed), goodEvery: 50, warmup: Math.round(count / 5) });
  printCampaign(campaign);
  const load = await runLoad(target, Number(values.load), 32);
  console.log(`\nload: ${load.requests} well-formed requests, 32 at a time, in ${load.ms} ms (${Math.round(load.requests / (load.ms / 1000))}/s); wrong answers: ${load.failures.length}`);
  for (const f of load.failures) console.log(`  ${f}`);
  const growthMb = (campaign.heap.end - campaign.heap.baseline) / 1024 / 1024;
  const ok = campaign.failureCount === 0 && load.failures.length === 0 && growthMb < MAX_HEAP_GROWTH_MB;
  console.log(`\n${ok ? 'OK' : 'FAILED'}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  await target.close();
}

function printCampaign(r: CampaignResult): void {
  console.log(`seed ${r.seed}: ${r.sent} malformed requests in ${r.ms} ms (${Math.round(r.sent / (r.ms / 1000))}/s), ${r.goodChecks * 2} good requests between them`);
  for (const [kind, { count: n, statuses }] of Object.entries(r.byKind).sort((a, b) => b[1].count - a[1].count)) {
    const shown = Object.entries(statuses).map(([s, c]) => `${s}×${c}`).join(' ');
    console.log(`  ${kind.padEnd(28)} ${String(n).padStart(6)}  ${shown}`);
  }
  console.log(`heap after warm-up ${mb(r.heap.baseline)}, at the end ${mb(r.heap.end)} (limit +${MAX_HEAP_GROWTH_MB} MB); rss ${mb(r.rss.baseline)} -> ${mb(r.rss.end)}`);
  console.log(`wrong answers: ${r.failureCount}`);
  for (const f of r.failures) console.log(`  ${f}`);
}
