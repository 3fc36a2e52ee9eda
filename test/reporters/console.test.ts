import { expect } from 'chai';
import { consoleOptionsFor, consoleReporter } from '../../harness/reporters/console.js';
import { memoryOutput } from '../../harness/reporters/output.js';
import type { RunInfo } from '../../harness/reporters/types.js';
import { summarize } from '../../harness/run/runner.js';
import type { ScenarioResult } from '../../harness/model/domain.js';
import { errored, failed, makeScenario, passed, rejectedObservation, resultFor, skipped } from '../runner/fixtures.js';

const ESC = '\x1b[';

function sample(): ScenarioResult[] {
  return [
    passed(makeScenario('valid chain', { file: 'chain/paths.yaml', line: 3 })),
    failed(makeScenario('expired leaf', { file: 'chain/paths.yaml', line: 9 })),
    errored(makeScenario('bad key', { file: 'chain/keys.yaml', line: 2 })),
    skipped(makeScenario('needs 3.2', { file: 'chain/keys.yaml', line: 8 })),
    resultFor(makeScenario('wrong category', { file: 'chain/keys.yaml', line: 20 }), {
      status: 'failed', message: 'expected reject (category expired), got rejected (category untrusted-root)',
      mismatches: [{ field: 'category', expected: 'expired', actual: 'untrusted-root' }],
    }, [rejectedObservation({ category: 'untrusted-root', code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' })]),
  ];
}

function runInfo(total: number): RunInfo {
  return { total, concurrency: 2, environment: {}, startedAt: new Date() };
}

async function render(results: ScenarioResult[], opts: { live: boolean; color: boolean }, extra: { total?: number; interrupted?: boolean } = {}) {
  const out = memoryOutput({ isTTY: opts.live });
  const reporter = consoleReporter(out, opts);
  reporter.onBegin?.(runInfo(extra.total ?? results.length));
  for (const r of results) reporter.onResult?.(r);
  await reporter.onEnd(summarize(results, 2345, extra.interrupted ?? false), results);
  return out.text();
}

describe('console reporter', () => {
  it('in CI (not a TTY) prints one plain line per scenario, no escape codes', async () => {
    const text = await render(sample(), { live: false, color: false });
    expect(text).to.not.include(ESC);
    expect(text).to.not.include('\r');
    const lines = text.split('\n');
    expect(lines).to.include('PASS  valid chain  chain/paths.yaml:3 (12 ms)');
    expect(lines).to.include('FAIL  expired leaf  chain/paths.yaml:9 (12 ms)');
    expect(lines).to.include('SKIP  needs 3.2  chain/keys.yaml:8: not on this OpenSSL');
  });

  it('ends with a summary: failures first with file:line, expected vs got, mismatches and the observation', async () => {
    const text = await render(sample(), { live: false, color: false });
    const summary = text.slice(text.indexOf('Failures (3):'));
    expect(summary).to.include('1) FAIL expired leaf  chain/paths.yaml:9');
    expect(summary).to.include('   expected reject (category expired), got accepted');
    expect(summary).to.include('     category: expected expired, got (none)');
    expect(summary).to.include('   observed: outcome=accepted protocol=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 group=X25519 alpn=none');
    expect(summary).to.include('2) ERROR bad key  chain/keys.yaml:2');
    expect(summary).to.include('observed: outcome=rejected code=UNABLE_TO_GET_ISSUER_CERT_LOCALLY category=untrusted-root side=client  message="certificate has expired"');
    expect(summary.indexOf('Failures')).to.be.below(summary.indexOf('Skipped (1):'));
    expect(text.trimEnd().split('\n').at(-1)).to.equal('5 scenarios: 1 passed, 2 failed, 1 error, 1 skipped (2.3 s)');
  });

  it('on a TTY rewrites one progress line in place with \\r and prints failures as they happen', async () => {
    const text = await render(sample(), { live: true, color: false });
    expect(text).to.include('\r\x1b[2K1/5  1 passed, 0 failed');
    expect(text).to.include('\r\x1b[2K2/5  1 passed, 1 failed');
    expect(text).to.include('\r\x1b[2KFAIL  expired leaf  chain/paths.yaml:9');
    expect(text).to.not.include('PASS  valid chain');
    expect(text.split('\n').filter((l) => l.includes('5/5'))).to.have.length(1);
  });

  it('colors only when asked: a TTY without NO_COLOR', async () => {
    expect(await render(sample(), { live: true, color: true })).to.include(`${ESC}31m`);
    const tty = memoryOutput({ isTTY: true });
    expect(consoleOptionsFor(tty, {})).to.deep.equal({ live: true, color: true });
    expect(consoleOptionsFor(tty, { NO_COLOR: '1' })).to.deep.equal({ live: true, color: false });
    expect(consoleOptionsFor(memoryOutput(), {})).to.deep.equal({ live: false, color: false });
  });

  it('says when a run was interrupted or stopped by --bail', async () => {
    const some = sample().slice(0, 2);
    expect(await render(some, { live: false, color: false }, { total: 5, interrupted: true }))
      .to.include('interrupted: 2 of 5 scenarios ran to the end');
    expect(await render(some, { live: false, color: false }, { total: 5 }))
      .to.include('stopped after the first failure (--bail): 3 scenarios not run');
  });
});
