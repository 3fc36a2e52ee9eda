/**
 * The scenario schema judges exactly as the hand-written one did: the corpus recorded with it
 * (scripts/record-schema-corpus.ts: the catalogue, every fixture, 5,000 mutations of them) gets
 * the same accept/reject and the same findings, and every bad fixture the same `tlsgate
 * validate` output, byte for byte. The lists of allowed values in the mutations' hints are left
 * out of the comparison, so that adding a value to a closed set (a category) does not need a new
 * recording; the bad fixtures' output is compared whole. A deliberate change of the format
 * needs one: `node dist/scripts/record-schema-corpus.js`.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { validateCommand } from '../../harness/cli/commands/validate.js';
import { packageRoot } from '../../harness/model/paths.js';
import { scenarioSchemaValidator, schemaFindings } from '../../harness/scenario/schema/schema-check.js';
import { applyMutation, readCorpus, shapeVerdict, type ShapeVerdict } from './schema-corpus.js';

/** a verdict without the lists of allowed values its hints end with */
const comparable = (v: ShapeVerdict | undefined): string =>
  JSON.stringify(v && { ...v, findings: v.findings.map((f) => f.replace(/allowed( here)?: [^)]*\)/, 'allowed$1: ...)')) });

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('scenario schema: the same judgement as the recorded corpus', function () {
  this.timeout(60_000);
  const corpus = readCorpus();
  const accepts = (value: unknown): boolean => scenarioSchemaValidator()(value);

  it('the corpus is not trivial: both verdicts occur, on every kind of document', () => {
    const valid = corpus.mutations.filter((m) => m.verdict.valid).length;
    expect(valid).to.be.greaterThan(500);
    expect(corpus.mutations.length - valid).to.be.greaterThan(2000);
    expect(corpus.verdicts.filter((v) => v.valid).length).to.be.greaterThan(20);
    expect(corpus.validateOutputs.length).to.be.greaterThan(20);
  });

  it('every catalogue and fixture file: the same accept/reject and findings', () => {
    const differ = corpus.files.flatMap((f, i) => {
      const now = shapeVerdict(accepts, schemaFindings, f.doc);
      return comparable(now) === comparable(corpus.verdicts[i]) ? [] : [{ file: f.file, was: corpus.verdicts[i], now }];
    });
    expect(differ).to.deep.equal([]);
  });

  it('every mutation: the same accept/reject and findings', () => {
    const differ = corpus.mutations.flatMap(({ verdict, ...m }) => {
      const now = shapeVerdict(accepts, schemaFindings, applyMutation(corpus.files[m.base]!.doc, m));
      return comparable(now) === comparable(verdict) ? [] : [{ file: corpus.files[m.base]!.file, ...m, was: verdict, now }];
    });
    expect(differ.slice(0, 5), `${differ.length} of ${corpus.mutations.length} differ`).to.deep.equal([]);
  });

  it('every bad fixture: the same `tlsgate validate` output and exit code', async () => {
    const root = `${packageRoot()}/`;
    for (const recorded of corpus.validateOutputs) {
      const [out, err] = [new Capture(), new Capture()];
      const code = await validateCommand([join(root, recorded.file)], out, err);
      expect({ file: recorded.file, code, stdout: out.text.replaceAll(root, ''), stderr: err.text.replaceAll(root, '') }).to.deep.equal(recorded);
    }
  });
});
