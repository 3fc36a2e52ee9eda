/**
 * Two tlsgate processes started at once on one empty --certs folder race for every key and
 * certificate: both must pass, converge on the same material (the first writer wins; the other
 * reads what it wrote, never half of it), leave private keys 0600 and no temp file. A third,
 * later run then finds everything in the cache and serves the very same chains.
 * Certificates with `auto` revocation URLs embed this run's server port, so they differ between
 * processes by design; for those only the keys (and the URL-free root) must be shared.
 */
import { expect } from 'chai';
import { PRUNE_STAMP } from '../../ca/issue/cache-folder.js';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { PORTS_FOLDER } from '../../harness/session/revocation-ports.js';
import { CLI, start, type Finished } from '../cli/spawn.js';
import { Children } from './support/children.js';

const FILES = ['chain/paths.yaml', 'revocation/crl.yaml'].map((f) => join(builtinScenariosDir(), f));

interface Report { results: Array<{ id: string; status: string; observations: Array<{ peer: { chainFingerprints: string[] } | null }> }> }

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** scenario id -> the fingerprints of every chain the client was shown (only the root's for `auto` URL files) */
function chainsOf(report: string): Record<string, string> {
  const doc = JSON.parse(readFileSync(report, 'utf8')) as Report;
  const shown = (id: string, chain: string[]) => (id.startsWith('crl.yaml#') ? chain.slice(-1) : chain).map((f) => f.slice(0, 16)).join('>');
  return Object.fromEntries(doc.results.map((r) => [r.id, r.observations.map((o) => shown(r.id, o.peer?.chainFingerprints ?? [])).join(' | ')]));
}

describe('two tlsgate processes sharing one empty --certs folder', function () {
  this.timeout(60_000);
  const children = new Children();
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-shared-certs-')); });
  after(() => {
    children.killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('both pass on the same material; keys 0600; no temp or unreadable file; a warm third run sees the same chains', async () => {
    const certs = join(dir, 'certs');
    const run = (name: string): Promise<Finished> =>
      // a third of the scenarios: every file's whole PKI is still issued (a scenario issues its file's PKI)
      children.track(start([...CLI, 'run', ...FILES, '--shard', '1/3', '--certs', certs, '--concurrency', '4', '--reporter', `json:${join(dir, `${name}.json`)}`])).done;
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);

    const files = filesUnder(certs);
    const keys = files.filter((f) => f.endsWith('.key'));
    const pems = files.filter((f) => f.endsWith('.pem'));
    expect(keys.length, 'keys were cached').to.be.above(5);
    expect(pems.length, 'certificates were cached').to.be.above(5);
    // besides keys and certificates only the once-a-day prune's stamp and the revocation servers' remembered ports may stay
    const remembered = (f: string) => f.startsWith(join(certs, PORTS_FOLDER, 'slot-')) && f.endsWith('.json');
    const others = files.filter((f) => !f.endsWith('.key') && !f.endsWith('.pem') && basename(f) !== PRUNE_STAMP && !remembered(f));
    expect(others, 'temp files left behind').to.deep.equal([]);
    for (const key of keys) {
      expect(statSync(key).mode & 0o777, key).to.equal(0o600);
      expect(() => createPrivateKey(readFileSync(key)), key).to.not.throw();
    }
    for (const pem of pems) expect(() => new X509Certificate(readFileSync(pem)), pem).to.not.throw();

    const chainsA = chainsOf(join(dir, 'a.json'));
    expect(chainsOf(join(dir, 'b.json')), 'both processes served the same certificates').to.deep.equal(chainsA);
    const c = await run('c');
    expect(c.code, c.stderr).to.equal(0);
    expect(chainsOf(join(dir, 'c.json')), 'a warm run serves what the cache holds').to.deep.equal(chainsA);
    expect(filesUnder(certs).filter((f) => f.endsWith('.key')).sort(), 'the warm run made no new key').to.deep.equal(keys.sort());
  });
});
