/**
 * Paths CI tools can open: every reporter names a scenario file by its path from the working
 * directory (JUnit `file`, TAP `at.file`, GitHub `file=`, JSON `path`, the console's file:line),
 * whatever folder was given, for the built-in catalogue too. And a driver module named in a
 * scenario resolves from the YAML file (as pki.files do), from any working directory, with
 * `tlsgate validate` refusing a missing module or one that exports no driver (exit 2, file:line).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { readmeExample } from '../drivers/helpers.js';
import { ROOT, tlsgate } from './spawn.js';

const PKI = `pki:
  certs:
    - { id: root, role: root, subject: "CN=report paths root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
defaults:
  server: { cert: leaf }
  client: { servername: localhost }
`;

/** the file each reporter names, as written */
function reportedPaths(reports: string): { junit: string[]; tap: string[]; github: string[]; json: string[] } {
  const read = (f: string) => readFileSync(join(reports, f), 'utf8');
  return {
    junit: [...read('j.xml').matchAll(/<testcase [^>]*file="([^"]+)"/g)].map((m) => m[1]!),
    tap: [...read('t.tap').matchAll(/^\s+file: (.+)$/gm)].map((m) => m[1]!.replace(/^"|"$/g, '')),
    github: [...read('g.txt').matchAll(/::error file=([^,]+),/g)].map((m) => m[1]!),
    json: (JSON.parse(read('r.json')) as { results: Array<{ path: string }> }).results.map((r) => r.path),
  };
}

const reporters = (dir: string) => ['--reporter', 'console', ...[['junit', 'j.xml'], ['tap', 't.tap'], ['github', 'g.txt'], ['json', 'r.json']].flatMap(([n, f]) => ['--reporter', `${n}:${join(dir, f!)}`])];

describe('paths CI tools can open (spawned CLI, real handshakes)', function () {
  this.timeout(90_000);
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'tlsgate-paths-'));
    mkdirSync(join(project, 'scenarios', 'web'), { recursive: true });
    writeFileSync(join(project, 'scenarios', 'web', 'site.yaml'), `${PKI}scenarios:\n  - name: fails on purpose\n    expect: { outcome: reject }\n`);
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  for (const given of ['scenarios', './scenarios/web', 'scenarios/web/site.yaml']) {
    it(`every reporter names scenarios/web/site.yaml from the working directory (paths given: ${given})`, async () => {
      const reports = join(project, 'reports');
      const r = await tlsgate(['run', given, '--certs', join(project, 'certs'), ...reporters(reports)], { cwd: project, env: { GITHUB_WORKSPACE: project } });
      expect(r.code, r.stderr).to.equal(1);
      for (const [reporter, paths] of Object.entries(reportedPaths(reports))) {
        expect(paths, reporter).to.deep.equal(['scenarios/web/site.yaml']);
      }
      expect(r.stdout).to.include('scenarios/web/site.yaml:9');
    });
  }

  it('GitHub annotations are relative to GITHUB_WORKSPACE when the job runs in a subfolder', async () => {
    const reports = join(project, 'reports');
    const r = await tlsgate(['run', 'web', '--certs', join(project, 'certs'), ...reporters(reports)], { cwd: join(project, 'scenarios'), env: { GITHUB_WORKSPACE: project } });
    expect(r.code, r.stderr).to.equal(1);
    const paths = reportedPaths(reports);
    expect(paths.github).to.deep.equal(['scenarios/web/site.yaml']);
    expect(paths.junit).to.deep.equal(['web/site.yaml']);
  });

  it('the built-in catalogue, run from another folder, is named by a path that opens from there', async () => {
    const reports = join(project, 'reports');
    const r = await tlsgate(['run', join(builtinScenariosDir(), 'hostname', 'names.yaml'), '--grep', 'exact DNS SAN', '--certs', join(project, 'certs'), ...reporters(reports)], { cwd: project });
    expect(r.code, r.stderr).to.equal(0);
    const [path] = reportedPaths(reports).junit;
    expect(path).to.match(/^\.\.\//);
    expect(resolve(project, path!)).to.equal(join(ROOT, 'scenarios', 'hostname', 'names.yaml'));
  });

  describe('driver modules resolve from the scenario file', () => {
    const serverModule = `export { nodeTlsServer as default } from ${JSON.stringify(join(ROOT, 'dist', 'harness', 'drivers', 'portable', 'node', 'node-tls-server.js'))};\n`;
    const withDrivers = (client: string, server: string) =>
      `${PKI}scenarios:\n  - name: own drivers\n    client: { driver: ${client} }\n    server: { driver: ${server} }\n    expect: { outcome: accept }\n`;

    it('runs the same from the project and from any other working directory', async () => {
      const file = join(project, 'scenarios', 'web', 'drivers.yaml');
      writeFileSync(file, withDrivers('./my-tls-driver.mjs', './my-server.mjs'));
      writeFileSync(join(dirname(file), 'my-tls-driver.mjs'), readmeExample());
      writeFileSync(join(dirname(file), 'my-server.mjs'), serverModule);
      for (const cwd of [project, tmpdir()]) {
        const r = await tlsgate(['run', file, '--certs', join(project, 'certs'), '--reporter', `json:${join(project, 'r.json')}`], { cwd });
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        const [result] = (JSON.parse(readFileSync(join(project, 'r.json'), 'utf8')) as { results: Array<{ observation: { driver: { client: string } } }> }).results;
        expect(result!.observation.driver.client, cwd).to.equal('my-tls');
      }
    });

    it('validate refuses a missing module and one that exports no driver, with file:line, exit 2', async () => {
      const file = join(project, 'scenarios', 'web', 'drivers.yaml');
      writeFileSync(join(dirname(file), 'not-a-driver.mjs'), 'export default { hello: 1 };\n');
      writeFileSync(join(dirname(file), 'my-tls-driver.mjs'), readmeExample());
      const cases: Array<[string, RegExp]> = [
        [withDrivers('./missing.mjs', 'node-tls'), /drivers\.yaml:10:\d+ .*driver module .*web\/missing\.mjs does not exist.*relative to this YAML file/],
        [withDrivers('./not-a-driver.mjs', 'node-tls'), /drivers\.yaml:10:\d+ .*not-a-driver\.mjs: its default export is not a client driver/],
        [withDrivers('node-tls', './my-tls-driver.mjs'), /drivers\.yaml:11:\d+ .*my-tls-driver\.mjs: its default export is not a server driver/],
      ];
      for (const [yaml, message] of cases) {
        writeFileSync(file, yaml);
        const r = await tlsgate(['validate', file], { cwd: project });
        expect(r.code, r.stdout + r.stderr).to.equal(2);
        expect(r.stdout + r.stderr).to.match(message);
      }
    });
  });
});
