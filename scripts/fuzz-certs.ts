/**
 * `npm run fuzz:certs [-- --count N --seed S --concurrency C]`: the certificate fuzz of
 * test/robustness at full size (default 1,200 cases: odd certificates and chains through
 * `pki.files` and odd spec values through `pki.certs`, each run with real handshakes), with
 * numbers: cases, verdicts, what was observed, validation errors, crashes, time. Exit 1 on any crash.
 */
import { parseArgs } from 'node:util';
import { runCertFuzz, type FuzzOutcome } from '../test/robustness/support/cert-fuzz.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1200' },
    seed: { type: 'string', default: '20261201' },
    concurrency: { type: 'string', default: '4' },
  },
});

const seed = Number(values.seed);
const outcome = await runCertFuzz({
  count: Number(values.count),
  seed,
  concurrency: Number(values.concurrency),
  onProgress: (done, o) => process.stderr.write(`\r${done} cases, ${o.scenarios} scenarios run, ${o.validationErrors} refused by validation, ${o.crashes.length} crashes`),
});
process.stderr.write('\n');
print(outcome);
process.exitCode = outcome.crashes.length === 0 ? 0 : 1;

function print(o: FuzzOutcome): void {
  const list = (r: Record<string, number>) => Object.entries(r).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`certificate fuzz, seed ${seed}: ${o.cases} cases in ${(o.ms / 1000).toFixed(1)} s`);
  console.log(`  refused by validation (exit 2 in the CLI): ${o.validationErrors} cases`);
  console.log(`  scenarios run: ${o.scenarios}; verdicts: ${list(o.verdicts)}`);
  console.log(`  observed: ${list(o.observed)}`);
  console.log(`  sample validation messages:\n${o.sampleProblems.map((p) => `    ${p}`).join('\n')}`);
  console.log(`  crashes: ${o.crashes.length}`);
  for (const c of o.crashes.slice(0, 50)) console.log(`    ${c}`);
  console.log(o.crashes.length === 0 ? '\nOK' : '\nFAILED');
}
