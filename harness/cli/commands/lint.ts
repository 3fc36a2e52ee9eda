/**
 * `tlsgate lint [paths..]`: static checks of certificate files for the same CI gate as `run`.
 * Settings come from the flags, else the project config's `lint:` section, else the defaults.
 * Exit 0 no finding at --fail-on or above, 1 some, 2 bad input (every unreadable file listed,
 * and no report written).
 */
import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lintFiles } from '../../lint/lint.js';
import { failsLint, type Severity } from '../../lint/findings.js';
import { compileClasses, DEFAULTS, durationMs, type LintSettings } from '../../lint/policy.js';
import { renderLintStepSummary } from '../../lint/report/github.js';
import { isLintReporter, LINT_REPORTERS, type LintReporterName } from '../../lint/report/render.js';
import { UsageError } from '../../model/errors.js';
import { fileOutput, streamOutput } from '../../reporters/output.js';
import { checkTargets, splitReporterArg } from '../../run/reporters.js';
import { EXIT } from '../exit.js';
import { projectConfig } from '../project-config.js';

export interface LintArgs {
  paths: string[];
  expiresWithin?: string;
  failOn?: string;
  securityLevel?: number;
  shortLived?: string;
  /** `PASS`, or `FILE=PASS` for one PKCS#12 file; PASS may be `env:NAME` */
  passphrases: string[];
  reporters: string[];
  verbose: boolean;
  /** the instant to judge at (tests); default now */
  now?: Date;
  env?: NodeJS.ProcessEnv;
}

interface Target {
  name: LintReporterName;
  file?: string;
}

export async function lintCommand(args: LintArgs): Promise<number> {
  if (args.paths.length === 0) throw new UsageError('tlsgate lint: give the certificate files or folders to lint, e.g. tlsgate lint certs/');
  const env = args.env ?? process.env;
  const targets = (args.reporters.length ? args.reporters : ['console']).map(reporterTarget);
  checkTargets(targets);
  const config = (await projectConfig(args.verbose))?.lint;
  const settings = lintSettings(args, config);
  const outcome = await lintFiles(args.paths, settings, passphrasesOf(args.passphrases, env));
  if ('problems' in outcome) {
    process.stderr.write(`${outcome.problems.join('\n')}\n\ntlsgate lint: ${outcome.problems.length} file problem${outcome.problems.length === 1 ? '' : 's'}; nothing was linted\n`);
    return EXIT.usage;
  }
  for (const t of targets) {
    const out = t.file === undefined ? streamOutput(process.stdout) : fileOutput(t.file);
    out.write(LINT_REPORTERS[t.name](outcome.report));
    await out.close();
    if (t.name === 'github' && env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, renderLintStepSummary(outcome.report));
  }
  return failsLint(outcome.report) ? EXIT.failed : EXIT.passed;
}

const reporterTarget = (arg: string): Target => splitReporterArg(arg, isLintReporter,
  (name) => `unknown lint reporter '${name}' in --reporter ${arg}; use one of: ${Object.keys(LINT_REPORTERS).join(', ')} (optionally NAME:FILE)`);

type LintConfig = NonNullable<Awaited<ReturnType<typeof projectConfig>>>['lint'];

function lintSettings(args: LintArgs, config: LintConfig): LintSettings {
  const expiresWithin = args.expiresWithin ?? config?.expiresWithin ?? DEFAULTS.expiresWithin;
  const shortLived = args.shortLived ?? config?.shortLived ?? DEFAULTS.shortLived;
  const failOn = args.failOn ?? config?.failOn ?? DEFAULTS.failOn;
  if (failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on wants error or warning, got '${failOn}'`);
  const securityLevel = args.securityLevel ?? config?.securityLevel ?? DEFAULTS.securityLevel;
  if (!Number.isInteger(securityLevel) || securityLevel < 0 || securityLevel > 5) throw new UsageError(`--security-level wants an OpenSSL security level, 0 to 5, got ${securityLevel}`);
  return {
    now: args.now ?? new Date(),
    expiresWithin,
    expiresWithinMs: spanMs('--expires-within', expiresWithin),
    shortLived,
    shortLivedMs: spanMs('--short-lived', shortLived),
    securityLevel,
    failOn: failOn as Severity,
    classes: compileClasses(config),
  };
}

function spanMs(flag: string, text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new UsageError(`${flag} wants a duration such as 30d, 12h, 90m or 2w, got '${text}'`);
  return ms;
}

/** `PASS` is the fallback; `FILE=PASS` is one file's when FILE names a file; `env:NAME` reads the variable */
function passphrasesOf(given: readonly string[], env: NodeJS.ProcessEnv) {
  const byFile = new Map<string, string>();
  let fallback: string | undefined;
  const value = (text: string): string => {
    if (!text.startsWith('env:')) return text;
    const found = env[text.slice(4)];
    if (found === undefined) throw new UsageError(`--passphrase ${text}: the environment variable ${text.slice(4)} is not set`);
    return found;
  };
  for (const g of given) {
    const eq = g.indexOf('=');
    if (eq > 0 && /\.(p12|pfx)$/i.test(g.slice(0, eq))) byFile.set(resolve(g.slice(0, eq)), value(g.slice(eq + 1)));
    else fallback = value(g);
  }
  return { byFile, ...(fallback !== undefined ? { fallback } : {}) };
}
