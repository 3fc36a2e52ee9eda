/**
 * `tlsgate validate`: exit 0 and one summary line on stdout for valid files; exit 2 and every
 * problem on stderr otherwise; a path that does not exist is one line and exit 2.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { validateCommand } from '../../harness/cli/commands/validate.js';
import { builtinScenariosDir, packageRoot } from '../../harness/model/paths.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function validate(paths: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [out, err] = [new Capture(), new Capture()];
  const code = await validateCommand(paths, out, err);
  return { code, stdout: out.text, stderr: err.text };
}

describe('tlsgate validate', function () {
  this.timeout(10_000);
  const fixtures = join(packageRoot(), 'test', 'scenario', 'fixtures');

  it('the built-in catalogue: exit 0 and "N files, M scenarios: valid"', async () => {
    const r = await validate([builtinScenariosDir()]);
    expect(r).to.include({ code: 0, stderr: '' });
    expect(r.stdout).to.match(/^\d+ files, \d+ scenarios: valid\n$/);
  });

  it('counts are singular for one', async () => {
    const r = await validate([join(fixtures, 'collide-a', 'same.yaml')]);
    expect(r).to.deep.equal({ code: 0, stdout: '1 file, 1 scenario: valid\n', stderr: '' });
  });

  it('files with problems: exit 2, every problem on stderr as file:line:col  path  message  (hint), nothing on stdout', async () => {
    const bad = join(packageRoot(), 'test', 'cli', 'fixtures', 'bad');
    const r = await validate([bad, join(fixtures, 'problems', 'enum-typo.yaml')]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/two-problems\.yaml:7:5 {2}scenarios\[0\]\.surprise {2}unknown key 'surprise' {2}\(allowed here: /);
    expect(lines[1]).to.match(/two-problems\.yaml:11:21 {2}scenarios\[1\]\.server\.cert {2}unknown certificate 'nowhere' {2}\(known ids: root\)$/);
    expect(lines[2]).to.match(/enum-typo\.yaml:8:24 {2}scenarios\[0\]\.expect\.outcome {2}'acept' is not a valid outcome/);
  });

  it('a path that does not exist: one line, exit 2', async () => {
    const r = await validate(['no/such/dir']);
    expect(r).to.deep.equal({ code: 2, stdout: '', stderr: 'tlsgate: no such file or folder: no/such/dir\n' });
  });
});
