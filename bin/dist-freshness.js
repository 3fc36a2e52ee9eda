// Whether a git checkout's dist/ still matches its sources. `git pull` or `git checkout` moves
// HEAD and leaves the last build in place; running that build would test yesterday's tlsgate.
// The check must cost a start almost nothing, so it reads git's HEAD (two small files) and
// compares it with the commit recorded when dist/ was last found current; only when HEAD moved
// does it look at the sources' times. Plain JavaScript: it runs before anything is compiled.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** the folders tsconfig.build.json compiles */
const SOURCE_DIRS = ['ca', 'harness'];
const STAMP = join('dist', '.source-stamp.json');
const BUILD_MARK = join('dist', 'harness', 'cli', 'main.js');

/** the commit HEAD names in the checkout at `root`, or undefined outside git (an installed package) */
export function headCommit(root) {
  let gitDir = join(root, '.git');
  if (!existsSync(gitDir)) return undefined;
  try {
    if (statSync(gitDir).isFile()) {
      // a worktree: `.git` names its own folder, whose `commondir` holds the shared refs
      const target = /^gitdir: (.+)$/m.exec(readFileSync(gitDir, 'utf8'))?.[1]?.trim();
      if (!target) return undefined;
      gitDir = isAbsolute(target) ? target : join(root, target);
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return head; // a detached HEAD is the commit itself
    const common = existsSync(join(gitDir, 'commondir'))
      ? join(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    for (const dir of new Set([gitDir, common])) {
      const loose = join(dir, ref);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    }
    const packed = join(common, 'packed-refs');
    if (!existsSync(packed)) return undefined;
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const [commit, name] = line.split(' ');
      if (name === ref) return commit;
    }
  } catch {
    // an unreadable .git is no reason to stop a run: the build is taken as it is
  }
  return undefined;
}

function newestSourceTime(root) {
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    const top = join(root, dir);
    if (!existsSync(top)) continue;
    for (const entry of readdirSync(top, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function recordedCommit(root) {
  try {
    return JSON.parse(readFileSync(join(root, STAMP), 'utf8')).head;
  } catch {
    return undefined;
  }
}

/**
 * `state`: 'missing' (no build), 'stale' (a source is newer than the build, looked for because HEAD
 * moved since the build was last found current) or 'current'. `head` is what to record once dist/
 * is current, and `unrecorded` says the record does not hold it yet.
 */
export function distFreshness(root) {
  const mark = join(root, BUILD_MARK);
  const head = headCommit(root);
  if (!existsSync(mark)) return { state: 'missing', head, unrecorded: head !== undefined };
  if (head === undefined || head === recordedCommit(root)) return { state: 'current', head, unrecorded: false };
  // tsc rewrites every output, so the CLI's own module carries the time of the last build
  const stale = newestSourceTime(root) > statSync(mark).mtimeMs;
  return { state: stale ? 'stale' : 'current', head, unrecorded: true };
}

/** remembers that dist/ matches the sources at `head`, so the next start skips the walk */
export function recordCurrent(root, head) {
  if (head === undefined || !existsSync(dirname(join(root, STAMP)))) return;
  try {
    writeFileSync(join(root, STAMP), `${JSON.stringify({ head })}\n`);
  } catch {
    // a read-only checkout: the walk is repeated next time, nothing worse
  }
}
