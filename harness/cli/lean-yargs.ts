/**
 * yargs without what only its help text needs. yargs' own entry (index.mjs) loads cliui,
 * string-width (which builds an Intl.Segmenter and Unicode-set regular expressions as it loads)
 * and wrap-ansi, and renders the help text on every command it runs, to have it at hand: 100 ms
 * of the 440 a warm `tlsgate list` took. They serve the help text only. So this builds yargs
 * from its own factory with the platform shim its entry gives it (lib/platform-shims/esm.mjs,
 * rewritten here), except that the text layout (cliui, string-width) loads only when help is
 * printed; on any other run the help yargs renders for itself goes nowhere (tlsgate's fail
 * handler never prints it).
 *
 * The factory and its helpers come from one bundled module when the build made one from the
 * yargs installed here (bin/bundle-yargs.js, the version in its name), else from yargs' files.
 *
 * The factory is yargs' internal module, so this holds for the major it was written against
 * (18); with another one, or if anything here fails, tlsgate takes yargs' own entry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import type { Argv } from 'yargs';

type YargsFactory = (argv: string[]) => Argv;

const WRITTEN_FOR_MAJOR = '18.';

/** `withHelp`: the run prints help (--help, -h, help), so the layout is loaded */
export async function leanYargs(withHelp: boolean): Promise<YargsFactory> {
  try {
    const require = createRequire(import.meta.url);
    const { version } = require('yargs/package.json') as { version: string };
    if (!version.startsWith(WRITTEN_FOR_MAJOR)) return await ownEntry();
    return await fromFactory(withHelp, version);
  } catch {
    return ownEntry();
  }
}

async function ownEntry(): Promise<YargsFactory> {
  return (await import('yargs')).default;
}

/** what the factory is built from: yargs' internal modules and its dependencies */
interface YargsParts {
  YargsFactory: (shim: unknown) => YargsFactory;
  getProcessArgvBin: () => string;
  Parser: unknown;
  y18n: (opts: { directory: string; updateFiles: boolean }) => unknown;
  escalade: unknown;
  getCallerFile: (depth: number) => string;
}

/**
 * The parts in one module (dist/vendor/yargs-lean-<version>.js, made by bin/bundle-yargs.js),
 * when the build made one from this yargs: the ESM loader takes one file instead of 26.
 */
async function partsFromBundle(version: string): Promise<YargsParts | undefined> {
  try {
    return await import(new URL(`../../vendor/yargs-lean-${version}.js`, import.meta.url).href) as YargsParts;
  } catch {
    return undefined; // not built: yargs' own files
  }
}

/** the default export of `specifier`, resolved from yargs as its entry resolves it */
const importFrom = (fromYargs: NodeJS.Require) => async <T>(specifier: string): Promise<T> =>
  ((await import(pathToFileURL(fromYargs.resolve(specifier)).href)) as { default: T }).default;

/** the parts from yargs' own files */
async function partsFromPackage(entry: string, fromYargs: NodeJS.Require): Promise<YargsParts> {
  const load = importFrom(fromYargs);
  const own = <T>(path: string): Promise<T> => import(pathToFileURL(join(dirname(entry), path)).href) as Promise<T>;
  const [{ YargsFactory }, { getProcessArgvBin }, Parser, y18n, escalade] = await Promise.all([
    own<Pick<YargsParts, 'YargsFactory'>>('build/lib/yargs-factory.js'),
    own<Pick<YargsParts, 'getProcessArgvBin'>>('build/lib/utils/process-argv.js'),
    load<unknown>('yargs-parser'),
    load<YargsParts['y18n']>('y18n'),
    load<unknown>('escalade/sync'),
  ]);
  return { YargsFactory, getProcessArgvBin, Parser, y18n, escalade, getCallerFile: fromYargs('get-caller-file') as YargsParts['getCallerFile'] };
}

/** what yargs' own shim gives its factory (lib/platform-shims/esm.mjs) */
async function fromFactory(withHelp: boolean, version: string): Promise<YargsFactory> {
  const entry = fileURLToPath(import.meta.resolve('yargs'));
  const dir = dirname(entry);
  const fromYargs = createRequire(entry);
  const load = importFrom(fromYargs);
  const [parts, layout] = await Promise.all([
    partsFromBundle(version).then((bundled) => bundled ?? partsFromPackage(entry, fromYargs)),
    withHelp ? Promise.all([load<unknown>('cliui'), load<(text: string) => number>('string-width')]) : undefined,
  ]);
  const { YargsFactory, getProcessArgvBin, Parser, y18n, escalade, getCallerFile } = parts;
  const mainFilename = entry.substring(0, entry.lastIndexOf('node_modules'));
  return YargsFactory({
    assert: lazyEquality,
    cliui: layout?.[0] ?? silentLayout,
    findUp: escalade,
    getEnv: (key: string) => process.env[key],
    inspect,
    getProcessArgvBin,
    mainFilename: mainFilename || process.cwd(),
    Parser,
    path: { basename, dirname, extname, relative, resolve, join },
    process: {
      argv: () => process.argv,
      cwd: process.cwd,
      emitWarning: (warning: string, type: string) => process.emitWarning(warning, type),
      execPath: () => process.execPath,
      exit: (code: number) => process.exit(code),
      nextTick: process.nextTick,
      stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null,
    },
    readFileSync,
    readdirSync,
    require: fromYargs,
    getCallerFile: () => {
      const callerFile = getCallerFile(3);
      return callerFile.startsWith('file://') ? fileURLToPath(callerFile) : callerFile;
    },
    stringWidth: layout?.[1] ?? ((text: string) => text.length),
    y18n: y18n({ directory: resolve(dir, 'locales'), updateFiles: false }),
  });
}

/**
 * yargs asserts on every start (its version guess); node:assert (4 ms to load) is asked only
 * when an assertion fails, so it throws the error it would have: both compare with Object.is.
 */
export const lazyEquality: Equality = {
  notStrictEqual: (actual, expected, message) => {
    if (Object.is(actual, expected)) nodeAssert().notStrictEqual(actual, expected, message);
  },
  strictEqual: (actual, expected, message) => {
    if (!Object.is(actual, expected)) nodeAssert().strictEqual(actual, expected, message);
  },
};

/** the two node:assert functions yargs' shim takes (typed as plain functions: TypeScript's assertion signatures need a declared name) */
interface Equality {
  strictEqual(actual: unknown, expected: unknown, message?: string): void;
  notStrictEqual(actual: unknown, expected: unknown, message?: string): void;
}
const nodeAssert = (): Equality => createRequire(import.meta.url)('node:assert') as Equality;

/** cliui's interface, laying out nothing: the help text of a run that prints none */
const silentLayout = () => ({ div: () => undefined, span: () => undefined, resetOutput: () => undefined, toString: () => '' });
