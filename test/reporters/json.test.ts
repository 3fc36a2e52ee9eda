import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { CATEGORIES } from '../../harness/model/domain.js';
import { summarizeStack } from '../../harness/inventory/environment.js';
import { packageRoot } from '../../harness/model/paths.js';
import { jsonReporter } from '../../harness/reporters/json.js';
import { memoryOutput } from '../../harness/reporters/output.js';
import { summarize } from '../../harness/run/runner.js';
import type { ScenarioResult } from '../../harness/model/domain.js';
import { errored, failed, makeObservation, makeScenario, passed, rejectedObservation, resultFor, skipped } from '../runner/fixtures.js';

const schema = JSON.parse(readFileSync(join(packageRoot(), 'schema', 'report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function sample(): ScenarioResult[] {
  const twoSteps = makeScenario('revoked between connections', { file: 'revocation/lifecycle.yaml', line: 40 });
  return [
    passed(makeScenario('valid chain', { line: 3 })),
    failed(makeScenario('expired leaf', { line: 9 })),
    errored(makeScenario('bad key', { line: 15 })),
    skipped(makeScenario('needs 3.2', { line: 21 })),
    resultFor(twoSteps, { status: 'passed' }, [makeObservation({ alpn: 'h2' }), rejectedObservation({ category: 'revoked', code: undefined })]),
  ];
}

async function report(results: ScenarioResult[], opts: { interrupted?: boolean; inventory?: () => unknown } = {}) {
  const out = memoryOutput();
  const reporter = jsonReporter(out, opts.inventory ? { inventory: opts.inventory } : {});
  reporter.onBegin?.({ total: results.length, concurrency: 2, environment: { ...summarizeStack() }, startedAt: new Date('2025-05-01T10:00:00Z') });
  await reporter.onEnd(summarize(results, 321, opts.interrupted ?? false), results);
  return JSON.parse(out.text());
}

const errorsOf = () => JSON.stringify(validate.errors, null, 2);

describe('json reporter', () => {
  it('writes version 1 with environment, summary and one result per scenario, valid against schema/report.schema.json', async () => {
    const doc = await report(sample());
    expect(validate(doc), errorsOf()).to.equal(true);
    expect(doc.version).to.equal(1);
    expect(doc.environment).to.include({ node: process.versions.node, openssl: process.versions.openssl, platform: process.platform });
    expect(doc.summary).to.deep.equal({ total: 5, passed: 2, failed: 1, skipped: 1, errors: 1, accepted: 0, durationMs: 321, interrupted: false });
    expect(doc.results.map((r: any) => r.status)).to.deep.equal(['passed', 'failed', 'error', 'skipped', 'passed']);
    expect(doc).to.not.have.property('inventory');
  });

  it('always has the key observation fields (null when not observed), and every connection in observations', async () => {
    const doc = await report(sample());
    const [ok, fail, err, skip, twoSteps] = doc.results;
    expect(ok.observation).to.include({ outcome: 'accepted', code: null, category: null, side: null, protocol: 'TLSv1.3', group: 'X25519', alpn: false });
    expect(fail.mismatches).to.deep.include({ field: 'category', expected: 'expired', actual: null });
    expect(fail.message).to.match(/^expected .* got /);
    expect(err.observation).to.equal(null);
    expect(skip.message).to.equal('not on this OpenSSL');
    expect(twoSteps.observations.map((o: any) => [o.outcome, o.category, o.alpn])).to.deep.equal([['accepted', null, 'h2'], ['rejected', 'revoked', null]]);
    expect(twoSteps.observation.alpn).to.equal('h2');
  });

  it('marks an interrupted run and embeds an inventory when given one', async () => {
    const doc = await report(sample().slice(0, 2), { interrupted: true, inventory: () => ({ versions: { node: process.version } }) });
    expect(validate(doc), errorsOf()).to.equal(true);
    expect(doc.summary.interrupted).to.equal(true);
    expect(doc.inventory).to.deep.equal({ versions: { node: process.version } });
  });

  it('the schema rejects what the format forbids (it is not vacuous)', async () => {
    const doc = await report(sample());
    const broken = [
      { ...doc, version: 2 },
      { ...doc, surprise: true },
      { ...doc, results: [{ ...doc.results[1], mismatches: undefined }] },
      { ...doc, results: [{ ...doc.results[0], observation: { ...doc.results[0].observation, category: 'bogus' } }] },
      { ...doc, summary: { ...doc.summary, errors: undefined } },
    ].map((d) => JSON.parse(JSON.stringify(d)));
    expect(broken.map((d) => validate(d))).to.deep.equal([false, false, false, false, false]);
  });

  it('lists exactly the taxonomy categories of harness/model/domain.ts', () => {
    const listed = schema.definitions.observation.properties.category.enum.filter((c: unknown) => c !== null);
    expect(listed).to.deep.equal([...CATEGORIES]);
  });
});
