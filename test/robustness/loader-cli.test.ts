/**
 * Hostile scenario files through the real command line, as CI runs it: `tlsgate validate` and
 * `tlsgate run` exit 2, print each problem as file:line:col with its path, run nothing and never
 * print a stack, in bounded time, inside a 160 MB heap (a parser that blew up would die there).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { packageRoot } from '../../harness/model/paths.js';
import { CLI, start } from '../cli/spawn.js';
import { Children } from './support/children.js';
import { aliasBomb, catalogueFiles, deepNesting, textEdit } from './support/yaml-arbitraries.js';

const MB = 1024 * 1024;
const HEAP_LIMIT = '--max-old-space-size=160';
const PEM = join(packageRoot(), 'test', 'scenario', 'fixtures', 'pem');
/** a line of a Node stack trace */
const STACK_LINE = /^\s+at .+[:(]\d+:\d+\)?$/m;

/** sample inputs, one of each kind; fixed seeds so the sample is the same on every run */
function hostileFiles(): Record<string, string | Uint8Array> {
  const catalogue = catalogueFiles();
  const paths = catalogue.find((f) => f.name.endsWith('paths.yaml'))!;
  const certs = (paths.value.pki as { certs: Array<{ id: string; issuer?: string }> }).certs;
  const cycle = structuredClone(paths.value) as typeof paths.value;
  const cyclic = (cycle.pki as { certs: Array<{ id: string; issuer?: string }> }).certs;
  cyclic[0]!.issuer = certs[1]!.id;
  cyclic[1]!.issuer = certs[0]!.id;
  const [edits] = fc.sample(fc.array(textEdit, { minLength: 3, maxLength: 3 }), { numRuns: 1, seed: 7 });
  return {
    'mutated.yaml': edits!.reduce((t, edit) => edit(t), paths.text),
    'unknown-key.yaml': paths.text.replace(/^pki:/m, 'pki:\n  surprise: 1'),
    'cycle.yaml': stringify(cycle),
    'ten-mb.yaml': `a: ${'x'.repeat(10 * MB)}\n`,
    'binary.yaml': Uint8Array.from([0x70, 0x6b, 0x69, 0x3a, 0x00, 0xff, 0xfe, 0x01]),
    'bomb.yaml': fc.sample(aliasBomb, { numRuns: 1, seed: 3 })[0]!.text.replace(/^a0:.*$/m, `a0: &a0 [${Array(30).fill('x').join(', ')}]`) + Array.from({ length: 6 }, (_, i) => `b${i}: &b${i} [${Array(30).fill(i ? `*b${i - 1}` : '*a0').join(', ')}]`).join('\n') + '\n',
    'deep.yaml': fc.sample(deepNesting, { numRuns: 1, seed: 5 })[0]!,
    'wrong-types.yaml': 'pki: { certs: 42 }\ndefaults: [1, 2]\nscenarios:\n  - { name: 7, timeoutMs: 1e300, expect: { outcome: maybe } }\n',
    'pem.yaml': [
      'pki:',
      '  files:',
      `    gone: { cert: ${join(PEM, 'nowhere.pem')} }`,
      `    der: { cert: ${join(PEM, 'prod.der')} }`,
      `    other: { cert: ${join(PEM, 'prod.pem')}, key: ${join(PEM, 'other.key')} }`,
      'scenarios:',
      '  - { name: s, server: { cert: other }, expect: { outcome: accept } }',
      '',
    ].join('\n'),
  };
}

describe('hostile scenario files through the CLI: exit 2, problems, no stack, bounded', function () {
  this.timeout(30_000);
  const children = new Children();
  let dir: string;
  let files: string[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-hostile-cli-'));
    files = Object.entries(hostileFiles()).map(([name, content]) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    });
  });
  afterEach(() => children.killLeftovers());
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const command of ['validate', 'run'] as const) {
    it(`tlsgate ${command} on 9 hostile files, in a 160 MB heap`, async () => {
      const started = performance.now();
      const extra = command === 'run' ? ['--certs', join(dir, 'certs'), '--reporter', `json:${join(dir, 'report.json')}`] : [];
      const child = children.track(start([HEAP_LIMIT, ...CLI, command, ...files, ...extra]));
      const { code, stdout, stderr } = await child.done;
      expect(code, stderr).to.equal(2);
      expect(performance.now() - started).to.be.below(15_000);
      expect(stderr).to.not.match(STACK_LINE);
      expect(stderr).to.not.match(/internal error|could not check this file|heap out of memory/i);
      for (const file of files) expect(stderr, file).to.match(new RegExp(`^${escape(file)}:\\d+:\\d+  `, 'm'));
      expect(stderr).to.match(/cycle\.yaml:\d+:\d+  pki\.certs\[\d\]\.issuer  issuer cycle: /);
      expect(stderr).to.match(/unknown-key\.yaml:\d+:\d+  pki\.surprise  unknown key 'surprise'/);
      expect(stderr).to.include('ten-mb.yaml:1:1  -  file is 10.0 MB');
      expect(stderr).to.match(/binary\.yaml:1:5  -  file is binary/);
      expect(stderr).to.match(/bomb\.yaml:\d+:\d+  -  aliases expand to too many nodes/);
      expect(stderr).to.match(/deep\.yaml:\d+:\d+  -  collections nest more than 32 levels deep/);
      expect(stderr).to.match(/wrong-types\.yaml:\d+:\d+  scenarios\[0\]\.timeoutMs  /);
      expect(stderr).to.match(/pem\.yaml:\d+:\d+  pki\.files\.gone\.cert  \S*nowhere\.pem: file not found/);
      expect(stderr).to.match(/pem\.yaml:\d+:\d+  pki\.files\.der\.cert  \S*prod\.der is not a PEM certificate/);
      expect(stderr).to.match(/pem\.yaml:\d+:\d+  pki\.files\.other\.key  \S*other\.key is not the key of /);
      if (command === 'run') {
        expect(stderr).to.include('nothing was run');
        expect(stdout).to.not.match(/PASS|FAIL/);
        expect(() => readFileSync(join(dir, 'report.json')), 'no report: nothing ran').to.throw();
      }
    });
  }
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
