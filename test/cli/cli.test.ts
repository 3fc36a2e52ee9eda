import { expect } from 'chai';
import { tlsgate } from './spawn.js';

describe('tlsgate CLI: help and usage errors (spawned process)', function () {
  this.timeout(20_000);

  it('--help for the program and every command exits 0 and shows examples', async () => {
    const commands = [[], ['run'], ['list'], ['validate'], ['certs'], ['serve']];
    const runs = await Promise.all(commands.map((c) => tlsgate([...c, '--help'])));
    runs.forEach((r, i) => {
      const name = commands[i]!.join(' ') || '(none)';
      expect(r.code, `${name}: ${r.stderr}`).to.equal(0);
      expect(r.stdout, name).to.match(/^tlsgate/);
    });
    expect(runs[0]!.stdout.replace(/\s+/g, ' ')).to.include('Exit codes: 0 all passed, 1 a scenario failed or errored, 2 bad input or usage, 3 internal error, 130 interrupted');
    for (const r of runs.slice(1)) expect(r.stdout).to.include('Examples:');
    for (const flag of ['--grep', '--tag', '--shard', '--reporter', '--bail', '--timeout', '--concurrency', '--certs']) {
      expect(runs[1]!.stdout).to.include(flag);
    }
  });

  const usageErrors: Array<[string, string[], RegExp]> = [
    ['no command', [], /give a command: run, list, validate, certs or serve/],
    ['an unknown flag (strict)', ['run', '--bogus'], /Unknown argument: bogus/],
    ['an unknown command', ['lst'], /Did you mean list\?/],
    ['a --timeout that is not a number', ['run', '--timeout', 'soon'], /--timeout wants a positive whole number/],
    ['--concurrency 0', ['run', '--concurrency', '0'], /--concurrency wants a positive whole number, got 0/],
    ['an unknown reporter', ['run', '--reporter', 'xml'], /unknown reporter 'xml'/],
    ['two reporters on stdout', ['run', '--reporter', 'console', '--reporter', 'tap'], /console and tap would both write to stdout/],
    ['certs without a scenario', ['certs'], /Not enough non-option arguments/],
    ['a path that does not exist', ['list', 'no/such/dir'], /no such file or folder: no\/such\/dir/],
  ];
  it(`exits 2 with a one-line reason and no stack for: ${usageErrors.map(([name]) => name).join('; ')}`, async () => {
    const runs = await Promise.all(usageErrors.map(([, args]) => tlsgate(args)));
    runs.forEach((r, i) => {
      const [name, , message] = usageErrors[i]!;
      expect(r.code, `${name}: ${r.stderr}`).to.equal(2);
      expect(r.stderr, name).to.match(message);
      expect(r.stderr, name).to.not.include('    at ');
      expect(r.stdout, name).to.equal('');
    });
  });

  it('--version prints the package version', async () => {
    const r = await tlsgate(['--version']);
    expect(r.code).to.equal(0);
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
  });
});
