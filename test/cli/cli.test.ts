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
    ['an unknown flag (strict)', ['run', '--bogus'], /Unknown argument: --bogus\n/],
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

  it('an unknown dashed flag is named once, as typed (yargs also lists its camelCase copy), exit 2', async () => {
    const runs = await Promise.all([
      tlsgate(['run', '--no-such-flag']),
      tlsgate(['list', '--dry-run', '--tag', 'x']),
      tlsgate(['run', '--foo-bar=1', '--baz-qux']),
    ]);
    for (const r of runs) expect(r.code, r.stderr).to.equal(2);
    expect(runs[0]!.stderr.split('\n')[0]).to.equal('tlsgate: Unknown argument: --no-such-flag');
    expect(runs[1]!.stderr.split('\n')[0]).to.equal('tlsgate: Unknown argument: --dry-run');
    expect(runs[2]!.stderr.split('\n')[0]).to.equal('tlsgate: Unknown arguments: --foo-bar, --baz-qux');
    for (const [r, name] of [[runs[0]!, 'such'], [runs[1]!, 'dry'], [runs[2]!, 'foo']] as const) {
      expect(r.stderr.match(new RegExp(name, 'gi')), r.stderr).to.have.length(1);
    }
  });

  it('--help of run and list says that a repeated --tag means AND (every tag)', async () => {
    const runs = await Promise.all([tlsgate(['run', '--help']), tlsgate(['list', '--help'])]);
    for (const r of runs) expect(r.stdout.replace(/\s+/g, ' ')).to.match(/--tag only scenarios with this tag; repeated, a scenario needs every tag given \(AND\)/);
  });

  it('validate, spawned: trust: [system] is refused with the hint that trust: system is meant (exit 2)', async () => {
    const r = await tlsgate(['validate', 'test/scenario/fixtures/problems/trust-system-list.yaml']);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim()).to.equal("test/scenario/fixtures/problems/trust-system-list.yaml:9:23  scenarios[0].client.trust[0]  unknown certificate 'system'  (for Node's own CA store write `trust: system` (a plain value, not a list); a list holds certificate ids only)");
  });

  it('validate, spawned: serial zero and a 21-octet serial are refused at file:line, "0001" is not (exit 2)', async () => {
    const r = await tlsgate(['validate', 'test/scenario/fixtures/problems/serial-range.yaml']);
    expect(r.code).to.equal(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^test\/scenario\/fixtures\/problems\/serial-range\.yaml:4:59 {2}pki\.certs\[0\]\.serial {2}serial '0000' is zero/);
    expect(lines[1]).to.match(/^test\/scenario\/fixtures\/problems\/serial-range\.yaml:5:75 {2}pki\.certs\[1\]\.serial {2}serial 'f{40}' takes 21 octets/);
  });

  it('--version prints the package version', async () => {
    const r = await tlsgate(['--version']);
    expect(r.code).to.equal(0);
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
  });
});
