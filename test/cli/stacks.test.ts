/**
 * Stack-aware expectations in a real run (spawned CLI, real handshakes on loopback): the same
 * scenario files with ranges that select the running Node and ranges that do not (a flipped
 * pair), a known regression cited in the failure, and the validation of the declarations.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsgate } from './spawn.js';

const node = process.versions.node;
const major = Number(node.split('.')[0]);
const openssl = process.versions.openssl;

/** a leaf for localhost; the client asks for example.com, so this stack refuses the hostname */
const PKI = `pki:
  certs:
    - { id: root, role: root, subject: "CN=tlsgate stacks test root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
defaults:
  server: { cert: leaf }
  client: { servername: example.com }
`;

/** the default expects accept (wrong on every Node); the override states what this stack does */
const overridden = (when: string) => `${PKI}scenarios:
  - name: hostname refused on this stack
    expect: { outcome: accept }
    stacks:
      - when: ${when}
        expect: { outcome: reject, category: hostname-mismatch, side: client }
        because: "test: the override for the running stack"
  - name: second connection overridden too
    expect: { outcome: reject, category: hostname-mismatch }
    then:
      - expect: { outcome: accept, category: hostname-mismatch }
        stacks:
          - when: ${when}
            expect: { outcome: reject, category: hostname-mismatch }
            because: "test: a then step's override"
`;

describe('stacks and known in a real run (spawned CLI, real handshakes)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-stacks-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (name: string, yaml: string, command = 'run') => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, yaml);
    return tlsgate(command === 'run' ? ['run', file, '--certs', join(dir, 'certs')] : [command, file]);
  };

  it(`an override whose ranges select this Node (${node}, OpenSSL ${openssl}) makes the scenario pass`, async () => {
    const r = await run('selected', overridden(`{ node: ">=${major} <${major + 1}", openssl: "${openssl}" }`));
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/2 scenarios: 2 passed, 0 failed/);
  });

  it('the same file with ranges that miss this Node fails on the default expectation', async () => {
    const r = await run('missed', overridden(`{ node: ">=${major + 1}" }`));
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/2 scenarios: 0 passed, 2 failed/);
    expect(r.stdout).to.match(/expected accept, got rejected/);
    expect(r.stdout).to.match(/connection 2: expected accept \(category hostname-mismatch\)/);
  });

  it('an override that is selected but wrong fails, naming the stack and the reason it was chosen', async () => {
    const wrong = overridden(`{ node: "${node}" }`).replace('category: hostname-mismatch, side: client', 'category: expired, side: client');
    const r = await run('wrong-override', wrong);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include(`on node ${node}, openssl ${openssl}`);
    expect(r.stdout).to.include('(stacks: test: the override for the running stack)');
  });

  it('a known regression of this Node: the scenario still fails, and the failure cites the reference and the fixed version', async () => {
    const yaml = `${PKI}scenarios:
  - name: fails with a known bug
    expect: { outcome: accept }
    known:
      - { when: { node: ">=${major}" }, ref: "nodejs/node#99999", fixed: "${major + 1}.0.0" }
  - name: fails, no known bug on this Node
    expect: { outcome: accept }
    known:
      - { when: { node: "<${major}" }, ref: "nodejs/node#88888", fixed: "${major}.0.0" }
`;
    const r = await run('known', yaml);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/2 scenarios: 0 passed, 2 failed/);
    expect(r.stdout).to.include(`[known regression nodejs/node#99999, fixed in ${major + 1}.0.0]`);
    expect(r.stdout).not.to.include('nodejs/node#88888');
  });

  it('validate: a bad range, a missing because and an override looser than expect are exit 2 with file:line and a hint', async () => {
    const yaml = `${PKI}scenarios:
  - name: bad declarations
    expect: { outcome: reject, category: hostname-mismatch }
    stacks:
      - when: { node: "twenty-two" }
        expect: { outcome: reject, category: hostname-mismatch }
        because: "x"
      - when: { openssl: ">=3.2" }
        expect: { outcome: reject }
        because: "y"
      - when: { node: ">=22" }
        expect: { outcome: reject, category: hostname-mismatch }
    known:
      - { when: { node: ">=22" }, ref: "nodejs/node#1", fixed: "soon" }
`;
    const r = await run('bad', yaml, 'validate');
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stderr).to.match(/bad\.yaml:12:\d+ +scenarios\[0\]\.stacks\[0\]\.when\.node +'twenty-two' is not a version range of node .*npm semver range/);
    expect(r.stderr).to.match(/bad\.yaml:16:\d+ +scenarios\[0\]\.stacks\[1\]\.expect +this override leaves out 'category', which expect states .*as exact as it/);
    expect(r.stderr).to.match(/bad\.yaml:18:\d+ +scenarios\[0\]\.stacks\[2\]\.because +missing required key 'because' .*release note/);
    expect(r.stderr).to.match(/bad\.yaml:21:\d+ +scenarios\[0\]\.known\[0\]\.fixed +'soon' is not a version .*first release with the fix/);
    expect(r.stdout).to.equal('');
  });

  it('validate: when.library names a package a driver runs, with a semver range (exit 2, file:line, the packages listed)', async () => {
    const yaml = `${PKI}scenarios:
  - name: bad library selectors
    expect: { outcome: reject }
    stacks:
      - when: { library: { axois: "<1.20" } }
        expect: { outcome: reject }
        because: "a misspelt package"
      - when: { library: { "@grpc/grpc-js": "one point ten" } }
        expect: { outcome: reject }
        because: "a bad range"
      - when: { library: { axios: ">=1.16.1 <1.20", pg: "^8" } }
        expect: { outcome: reject }
        because: "fine"
`;
    const r = await run('library', yaml, 'validate');
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stderr).to.match(/library\.yaml:12:\d+ +scenarios\[0\]\.stacks\[0\]\.when\.library\.axois +no client driver runs a package named 'axois' .*@grpc\/grpc-js, axios, /);
    expect(r.stderr).to.match(/library\.yaml:15:\d+ +scenarios\[0\]\.stacks\[1\]\.when\.library\["@grpc\/grpc-js"\] +'one point ten' is not a version range of @grpc\/grpc-js/);
    expect(r.stderr).to.not.include('stacks[2]');
  });
});
