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
 * The factory is yargs' internal module, so this holds for the major it was written against
 * (18); with another one, or if anything here fails, tlsgate takes yargs' own entry.
 */
import { notStrictEqual, strictEqual } from 'node:assert';
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
    if (!(require('yargs/package.json') as { version: string }).version.startsWith(WRITTEN_FOR_MAJOR)) return await ownEntry();
    return await fromFactory(withHelp);
  } catch {
    return ownEntry();
  }
}

async function ownEntry(): Promise<YargsFactory> {
  return (await import('yargs')).default;
}

/** what yargs' own shim gives its factory, each of its dependencies resolved from yargs, as its entry resolves them */
async function fromFactory(withHelp: boolean): Promise<YargsFactory> {
  const entry = fileURLToPath(import.meta.resolve('yargs'));
  const dir = dirname(entry);
  const fromYargs = createRequire(entry);
  const load = async <T>(specifier: string): Promise<T> => ((await import(pathToFileURL(fromYargs.resolve(specifier)).href)) as { default: T }).default;
  const own = <T>(path: string): Promise<T> => import(pathToFileURL(join(dir, path)).href) as Promise<T>;
  const [{ YargsFactory }, { getProcessArgvBin }, Parser, y18n, escalade, layout] = await Promise.all([
    own<{ YargsFactory: (shim: unknown) => YargsFactory }>('build/lib/yargs-factory.js'),
    own<{ getProcessArgvBin: () => string }>('build/lib/utils/process-argv.js'),
    load<unknown>('yargs-parser'),
    load<(opts: { directory: string; updateFiles: boolean }) => unknown>('y18n'),
    load<unknown>('escalade/sync'),
    withHelp ? Promise.all([load<unknown>('cliui'), load<(text: string) => number>('string-width')]) : undefined,
  ]);
  const getCallerFile = fromYargs('get-caller-file') as (depth: number) => string;
  const mainFilename = entry.substring(0, entry.lastIndexOf('node_modules'));
  return YargsFactory({
    assert: { notStrictEqual, strictEqual },
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

/** cliui's interface, laying out nothing: the help text of a run that prints none */
const silentLayout = () => ({ div: () => undefined, span: () => undefined, resetOutput: () => undefined, toString: () => '' });
