/** The small pieces problems are made of: paths, typo suggestions, quoting, the one-line format. */
import { expect } from 'chai';
import { formatProblem } from '../../harness/scenario/problems.js';
import { oneLine, quote } from '../../harness/scenario/quote.js';
import { closest, editDistance } from '../../harness/scenario/checks/suggest.js';
import { formatPath, pathFromPointer } from '../../harness/scenario/yaml/yaml-path.js';

describe('scenario problems: the pieces', () => {
  it('formatProblem: two spaces between fields, the hint in parentheses only when there is one', () => {
    const base = { file: 'a/b.yaml', line: 3, column: 7, path: 'scenarios[2].server.cert', message: "unknown certificate 'x'" };
    expect(formatProblem({ ...base, hint: 'known ids: root' })).to.equal("a/b.yaml:3:7  scenarios[2].server.cert  unknown certificate 'x'  (known ids: root)");
    expect(formatProblem(base)).to.equal("a/b.yaml:3:7  scenarios[2].server.cert  unknown certificate 'x'");
    expect(formatProblem({ ...base, path: '' })).to.equal("a/b.yaml:3:7  -  unknown certificate 'x'");
    expect(formatProblem({ ...base, message: 'two\nlines' })).to.equal('a/b.yaml:3:7  scenarios[2].server.cert  two\\nlines');
  });

  it('paths read the way people write them; pointers tell list indices from numeric keys', () => {
    expect(formatPath(['scenarios', 2, 'server', 'cert'])).to.equal('scenarios[2].server.cert');
    expect(formatPath(['pki', 'files', 'prod-2', 'key'])).to.equal('pki.files.prod-2.key');
    expect(formatPath(['pki', 'files', 'my cert'])).to.equal('pki.files["my cert"]');
    expect(formatPath([])).to.equal('');
    const data = { scenarios: [{ '0': 'x' }], 'a/b': { '~': 1 } };
    expect(pathFromPointer('/scenarios/0/0', data)).to.deep.equal(['scenarios', 0, '0']);
    expect(pathFromPointer('/a~1b/~0', data)).to.deep.equal(['a/b', '~']);
  });

  it('suggestions: close typos only, case-insensitive, transpositions count once', () => {
    const keys = ['name', 'description', 'tags', 'server', 'client', 'expect', 'then', 'faults', 'timeoutMs', 'skip'];
    expect(closest('sever', keys)).to.equal('server');
    expect(closest('Server', keys)).to.equal('server');
    expect(closest('exepct', keys)).to.equal('expect');
    expect(closest('timeout', keys)).to.equal('timeoutMs');
    expect(closest('surprise', keys)).to.equal(undefined);
    expect(closest('x'.repeat(1000), keys)).to.equal(undefined);
    expect(editDistance('ab', 'ba')).to.equal(1);
  });

  it('quoting: one line, cut short', () => {
    expect(quote('a\nb')).to.equal("'a\\nb'");
    expect(quote(42)).to.equal('42');
    expect(quote('x'.repeat(100))).to.have.length(60);
    expect(oneLine('a\u2028b\u0000c')).to.equal('a\\u2028b\\u0000c');
  });
});
