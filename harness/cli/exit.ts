/**
 * tlsgate's exit codes, and how an error a command threw becomes one: bad input is the user's
 * to fix (2, the message only); anything else is a bug in tlsgate (3, a short note and where to
 * report it; the stack only when asked for).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../model/paths.js';
import { ScenarioProblems } from './selection.js';
import { errorMessage, UsageError } from '../model/errors.js';

export const EXIT = { passed: 0, failed: 1, usage: 2, internal: 3, interrupted: 130 } as const;

export function exitCodeOf(err: unknown, opts: { stderr: NodeJS.WritableStream; withStack: boolean }): number {
  if (err instanceof UsageError) {
    opts.stderr.write(`tlsgate: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof ScenarioProblems) {
    opts.stderr.write(`${err.problems.join('\n')}\n\ntlsgate: ${err.message}; nothing was run\n`);
    return EXIT.usage;
  }
  reportInternalError(err, opts);
  return EXIT.internal;
}

export function reportInternalError(err: unknown, opts: { stderr: NodeJS.WritableStream; withStack: boolean }): void {
  const message = errorMessage(err);
  const lines = [`tlsgate: internal error: ${message}`, ...whereToReportLines('')];
  if (opts.withStack && err instanceof Error && err.stack) lines.push('', err.stack);
  opts.stderr.write(`${lines.join('\n')}\n`);
}

/**
 * Bugs a run contained (each ended only its own scenario or reporter call): one line each, after
 * the reports were written. The run then exits 3.
 */
export function reportContainedErrors(described: readonly string[], stderr: NodeJS.WritableStream): void {
  const lines = [
    `tlsgate: internal error${described.length === 1 ? '' : 's'} (the other scenarios ran and every report was written):`,
    ...described.map((d) => `  ${d}`),
    ...whereToReportLines(' or in a driver module it loaded'),
  ];
  stderr.write(`${lines.join('\n')}\n`);
}

function whereToReportLines(orElsewhere: string): string[] {
  return [
    `This is a bug in tlsgate ${tlsgateVersion()}${orElsewhere}, not in your scenarios. Please report it at ${whereToReport()}`,
    'with the command line and the output of the same command run with --verbose (or TLSGATE_DEBUG=1).',
  ];
}

interface PackageJson {
  version?: string;
  bugs?: string | { url?: string };
  repository?: string | { url?: string };
}

function packageJson(): PackageJson {
  try {
    return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return {};
  }
}

export function tlsgateVersion(): string {
  return packageJson().version ?? 'unknown';
}

/** package.json's bugs URL, else its repository's issues page, else a plain description */
function whereToReport(): string {
  const pkg = packageJson();
  const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  return bugs ?? (repo ? `${repo.replace(/^git\+/, '').replace(/\.git$/, '')}/issues` : "tlsgate's issue tracker");
}
