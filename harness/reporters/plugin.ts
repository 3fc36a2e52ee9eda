/**
 * Reporter plug-ins: `--reporter ./my-reporter.mjs[:FILE]` imports that module (resolved from the
 * working directory) before anything runs; its default export is a ReporterFactory, called like
 * a built-in's (see README.md in this folder). A name is a module path by the same rule as a
 * driver's (drivers/module-path.ts).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isModulePath } from '../model/module-path.js';
import { errorMessage, UsageError } from '../model/errors.js';
import type { Output } from './output.js';
import type { Reporter, ReporterFactory } from './types.js';

export { isModulePath as isReporterModulePath };

const README = 'harness/reporters/README.md';

/** imports the module and checks that its default export is a factory; a problem is a UsageError (exit 2) */
export async function importReporterFactory(name: string, cwd: string): Promise<ReporterFactory> {
  const file = resolve(cwd, name);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new UsageError(`--reporter ${name}: the reporter module ${file} could not be loaded: ${firstLine(err)}`);
  }
  if (typeof mod.default !== 'function') {
    throw new UsageError(`--reporter ${name}: ${file} has no reporter factory as its default export (export default (out, ctx) => ({ name, onEnd })); see ${README}`);
  }
  return pluginFactory(name, mod.default as ReporterFactory);
}

/**
 * The module's factory, checked: what it returns must be a Reporter (else exit 2 before the run),
 * and its output is closed after onEnd, so a file is written even if the plug-in forgets to.
 */
const pluginFactory = (name: string, factory: ReporterFactory): ReporterFactory => (out, ctx) => {
  const reporter: unknown = factory(out, ctx);
  if (!isReporter(reporter)) {
    throw new UsageError(`--reporter ${name}: its factory returned no reporter (needs a string \`name\` and an onEnd(summary, results) method); see ${README}`);
  }
  return closingOutput(reporter, out);
};

function isReporter(r: unknown): r is Reporter {
  const x = r as Partial<Reporter> | undefined;
  return !!x && typeof x.name === 'string' && typeof x.onEnd === 'function';
}

function closingOutput(reporter: Reporter, out: Output): Reporter {
  const onEnd: Reporter['onEnd'] = async (summary, results) => {
    await reporter.onEnd(summary, results);
    await out.close();
  };
  return {
    name: reporter.name,
    ...(reporter.onBegin ? { onBegin: reporter.onBegin.bind(reporter) } : {}),
    ...(reporter.onResult ? { onResult: reporter.onResult.bind(reporter) } : {}),
    onEnd,
  };
}

const firstLine = (err: unknown): string => errorMessage(err).split('\n')[0]!;
