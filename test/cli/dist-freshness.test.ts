/**
 * bin/dist-freshness.js: which commit a checkout's HEAD names (git rev-parse is the oracle, for a
 * branch, packed refs, a worktree and a detached HEAD), and when dist/ counts as older than the
 * sources (only once HEAD moved; a flipped build time turns the answer around). The end-to-end
 * case (a pull, then the bin rebuilds) is in test/packaging.test.ts.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './spawn.js';

interface Freshness { state: 'missing' | 'stale' | 'current'; head: string | undefined; unrecorded: boolean }
interface FreshnessModule {
  headCommit(root: string): string | undefined;
  distFreshness(root: string): Freshness;
  recordCurrent(root: string, head: string | undefined): void;
}

const load = async (): Promise<FreshnessModule> => await import(pathToFileURL(join(ROOT, 'bin', 'dist-freshness.js')).href) as FreshnessModule;
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();
const HOUR_S = 3600;

function setTime(file: string, secondsFromNow: number): void {
  const when = Date.now() / 1000 + secondsFromNow;
  utimesSync(file, when, when);
}

describe('bin/dist-freshness.js: is dist/ the build of these sources?', () => {
  let repo: string;
  let fresh: FreshnessModule;
  const source = () => join(repo, 'harness', 'cli', 'main.ts');
  const built = () => join(repo, 'dist', 'harness', 'cli', 'main.js');

  before(async () => {
    fresh = await load();
  });

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'tlsgate-freshness-'));
    mkdirSync(join(repo, 'harness', 'cli'), { recursive: true });
    mkdirSync(join(repo, 'dist', 'harness', 'cli'), { recursive: true });
    writeFileSync(source(), 'export {};\n');
    writeFileSync(built(), 'export {};\n');
    setTime(source(), -2 * HOUR_S);
    setTime(built(), -HOUR_S);
  });

  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('outside git (an installed package) the build is current and nothing is recorded', () => {
    setTime(source(), 0);
    expect(fresh.distFreshness(repo)).to.deep.equal({ state: 'current', head: undefined, unrecorded: false });
  });

  it('a checkout without dist/ is missing its build', () => {
    git(repo, 'init', '-q');
    rmSync(join(repo, 'dist'), { recursive: true });
    expect(fresh.distFreshness(repo).state).to.equal('missing');
  });

  it('reads the commit HEAD names as git rev-parse does: a branch, packed refs, a worktree, a detached HEAD', () => {
    git(repo, 'init', '-q');
    git(repo, 'add', 'harness');
    git(repo, 'commit', '-q', '-m', 'one');
    expect(fresh.headCommit(repo)).to.equal(git(repo, 'rev-parse', 'HEAD'));
    git(repo, 'pack-refs', '--all');
    expect(fresh.headCommit(repo), 'packed refs').to.equal(git(repo, 'rev-parse', 'HEAD'));
    writeFileSync(source(), 'export const two = 2;\n');
    git(repo, 'commit', '-q', '-am', 'two');
    const tree = join(repo, 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', tree, 'HEAD~1');
    expect(fresh.headCommit(tree), 'worktree').to.equal(git(tree, 'rev-parse', 'HEAD'));
    expect(fresh.headCommit(tree)).to.not.equal(fresh.headCommit(repo));
    git(repo, 'checkout', '-q', '--detach', 'HEAD~1');
    expect(fresh.headCommit(repo), 'detached').to.equal(git(repo, 'rev-parse', 'HEAD'));
  });

  it('once HEAD moves, a source newer than the build makes it stale; a newer build makes it current', () => {
    git(repo, 'init', '-q');
    git(repo, 'add', 'harness');
    git(repo, 'commit', '-q', '-m', 'one');
    const first = fresh.distFreshness(repo);
    expect(first).to.deep.include({ state: 'current', unrecorded: true });
    fresh.recordCurrent(repo, first.head);
    expect(fresh.distFreshness(repo).unrecorded, 'recorded').to.equal(false);

    writeFileSync(source(), 'export const pulled = 1;\n');
    git(repo, 'commit', '-q', '-am', 'pulled'); // what a pull does: HEAD moves, the file is new
    expect(fresh.distFreshness(repo)).to.deep.include({ state: 'stale', head: git(repo, 'rev-parse', 'HEAD') });
    setTime(built(), HOUR_S); // the flip: a build made after the change
    expect(fresh.distFreshness(repo).state).to.equal('current');
  });

  it('while HEAD stays where it was recorded, the sources are not looked at (what keeps a start cheap)', () => {
    git(repo, 'init', '-q');
    git(repo, 'add', 'harness');
    git(repo, 'commit', '-q', '-m', 'one');
    fresh.recordCurrent(repo, fresh.distFreshness(repo).head);
    setTime(source(), HOUR_S); // an uncommitted edit: `npm run build` is the developer's to run
    expect(fresh.distFreshness(repo)).to.deep.include({ state: 'current', unrecorded: false });
  });
});
