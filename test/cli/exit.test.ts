import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { EXIT, exitCodeOf } from '../../harness/cli/exit.js';
import { ScenarioProblems } from '../../harness/cli/selection.js';
import { UsageError } from '../../harness/model/errors.js';

function classify(err: unknown, withStack = false): { code: number; text: string } {
  const stderr = new PassThrough();
  const code = exitCodeOf(err, { stderr, withStack });
  return { code, text: String(stderr.read() ?? '') };
}

describe('exit codes of thrown errors', () => {
  it('bad input is exit 2 with its message and no stack', () => {
    const { code, text } = classify(new UsageError('--shard 5/4: index above count'));
    expect(code).to.equal(EXIT.usage);
    expect(text).to.equal('tlsgate: --shard 5/4: index above count\n');
  });

  it('scenario file problems are exit 2, every one printed, and nothing run', () => {
    const { code, text } = classify(new ScenarioProblems(['a.yaml:3:5  scenarios[0].expect  required (add it)', 'b.yaml:1:1  pki  unknown key']));
    expect(code).to.equal(2);
    expect(text).to.equal('a.yaml:3:5  scenarios[0].expect  required (add it)\nb.yaml:1:1  pki  unknown key\n\ntlsgate: 2 problems in scenario files; nothing was run\n');
  });

  it('anything else is an internal error: exit 3, a short message and where to report, the stack only when asked', () => {
    const quiet = classify(new TypeError('x is undefined'));
    expect(quiet.code).to.equal(EXIT.internal);
    expect(quiet.text).to.match(/^tlsgate: internal error: x is undefined\nThis is a bug in tlsgate .* Please report it at /);
    expect(quiet.text).to.not.include('    at ');
    expect(classify(new TypeError('x is undefined'), true).text).to.include('    at ');
  });
});
