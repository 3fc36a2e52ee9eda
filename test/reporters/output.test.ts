/**
 * Reports and key material share one atomic writer (ca/issue/atomic-file.ts) but not its modes: a
 * report lands with the modes a plain write gives (readable by CI), key folders stay private.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../ca/issue/atomic-file.js';
import { fileOutput } from '../../harness/reporters/output.js';

describe('report files (fileOutput)', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-output-'));
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes once on close, into new folders, with umask-applied modes and no temp file left', async () => {
    const path = join(dir, 'reports', 'ci', 'r.json');
    const out = fileOutput(path);
    out.write('{"a":');
    out.write('1}\n');
    expect(readdirSync(dir)).to.deep.equal([]);
    await out.close();
    expect(readFileSync(path, 'utf8')).to.equal('{"a":1}\n');
    expect(statSync(path).mode & 0o777).to.equal(0o644);
    expect(statSync(join(dir, 'reports')).mode & 0o777).to.equal(0o755);
    expect(readdirSync(join(dir, 'reports', 'ci'))).to.deep.equal(['r.json']);
  });

  it('the same writer keeps folders it creates for key material private (0700)', async () => {
    const path = join(dir, 'keys', 'k.pem');
    await writeFileAtomic(path, 'key', { mode: 0o600 });
    expect(statSync(join(dir, 'keys')).mode & 0o777).to.equal(0o700);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
  });
});
