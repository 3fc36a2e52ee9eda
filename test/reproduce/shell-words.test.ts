import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { shellLine } from '../../harness/reproduce/shell-words.js';

describe('printed command lines paste into a POSIX shell word for word', () => {
  it('sh reads back exactly the words, whatever they hold', () => {
    const words = ['/tmp/a dir/leaf.pem', "it's", 'HIGH:!aNULL:@SECLEVEL=1', '$HOME', '`id`', 'a"b', 'plain-word_1.2', '*', ''];
    // sh prints each word it received between brackets: the shell, not this code, splits the line
    const echoed = execFileSync('sh', ['-c', `for w in ${shellLine(words)}; do printf '[%s]\\n' "$w"; done`], { encoding: 'utf8' });
    expect(echoed).to.equal(words.map((w) => `[${w}]\n`).join(''));
  });
});
