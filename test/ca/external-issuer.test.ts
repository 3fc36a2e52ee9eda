/**
 * issuePki with `externalIssuers`: a CA certificate tlsgate did not make in this spec, with its
 * key, issues the spec's certificates. The cert cache keys them by that CA's certificate too, so
 * a new CA certificate over the same key and name reissues; the same one is a cache hit.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { issuePki, type ExternalIssuer } from '../../ca/issue/factory.js';
import type { PkiSpec } from '../../ca/spec/spec.js';
import { PkiSpecError } from '../../ca/spec/validate-spec.js';
import { tempDir } from './helpers.js';

const LEAF: PkiSpec = { certs: [{ id: 'leaf', role: 'server', issuer: 'team', subject: 'CN=leaf.example', san: { dns: ['leaf.example'] } }] };

describe('ca/factory: a spec certificate issued by an external CA (a team\'s CA with its key)', function () {
  this.timeout(30_000);
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let first: ExternalIssuer;
  let second: ExternalIssuer;

  before(async () => {
    temp = await tempDir();
    // the same id and subject in one cache folder: one key, two certificates (other serials)
    const ca = (serial: string) => issuePki({ certs: [{ id: 'team', role: 'root', subject: 'CN=Team CA', serial }] }, { cacheDir: temp.dir });
    const [a, b] = [await ca('01'), await ca('02')];
    first = { der: a.get('team').der, key: a.key('team') };
    second = { der: b.get('team').der, key: b.key('team') };
    expect(first.der.equals(second.der)).to.equal(false);
  });
  after(() => temp?.cleanup());

  it('the leaf is signed by that CA: its issuer name, and a signature its key verifies', async () => {
    const m = await issuePki(LEAF, { cacheDir: temp.dir, externalIssuers: new Map([['team', first]]) });
    const leaf = new X509Certificate(m.get('leaf').der);
    expect(leaf.checkIssued(new X509Certificate(first.der))).to.equal(true);
    expect(m.get('leaf').issuerId).to.equal('team');
  });

  it('the same CA certificate is a cache hit; another certificate of that CA (same key and name) reissues', async () => {
    const issue = (ca: ExternalIssuer) => issuePki(LEAF, { cacheDir: temp.dir, externalIssuers: new Map([['team', ca]]) });
    const [a, again, other] = [await issue(first), await issue(first), await issue(second)];
    expect(again.get('leaf').der.equals(a.get('leaf').der)).to.equal(true);
    expect(other.get('leaf').der.equals(a.get('leaf').der)).to.equal(false);
  });

  it('without the external CA, its id is an unknown issuer', async () => {
    const err = await issuePki(LEAF).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PkiSpecError);
    expect((err as Error).message).to.include("unknown issuer 'team'");
  });
});
