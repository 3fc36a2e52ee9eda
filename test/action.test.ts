/**
 * action.yml, the composite GitHub Action: it parses, every input it names exists and every
 * input is used, its cache is the folder tlsgate caches in, and the script it runs calls real
 * tlsgate commands with real flags. The script runs for real in bash: an `npx` on PATH records
 * the command line (checked against `tlsgate <command> --help`) and, for one case, runs the CLI.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defaultCacheDir } from '../harness/model/paths.js';
import { CLI, ROOT, tlsgate } from './cli/spawn.js';

interface ActionStep { name?: string; if?: string; uses?: string; shell?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> }
interface Action { inputs: Record<string, { default?: string; description: string }>; runs: { using: string; steps: ActionStep[] } }

const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const action = parse(text) as Action;
const scriptStep = (): ActionStep => action.runs.steps.find((s) => s.run !== undefined)!;

/** the step's env with `${{ inputs.x }}` replaced by the given inputs (defaults for the rest) */
function stepEnv(inputs: Record<string, string>): Record<string, string> {
  const value = (name: string) => inputs[name] ?? action.inputs[name]!.default ?? '';
  return Object.fromEntries(Object.entries(scriptStep().env ?? {}).map(([k, v]) => [k, v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, n: string) => value(n))]));
}

/** runs the action's script with `npx` recorded; returns the tlsgate argv and bash's exit */
function runScript(dir: string, inputs: Record<string, string>, execute = false): { argv: string[]; status: number | null; stderr: string } {
  const bin = join(dir, 'bin');
  const log = join(dir, 'npx-argv');
  spawnSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'npx'), [
    '#!/bin/sh',
    'printf "%s\\n" "$@" > "$SHIM_LOG"',
    '[ "$1" = --no-install ] && [ "$2" = tlsgate ] || exit 99',
    'shift 2',
    '[ -n "$SHIM_EXEC" ] && exec "$SHIM_NODE" $SHIM_CLI "$@"',
    'exit 0',
  ].join('\n'));
  chmodSync(join(bin, 'npx'), 0o755);
  const r = spawnSync('bash', ['-c', scriptStep().run!], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env, ...stepEnv(inputs), PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1',
      SHIM_LOG: log, SHIM_NODE: process.execPath, SHIM_CLI: CLI.join(' '), SHIM_EXEC: execute ? '1' : '',
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), TLSGATE_CERTS: join(dir, 'certs'),
    },
  });
  const argv = readFileSync(log, 'utf8').split('\n').slice(0, -1);
  expect(argv.slice(0, 2), 'npx runs the installed tlsgate').to.deep.equal(['--no-install', 'tlsgate']);
  return { argv: argv.slice(2), status: r.status, stderr: r.stderr };
}

/** every --flag of the command line appears in `tlsgate <command> --help` */
async function expectRealFlags(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const help = await tlsgate([command!, '--help']);
  expect(help.code, `tlsgate ${command} --help: ${help.stderr}`).to.equal(0);
  for (const flag of rest.filter((a) => a.startsWith('--'))) expect(help.stdout, `${command} ${flag}`).to.match(new RegExp(`\\s${flag}\\s`));
}

describe('action.yml (the GitHub Action)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-action-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is a composite action whose every named input exists and every input is used', () => {
    expect(action.runs.using).to.equal('composite');
    const named = new Set([...text.matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]!));
    expect([...named].sort()).to.deep.equal(Object.keys(action.inputs).sort());
    const script = scriptStep().run!;
    for (const used of new Set(script.match(/TLSGATE_INPUT_\w+/g))) expect(scriptStep().env, used).to.have.property(used);
  });

  it('caches the folder tlsgate caches in, and uploads the reports', () => {
    const cache = action.runs.steps.find((s) => s.uses?.startsWith('actions/cache@'));
    expect(join(ROOT, cache!.with!.path!)).to.equal(defaultCacheDir(ROOT, {}));
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload!.with!.path).to.equal('${{ inputs.reports-dir }}');
    expect(upload!.if).to.include('always()');
  });

  it('runs `tlsgate matrix` with real flags when node versions are given', async () => {
    const { argv, status } = runScript(dir, { 'node-versions': '20,22', baseline: 'tlsgate.baseline.json', args: '--shard 1/2 --tag mtls', paths: 'scenarios/a.yaml scenarios/b' });
    expect(status).to.equal(0);
    expect(argv).to.deep.equal(['matrix', '--node', '20,22', '--json', 'tlsgate-reports/tlsgate-matrix.json', '--drift-markdown', 'tlsgate-reports/tlsgate-drift.md',
      '--baseline', 'tlsgate.baseline.json', '--shard', '1/2', '--tag', 'mtls', 'scenarios/a.yaml', 'scenarios/b']);
    await expectRealFlags(argv);
  });

  it('runs `tlsgate run` with real flags and a baseline', async () => {
    const { argv } = runScript(dir, { baseline: 'tlsgate.baseline.json', reporters: 'console junit:/abs/x.xml json:out.json' });
    expect(argv).to.deep.equal(['run', '--reporter', 'console', '--reporter', 'junit:/abs/x.xml', '--reporter', 'json:tlsgate-reports/out.json',
      '--drift-markdown', 'tlsgate-reports/tlsgate-drift.md', '--baseline', 'tlsgate.baseline.json']);
    await expectRealFlags(argv);
  });

  it('runs the gate for real with the default inputs: reports in the reports folder, the exit code kept', async () => {
    const scenario = join(ROOT, 'scenarios', 'chain', 'self-signed.yaml');
    const passed = runScript(dir, { paths: scenario }, true);
    expect(passed.status, passed.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'tlsgate-reports', 'tlsgate.xml'), 'utf8')).to.include('<testsuite');
    expect(JSON.parse(readFileSync(join(dir, 'tlsgate-reports', 'tlsgate.json'), 'utf8'))).to.have.property('summary');
    expect(readFileSync(join(dir, 'tlsgate-reports', 'tlsgate-console.txt'), 'utf8')).to.include('passed');
    expect(existsSync(join(dir, 'summary.md')), 'the github reporter wrote the step summary').to.equal(true);
    const usage = runScript(dir, { paths: scenario, args: '--concurrency 0' }, true);
    expect(usage.status, 'a usage error stays exit 2').to.equal(2);
  });
});
