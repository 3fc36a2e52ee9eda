/** Pruning the material cache: idle entries, the count cap, the once-a-day end-of-run prune. */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYS_FOLDER, marksSettled, materialCacheInfo, pruneIfDue, pruneMaterialCache } from '../../ca/issue/cache-folder.js';
import { issuePki } from '../../ca/issue/factory.js';
import { KeyStore } from '../../ca/issue/keys.js';
import type { PkiSpec } from '../../ca/spec/spec.js';

const DAY_MS = 86_400_000;
const SPEC = {
  certs: [
    { id: 'root', role: 'root', subject: 'CN=Prune Root', key: 'ec-p256' },
    { id: 'a', role: 'server', issuer: 'root', subject: 'CN=a', key: 'ec-p256', san: { dns: ['a.test'] } },
    { id: 'b', role: 'server', issuer: 'root', subject: 'CN=b', key: 'ec-p256', san: { dns: ['b.test'] } },
  ],
} as unknown as PkiSpec;

describe('material cache pruning', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-prune-'));
    await issuePki(SPEC, { cacheDir: dir });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const certFiles = (): string[] => readdirSync(join(dir, 'issued'), { recursive: true }).map(String).filter((n) => n.endsWith('.pem'));

  it('keeps the most recently used certificates up to the cap', async () => {
    const info = await materialCacheInfo(dir);
    expect(info.certificates).to.have.length(3);
    const [oldest, , newest] = info.certificates;
    utimesSync(oldest!.path, new Date(Date.now() - 3 * DAY_MS), new Date(Date.now() - 3 * DAY_MS));
    utimesSync(newest!.path, new Date(Date.now() + DAY_MS), new Date(Date.now() + DAY_MS));
    const r = await pruneMaterialCache(dir, { certificateMaxIdleMs: 10 * DAY_MS, keyMaxIdleMs: 10 * DAY_MS, maxCertificates: 1 });
    expect(r).to.include({ removedCertificates: 2, removedKeys: 0 });
    expect((await materialCacheInfo(dir)).certificates.map((c) => c.path)).to.deep.equal([newest!.path]);
  });

  it('a read records its use without waiting for it, and a prune started right after still sees the use', async () => {
    const aged = new Date(Date.now() - 20 * DAY_MS);
    const idle = { certificateMaxIdleMs: 10 * DAY_MS, keyMaxIdleMs: 10 * DAY_MS };
    const keys = join(dir, KEYS_FOLDER);
    const made = await new KeyStore(keys).get('ec-p256', 'read-path');
    const pem = made.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const [file] = (await materialCacheInfo(dir)).keys.filter((k) => readFileSync(k.path, 'utf8').includes(pem.trim()));
    utimesSync(file!.path, aged, aged);
    // a new store (a new process) reads the key from disk: the use is recorded, the read did not wait for it
    await new KeyStore(keys).get('ec-p256', 'read-path');
    const r = await pruneMaterialCache(dir, idle);
    expect(readdirSync(keys).map((n) => join(keys, n)), `removed ${r.removedKeys} keys`).to.include(file!.path);
    await marksSettled();
    expect(statSync(file!.path).mtimeMs).to.be.above(aged.getTime() + DAY_MS);
    // flipped: without a read, the same prune removes it
    utimesSync(file!.path, aged, aged);
    await pruneMaterialCache(dir, idle);
    expect(readdirSync(keys).map((n) => join(keys, n))).to.not.include(file!.path);
  });

  it('prunes at the end of a run at most once a day', async () => {
    const now = new Date(Date.now() + 40 * DAY_MS);
    const policy = { certificateMaxIdleMs: 30 * DAY_MS, keyMaxIdleMs: 90 * DAY_MS, now };
    expect(await pruneIfDue(dir, policy)).to.deep.include({ removedCertificates: 3, removedKeys: 0 });
    expect(certFiles()).to.deep.equal([]);
    expect(await pruneIfDue(dir, { ...policy, now: new Date(now.getTime() + DAY_MS / 2) })).to.equal(undefined);
    expect(await pruneIfDue(dir, { ...policy, now: new Date(now.getTime() + 2 * DAY_MS) })).to.not.equal(undefined);
  });
});
