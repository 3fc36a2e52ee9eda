/**
 * The load cache (like `eslint --cache`): a scenario file's Scenarios as loading made them, one
 * entry per file in `<cache folder>/loaded/`, taken again while nothing they were made from
 * changed. Parsing YAML, checking the schema and reading PEM files is most of what `tlsgate list`
 * cost; a warm load reads the file, its entry and the files it names, and imports none of that.
 *
 * An entry holds only a result without problems (problems are always found afresh, so their
 * messages stay exact), and never one whose check imported a driver module (user code). It is
 * taken when all of its key still holds:
 *  - the entry's format, and tlsgate's build identity (build-identity.ts: the loader's code, its
 *    dependencies, Node), over the files its list in `builds/` names;
 *  - the file's names: absolute, relative (the ids), shown, and the working directory (each
 *    scenario's `path` is relative to it) — these also name the entry, so a file has one;
 *  - the SHA-256 of the file's bytes as read, and of every other file the check read
 *    (`pki.files`), each read and hashed again;
 *  - the clock: a validity window that mixes relative and absolute times is checked again.
 * Anything else (no entry, a truncated, corrupt or foreign one) is a miss: the file is loaded
 * and its entry written again, atomically (temp file + rename), 0600. A folder that cannot be
 * written means no cache, never a failure (TLSGATE_DEBUG=1 says why, once).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { impossibleWindows, windowsMoveWithClock } from '../../../ca/spec/validity-window.js';
import type { PkiSpec } from '../../../ca/spec/spec.js';
import type { Scenario } from '../../model/domain.js';
import { errorMessage } from '../../model/errors.js';
import type { ScenarioFileRef } from '../find-files.js';
import type { CheckedFile, FileResult } from '../load-file.js';
import { readAtMost } from '../yaml/read-source.js';
import { buildIdentityOf } from './build-identity.js';

/** an entry's name: the SHA-256 of the file's names, then this */
export const ENTRY_SUFFIX = '.v8';
/**
 * The list of files a build identity is made of (build-files.ts), kept once per identity beside
 * the entries (`builds/<SHA-256 of the identity>.json`) rather than in each: it is as large as a
 * file's scenarios, and read once per process.
 */
export const BUILDS_FOLDER = 'builds';
/** bumped whenever an entry's layout or meaning changes */
const FORMAT = 4;
/** an entry file: this, the SHA-256 of the rest, then the rest (v8.serialize of an Entry) */
const MAGIC = Buffer.from('tlsgate load cache\n');
const DIGEST_BYTES = 32;

interface Entry {
  format: number;
  /** the build identity; its files are listed in BUILDS_FOLDER */
  build: string;
  /** absolute, relative, shown, working directory */
  names: string[];
  /** SHA-256 (hex) of the file's bytes as read */
  source: string;
  /** every other file the check read: absolute path, size, SHA-256 (hex) */
  reads: Array<[string, number, string]>;
  /** a validity window mixes relative and absolute times: checked again at each use */
  clockBound: boolean;
  scenarios: Scenario[];
}

interface Writer {
  buildFiles: () => string[];
  writeFileAtomic: typeof import('../../../ca/issue/atomic-file.js').writeFileAtomic;
}

export interface LoadCacheOptions {
  /** the folder of the entries */
  dir: string;
  /** the build identity of a list of files; default: buildIdentityOf (a test gives another) */
  identityOf?: (files: readonly string[]) => string;
  /** default: process.cwd() */
  cwd?: string;
  /** the clock the validity windows are checked against again; default: now */
  now?: () => Date;
  /** where a cache that cannot be used says why, once (TLSGATE_DEBUG) */
  debug?: (message: string) => void;
}

export class LoadCache {
  private readonly writes: Array<Promise<void>> = [];
  private writing: Promise<Writer> | undefined;
  /** per build identity an entry named: whether it is this build's (once per process) */
  private readonly builds = new Map<string, boolean>();
  private told = false;

  constructor(private readonly opts: LoadCacheOptions) {}

  /** the file's result: its entry's when that holds, else `check`'s (kept when it can be) */
  async load(ref: ScenarioFileRef, source: Buffer, check: () => Promise<CheckedFile>): Promise<FileResult> {
    const key = { names: this.namesOf(ref), source: sha256(source) };
    const cached = this.cached(key);
    if (cached) return { scenarios: cached, problems: [] };
    const writing = this.writer();
    const result = await check();
    // encoded before the caller gets the scenarios (and may change them)
    const writer = await writing.catch((err: unknown) => this.tell(err));
    if (writer && result.problems.length === 0 && !result.importedUserCode) this.keep(key, result, writer);
    return { scenarios: result.scenarios, problems: result.problems };
  }

  /** every entry started is written (or given up) */
  async settled(): Promise<void> {
    await Promise.all(this.writes);
  }

  private namesOf(ref: ScenarioFileRef): string[] {
    return [ref.absolute, ref.relative, ref.shown, this.opts.cwd ?? process.cwd()];
  }

  private entryPath(names: readonly string[]): string {
    return join(this.opts.dir, `${sha256(Buffer.from(JSON.stringify(names)))}${ENTRY_SUFFIX}`);
  }

  private cached(key: Pick<Entry, 'names' | 'source'>): Scenario[] | undefined {
    const path = this.entryPath(key.names);
    try {
      const { bytes, mtimeMs } = readAtMost(path, Infinity);
      const entry = decode(bytes);
      if (!entry || !this.holds(entry, key)) return undefined;
      markUsedDaily(path, mtimeMs, this.now());
      return entry.scenarios;
    } catch {
      return undefined; // no entry, or one that cannot be read: a miss
    }
  }

  private holds(entry: Entry, key: Pick<Entry, 'names' | 'source'>): boolean {
    return entry.format === FORMAT
      && sameList(entry.names, key.names)
      && entry.source === key.source
      && this.isThisBuild(entry.build)
      && entry.reads.every(([file, size, digest]) => holdsBytes(file, size, digest))
      && (!entry.clockBound || windowsStillPossible(entry.scenarios, this.now()));
  }

  /** the identity's list of files is there and gives it now */
  private isThisBuild(build: string): boolean {
    let holds = this.builds.get(build);
    if (holds === undefined) {
      const path = this.buildListPath(build);
      try {
        const { bytes, mtimeMs } = readAtMost(path, Infinity);
        const files: unknown = JSON.parse(bytes.toString('utf8'));
        holds = Array.isArray(files) && files.every((f) => typeof f === 'string') && this.identityOf(files as string[]) === build;
        if (holds) markUsedDaily(path, mtimeMs, this.now());
      } catch {
        holds = false;
      }
      this.builds.set(build, holds);
    }
    return holds;
  }

  private buildListPath(build: string): string {
    return join(this.opts.dir, BUILDS_FOLDER, `${sha256(Buffer.from(build))}.json`);
  }

  /** what writing needs, imported on the first miss: a warm load loads none of it */
  private writer(): Promise<Writer> {
    this.writing ??= Promise.all([import('./build-files.js'), import('../../../ca/issue/atomic-file.js')])
      .then(([{ buildFiles }, { writeFileAtomic }]) => ({ buildFiles, writeFileAtomic }));
    return this.writing;
  }

  /** the entry of a result, written; a failure only loses it (told with TLSGATE_DEBUG) */
  private keep(key: Pick<Entry, 'names' | 'source'>, result: CheckedFile, { buildFiles, writeFileAtomic }: Writer): void {
    let bytes: Buffer;
    let build: string;
    let code: string[];
    try {
      const reads = result.reads.map((r): [string, number, string] => [r.absolute, r.bytes.length, sha256(r.bytes)]);
      code = buildFiles();
      build = this.identityOf(code);
      const clockBound = specsOf(result.scenarios).some(windowsMoveWithClock);
      bytes = encode({ format: FORMAT, build, ...key, reads, clockBound, scenarios: result.scenarios });
    } catch (err) {
      this.tell(err);
      return;
    }
    const write = (path: string, data: Buffer | string) => {
      const written = writeFileAtomic(path, data, { mode: 0o600, dirMode: 0o700 });
      this.writes.push(written.then(() => undefined, (err: unknown) => this.tell(err)));
    };
    if (this.builds.get(build) !== true) {
      this.builds.set(build, true);
      write(this.buildListPath(build), JSON.stringify(code));
    }
    write(this.entryPath(key.names), bytes);
  }

  private identityOf(files: readonly string[]): string {
    return (this.opts.identityOf ?? buildIdentityOf)(files);
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  private tell(err: unknown): void {
    if (this.told) return;
    this.told = true;
    this.opts.debug?.(`tlsgate: load cache ${this.opts.dir} not written: ${errorMessage(err)}`);
  }
}

/** the cache `tlsgate` uses: `loaded/` in the cache folder, unless TLSGATE_NO_LOAD_CACHE=1 */
export function defaultLoadCache(dir: string, env: NodeJS.ProcessEnv = process.env): LoadCache | undefined {
  if (env.TLSGATE_NO_LOAD_CACHE === '1') return undefined;
  return new LoadCache({ dir, ...(env.TLSGATE_DEBUG === '1' ? { debug: (m: string) => process.stderr.write(`${m}\n`) } : {}) });
}

const digestOf = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();
const sha256 = (bytes: Buffer): string => digestOf(bytes).toString('hex');

/**
 * An entry's mtime is its last use (cache prune removes the unused), recorded at most once a day:
 * a write per entry on every load cost more than the rest of a warm `tlsgate list`.
 */
function markUsedDaily(path: string, mtimeMs: number, now: Date): void {
  if (now.getTime() - mtimeMs <= DAY_MS) return;
  import('../../../ca/issue/cache-folder.js').then(({ markUsedLater }) => markUsedLater(path), () => undefined);
}

const DAY_MS = 86_400_000;

/** a regular file of that size and digest (a FIFO or a device put in its place is never opened) */
function holdsBytes(file: string, size: number, digest: string): boolean {
  const info = statSync(file, { throwIfNoEntry: false });
  return info !== undefined && info.isFile() && info.size === size && sha256(readFileSync(file)) === digest;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** the scenarios of a file share one PKI spec */
const specsOf = (scenarios: readonly Scenario[]): PkiSpec[] => [...new Set(scenarios.map((s) => s.pki))];

function windowsStillPossible(scenarios: readonly Scenario[], now: Date): boolean {
  return specsOf(scenarios).every((spec) => impossibleWindows(spec, now).length === 0);
}

function encode(entry: Entry): Buffer {
  const payload = serialize(entry);
  return Buffer.concat([MAGIC, digestOf(payload), payload]);
}

/** undefined for anything but a whole entry this code wrote (truncated, corrupt, foreign) */
function decode(bytes: Buffer): Entry | undefined {
  const start = MAGIC.length + DIGEST_BYTES;
  if (bytes.length <= start || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const payload = bytes.subarray(start);
  if (!digestOf(payload).equals(bytes.subarray(MAGIC.length, start))) return undefined;
  const entry = deserialize(payload) as Partial<Entry> | null;
  const whole = entry !== null && typeof entry === 'object' && typeof entry.build === 'string' && typeof entry.clockBound === 'boolean'
    && [entry.names, entry.reads, entry.scenarios].every(Array.isArray);
  return whole ? entry as Entry : undefined;
}
