/**
 * `tlsgate list | head -1`: the reader closes the pipe after one line, and tlsgate ends quietly
 * (exit 0, nothing on stderr) instead of crashing on an unhandled EPIPE. Run through a real
 * shell pipeline with head(1), as a user types it.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI, ROOT } from './spawn.js';

const run = promisify(execFile);
const quoted = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

describe('tlsgate with a reader that stops early', function () {
  this.timeout(60_000);

  it('list | head -1: exit 0 and no stack trace', async () => {
    const command = [process.execPath, ...CLI, 'list'].map(quoted).join(' ');
    // bash reports tlsgate's status (not head's) in PIPESTATUS; tlsgate's stderr is the shell's
    const r = await run('bash', ['-c', `${command} | head -1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr, r.stderr).to.not.match(/EPIPE|Unhandled|throw er/);
    expect(r.stdout.trim()).to.equal('status=0');
  });
});
