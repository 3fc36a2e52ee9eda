#!/usr/bin/env node
/**
 * The `tlsgate` command line. This module only parses arguments: each command's module (and
 * the heavy libraries behind it: pkijs, x509, undici) is imported when that command runs, so
 * `--help` and usage errors answer fast.
 *
 * Exit codes: 0 all passed, 1 a scenario failed or errored, 2 bad input or usage,
 * 3 internal error, 130 interrupted.
 */
import type { Argv } from 'yargs';
import { EXIT, exitCodeOf, reportInternalError, tlsgateVersion } from './exit.js';
import { scenarioPaths } from './selection.js';
import { errorMessage } from '../model/errors.js';
import { defaultCacheDir, defaultCertsDir, defaultLoadCacheDir } from '../model/paths.js';

/** what a command handler resolves to: its exit code */
type Command = () => Promise<number>;

/**
 * `tlsgate list | head`: the reader went away, so there is nobody left to tell anything; end
 * as a Unix tool does instead of crashing on the unhandled EPIPE.
 */
function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(EXIT.passed);
  });
}

interface Common {
  verbose: boolean;
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyWhenStdoutCloses();
  // answered before loading the argument parser (yargs and its helpers: most of a bare start)
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${tlsgateVersion()}\n`);
    return EXIT.passed;
  }
  let exitCode: number = EXIT.passed;
  const run = async (verbose: boolean, command: Command) => { exitCode = await guarded(command, verbose); };
  const parser = buildParser(await (await import('./lean-yargs.js')).leanYargs(showsHelp(argv)), argv, run);
  try {
    await parser.parseAsync();
  } catch (err) {
    // only usage errors reach here: handlers never throw (guarded)
    process.stderr.write(`tlsgate: ${errorMessage(err)}\nRun 'tlsgate --help' (or 'tlsgate <command> --help') for usage.\n`);
    return EXIT.usage;
  }
  return exitCode;
}

type Runner = (verbose: boolean, command: Command) => Promise<void>;

function buildParser(yargs: (argv: string[]) => Argv, argv: string[], run: Runner): Argv<Common> {
  return yargs(argv)
    .scriptName('tlsgate')
    .usage('$0 <command> [options]\n\nDoes TLS trust still work exactly as before? Real Node TLS handshakes against a local mock PKI, driven by YAML scenarios.')
    .option('verbose', { type: 'boolean', default: false, global: true, describe: 'print stack traces of internal errors (also: TLSGATE_DEBUG=1)' })
    .command('run [paths..]', 'run scenarios and report; exit 0 only if every one passed', (y) => runOptions(filterOptions(y))
      .example('$0 run', 'the built-in catalogue, plus ./scenarios if present')
      .example('$0 run scenarios/prod.yaml --tag mtls', 'one file, only scenarios tagged mtls')
      .example('$0 run --reporter console --reporter junit:reports/tlsgate.xml', 'console output plus a JUnit file for CI')
      .example('$0 run --shard 2/4 --reporter json:shard-2.json', 'the second of four deterministic slices')
      .example('$0 run --update-baseline tlsgate.baseline.json', 'record how this stack behaves')
      .example('$0 run --baseline tlsgate.baseline.json --fail-on error-changed', 'after an upgrade: fail on regressions and changed errors'),
    (a) => run(a.verbose, async () => (await import('./commands/run.js')).runCommand({
      // paths, reporters, certs and baseline left unset here come from the project config
      paths: listOf(a.paths),
      ...filtersOf(a),
      reporters: listOf(a.reporter),
      bail: a.bail,
      timeoutMs: a.timeout,
      ...(a.concurrency !== undefined ? { concurrency: a.concurrency } : {}),
      ...(a.workers !== undefined ? { workers: a.workers } : {}),
      ...(a.certs !== undefined || process.env.TLSGATE_CERTS ? { certsDir: certsDirOf(a.certs) } : {}),
      verbose: a.verbose,
      ...driftArgsOf(a),
      ...auditArgOf(a),
    })))
    .command('list [paths..]', 'list the scenarios a run with the same filters would run', (y) => filterOptions(y)
      .example('$0 list --tag chain', 'ids, file:line and tags of the chain scenarios'),
    (a) => run(a.verbose, async () => (await import('./commands/list.js')).listCommand({
      paths: listOf(a.paths), ...filtersOf(a), verbose: a.verbose,
    })))
    .command('validate [paths..]', 'check scenario files; print every problem as file:line:col  path  message  (hint)', (y) => pathsPositional(y)
      .example('$0 validate scenarios/', 'exit 0 if every file is valid, 2 otherwise'),
    (a) => run(a.verbose, async () => (await import('./commands/validate.js')).validateCommand(scenarioPathsOf(a.paths))))
    .command('certs <scenario> [paths..]', "write a scenario's certificates and keys to a folder, with openssl/curl command lines that reproduce it", (y) => certsDirOption(pathsPositional(y)
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario id (file#name, see `tlsgate list`) or a unique name' })
      .option('out', { type: 'string', demandOption: true, describe: 'folder to write to' })
      .option('port', { type: 'number', default: 8443, describe: 'port the printed s_server listens on and the printed clients connect to', coerce: portNumber('--port') }))
      .example('$0 certs "chain/paths.yaml#valid 3-level chain" --out /tmp/chain', 'materials of one scenario, with openssl s_server/s_client and curl lines that reproduce it (or why they cannot)'),
    (a) => run(a.verbose, async () => (await import('./commands/certs.js')).certsCommand({
      paths: scenarioPathsOf(a.paths), scenario: String(a.scenario), out: a.out, certsDir: certsDirOf(a.certs), port: a.port,
    })))
    .command('inventory', 'print the fingerprint of the TLS stack under test (versions, defaults, security level, root store, trust environment)', (y) => certsDirOption(y)
      .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of a table' })
      .option('project', { type: 'string', describe: "the project's TLS inventory instead: every TLS-bearing package its lockfiles (package-lock v2/v3, pnpm-lock.yaml, yarn.lock classic/berry) install in DIR (default .), each copy's version, and the driver that covers it" })
      .example('$0 inventory --project', 'pg, ws, axios... in this project, each installed copy, covered or not'),
    (a) => run(a.verbose, async () => (await import('./commands/inventory.js')).inventoryCommand({ json: a.json, certsDir: certsDirOf(a.certs), ...(a.project !== undefined ? { project: a.project } : {}) })))
    .command('matrix [paths..]', 'run the scenarios under several Node versions side by side, with the drift between them', (y) => matrixOptions(filterOptions(y))
      .example('$0 matrix --node 18,20,22', 'newest 18.x, 20.x and 22.x from the npm registry (cached in .tlsgate-cache/node)')
      .example('$0 matrix --node 22.11.0,/opt/node-patched/bin/node --drift-markdown drift.md', 'an exact version against a local build'),
    (a) => run(a.verbose, async () => (await import('./commands/matrix.js')).matrixCommand({
      paths: listOf(a.paths),
      ...filtersOf(a),
      node: listOf(a.node),
      ...(a.package !== undefined ? { package: String(a.package) } : {}),
      ...(a.nodeCache !== undefined ? { nodeCache: a.nodeCache } : {}),
      ...(a.certs !== undefined || process.env.TLSGATE_CERTS ? { certsDir: certsDirOf(a.certs) } : {}),
      verbose: a.verbose,
      timeoutMs: a.timeout,
      ...(a.concurrency !== undefined ? { concurrency: a.concurrency } : {}),
      all: a.all,
      ...(a.json !== undefined ? { json: a.json } : {}),
      ...(a.html !== undefined ? { html: a.html } : {}),
      ...driftArgsOf(a),
      ...auditArgOf(a),
    })))
    .command('merge-reports <dir>', "join the shards' JSON reports (every *.json in DIR) into one run: one summary, one drift, any reporters", (y) => y
      .positional('dir', { type: 'string', demandOption: true, describe: "folder holding each shard's `--reporter json:FILE` report" })
      .option('reporter', { type: 'string', default: 'console', describe: 'console, json, junit, tap, github, or a module path; NAME:FILE writes to a file (repeatable; one may use stdout)' })
      .option('drift-markdown', { type: 'string', describe: 'write the merged drift (when the reports carry one) as Markdown to this file' })
      .example('$0 merge-reports shards/ --reporter console --reporter junit:tlsgate.xml --reporter github', 'after `tlsgate run --shard i/n --reporter json:shards/i.json` in each CI job'),
    (a) => run(a.verbose, async () => (await import('./commands/merge-reports.js')).mergeReportsCommand({
      dir: String(a.dir),
      reporters: listOf(a.reporter),
      ...(listOf(a.driftMarkdown).at(-1) !== undefined ? { driftMarkdown: listOf(a.driftMarkdown).at(-1)! } : {}),
    })))
    .command('serve', 'run the mock CA, OCSP responder and CRL server until Ctrl-C', (y) => certsDirOption(y)
      .option('spec', { type: 'string', describe: 'YAML file whose `pki:` section to issue and serve (any scenario file works); default: a root, an intermediate, good and revoked server and client leaves' })
      .option('out', { type: 'string', default: 'tlsgate-pki', describe: "folder for the issued certificates and keys: new, empty, or a previous serve's (its files are replaced; any other non-empty folder is refused)" })
      .option('port', { type: 'number', describe: 'fixed ports instead of the system\'s: BASE the CRL server, BASE+1 the OCSP responder, BASE+2... the HTTPS endpoints (one per server certificate, in spec order); a restart with the same --port and --out serves the same certificates', coerce: positiveInteger('--port') })
      .option('fault', { type: 'string', describe: `make the CRL server or OCSP responder misbehave, as a scenario's faults: do (repeatable): ${SERVE_FAULT_SYNTAX}, or a YAML mapping such as '{ server: ocsp, ca: intermediate, fault: { kind: ocsp-status, status: tryLater } }'. Kinds: delay (ms), hang, http-status (status), truncate, garbage, trickle (intervalMs), endless, stale, future, wrong-key, signer-without-eku, certid-mismatch, nonce-mismatch, unknown-status, ocsp-status (status)` })
      .option('audit', { type: 'string', describe: AUDIT_HELP })
      .example('$0 serve --out ./pki', 'the default PKI, with ready-to-paste openssl and curl commands')
      .example('$0 serve --out ./pki --port 8880', 'fixed ports 8880 (CRL), 8881 (OCSP), 8882... (HTTPS): restarts reuse ./pki')
      .example('$0 serve --out ./pki --fault ocsp:ca=intermediate:kind=hang', 'an OCSP responder that never answers about the intermediate\'s certificates')
      .example('$0 serve --spec scenarios/revocation/ocsp.yaml --out ./pki', "serve a scenario file's PKI"),
    (a) => run(a.verbose, () => serve({ ...(a.spec !== undefined ? { spec: a.spec } : {}), out: a.out, certsDir: certsDirOf(a.certs), ...(a.port !== undefined ? { port: a.port } : {}), faults: listOf(a.fault), ...auditArgOf(a) })))
    .command('lint [paths..]', 'check certificate files (PEM, DER, bundles, PKCS#12): expiry, lifetime policy, SPIFFE SVIDs, key and signature strength, revocation pointers, bundles, names', (y) => y
      .positional('paths', { type: 'string', array: true, describe: 'certificate files, or folders to search for .pem .crt .cer .der .cert .p12 .pfx files' })
      .option('expires-within', { type: 'string', defaultDescription: "the project config's lint.expiresWithin, else 30d", describe: 'warn about certificates that expire within this span (30d, 12h, 2w)' })
      .option('fail-on', { type: 'string', choices: ['error', 'warning'], defaultDescription: "the project config's lint.failOn, else error", describe: 'the least severity that fails the lint (exit 1)' })
      .option('security-level', { type: 'number', defaultDescription: "the project config's lint.securityLevel, else 2 (Node 24's default)", describe: 'the OpenSSL security level keys and signatures are judged against (0-5)' })
      .option('short-lived', { type: 'string', defaultDescription: "the project config's lint.shortLived, else 10d", describe: 'certificates living at most this long need no CRL or OCSP pointer' })
      .option('passphrase', { type: 'string', describe: 'PKCS#12 passphrase: PASS for every .p12/.pfx, FILE=PASS for one (repeatable); PASS may be env:NAME to read it from the environment' })
      .option('reporter', { type: 'string', describe: 'console (default), json, junit or github; NAME:FILE writes to a file (repeatable; one may use stdout)' })
      .example('$0 lint certs/ --expires-within 30d', 'every certificate file under certs/')
      .example('$0 lint deploy/ --reporter github --reporter junit:lint.xml --fail-on warning', 'in CI: annotations, a JUnit file, and warnings fail too')
      .example('$0 lint client.p12 --passphrase env:P12_PASS', 'a PKCS#12 bundle, its passphrase from the environment'),
    (a) => run(a.verbose, async () => (await import('./commands/lint.js')).lintCommand({
      paths: listOf(a.paths),
      ...(a.expiresWithin !== undefined ? { expiresWithin: listOf(a.expiresWithin).at(-1)! } : {}),
      ...(a.failOn !== undefined ? { failOn: listOf(a.failOn).at(-1)! } : {}),
      ...(a.securityLevel !== undefined ? { securityLevel: Number(listOf(a.securityLevel).at(-1)) } : {}),
      ...(a.shortLived !== undefined ? { shortLived: listOf(a.shortLived).at(-1)! } : {}),
      passphrases: listOf(a.passphrase),
      reporters: listOf(a.reporter),
      verbose: a.verbose,
    })))
    .command('cache <action>', 'the cache folder (generated keys and certificates, checked scenario files, Node builds): `info` shows it, `prune` trims it', (y) => cacheOptions(y)
      .positional('action', { choices: ['info', 'prune'] as const, demandOption: true, describe: 'info: folders, counts, sizes, last uses; prune: remove what was not used for --older-than (or --all)' })
      .example('$0 cache info', 'what the cache holds and where')
      .example('$0 cache prune --older-than 7d', 'remove keys, certificates and checked scenario files not used for a week')
      .example('$0 cache prune --all', 'empty the cache (Node builds too)'),
    (a) => run(a.verbose, async () => {
      const { cacheInfoCommand, cachePruneCommand } = await import('./commands/cache.js');
      const folders = { certsDir: certsDirOf(a.certs), nodeCache: a.nodeCache ?? (await import('../matrix/node-cache.js')).defaultNodeCache(), loadCache: defaultLoadCacheDir(), durations: (await import('../run/duration-history.js')).durationHistoryFile(defaultCacheDir()) };
      return a.action === 'info'
        ? cacheInfoCommand({ ...folders, json: a.json })
        : cachePruneCommand({ ...folders, all: a.all, olderThan: a.olderThan });
    }))
    .demandCommand(1, 'give a command: run, list, validate, certs or serve (or inventory, matrix, cache, merge-reports, lint)')
    .recommendCommands()
    .strict()
    .help()
    .alias('help', 'h')
    .version(tlsgateVersion())
    .wrap(showsHelp(argv) ? Math.min(110, process.stdout.columns || 100) : null)
    .epilogue('Exit codes: 0 all passed, 1 a scenario failed or errored, 2 bad input or usage, 3 internal error, 130 interrupted. With --baseline, a drift that fails the gate also exits 1.')
    .exitProcess(false)
    .fail((message, err) => {
      throw err ?? new Error(unknownArgumentsOnce(message, argv));
    });
}

/**
 * Whether yargs will print its help text (--help, -h, or `tlsgate help`). It renders that text
 * on every command it runs (to have it at hand): the layout is loaded (lean-yargs.ts) and the
 * text wrapped to the terminal only when it is shown.
 */
const showsHelp = (argv: readonly string[]): boolean => argv.some((a) => a === '--help' || a === '-h' || a === 'help' || a.startsWith('--help='));

/**
 * yargs names an unknown dashed flag twice, as given and camelCased (`foo-bar, fooBar`), and
 * without its dashes: name each unknown argument once, the way the user typed it.
 */
function unknownArgumentsOnce(message: string, argv: readonly string[]): string {
  const listed = /^Unknown arguments?: (.*)$/s.exec(message)?.[1];
  if (listed === undefined) return message;
  const names = listed.split(', ');
  const camelCopies = new Set(names.filter((n) => n.includes('-')).map(camelCase));
  const typed = names.filter((n) => !camelCopies.has(n)).map((n) => asTyped(n, argv));
  return `Unknown argument${typed.length > 1 ? 's' : ''}: ${typed.join(', ')}`;
}

const camelCase = (name: string): string => name.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase());

/** `--name`, `--no-name` or `-n` as it appears in argv; a positional stays as it is */
function asTyped(name: string, argv: readonly string[]): string {
  const forms = [`--${name}`, `--no-${name}`, `-${name}`];
  return argv.map((token) => token.split('=')[0]!).find((flag) => forms.includes(flag))
    ?? (name.length === 1 ? `-${name}` : name);
}

const pathsPositional = <T>(y: Argv<T>) => y.positional('paths', {
  type: 'string',
  array: true,
  defaultDescription: 'the built-in catalogue, plus ./scenarios if present',
  describe: 'scenario files or folders',
});

const filterOptions = <T>(y: Argv<T>) => pathsPositional(y)
  .option('grep', { type: 'string', describe: 'only scenarios whose id or name matches this regular expression' })
  .option('tag', { type: 'string', describe: 'only scenarios with this tag; repeated, a scenario needs every tag given (AND): --tag mtls --tag tls13' })
  .option('shard', { type: 'string', describe: 'run slice i of n (e.g. 2/4): a deterministic split across CI jobs' });

const certsDirOption = <T>(y: Argv<T>) => y.option('certs', {
  type: 'string',
  defaultDescription: '$TLSGATE_CERTS or <cache>/certs, <cache> = $TLSGATE_CACHE_DIR or ./.tlsgate-cache',
  describe: 'cache folder for generated certificates and keys',
});

/** resolved when a command runs, not while parsing, so --help never looks for the package */
const certsDirOf = (given: string | undefined): string => given ?? defaultCertsDir();

const runOptions = <T>(y: Argv<T>) => certsDirOption(y)
  .option('reporter', { type: 'string', defaultDescription: 'the project config\'s reporters, else console', describe: 'console, json, junit, tap, github, html, or a module path (./my-reporter.mjs); NAME:FILE writes to a file (html:DIR writes DIR/index.html) (repeatable; one may use stdout)' })
  .option('bail', { type: 'boolean', default: false, describe: 'stop starting scenarios after the first failure' })
  .option('timeout', { type: 'number', default: 5000, describe: 'per-connection timeout of a scenario, ms (a scenario\'s timeoutMs wins)', coerce: positiveInteger('--timeout') })
  .option('concurrency', { type: 'number', defaultDescription: '4 per CPU', describe: 'scenarios run at once', coerce: positiveInteger('--concurrency') })
  .option('workers', { type: 'number', defaultDescription: 'CPU count less one (1 on 2 CPUs; fewer for small runs: one per 40 scenarios)', describe: 'worker processes the TLS ends run in (1: all in this process)', coerce: positiveInteger('--workers') })
  .option('baseline', { type: 'string', describe: 'compare with this baseline file; the drift is reported and security/availability regressions fail the run' })
  .option('update-baseline', { type: 'string', describe: 'record this run as a baseline file (stable text, for version control)' })
  .option('fail-on', { type: 'string', describe: `also fail on these drift classes (repeatable or comma list): ${DRIFT_CLASS_NAMES}` })
  .option('ignore', { type: 'string', describe: 'neither report nor fail on these drift classes (repeatable or comma list)' })
  .option('drift-markdown', { type: 'string', describe: 'write the drift against --baseline as Markdown to this file' })
  .option('audit', { type: 'string', describe: AUDIT_HELP });

const matrixOptions = <T>(y: Argv<T>) => certsDirOption(y)
  .option('node', { type: 'string', describe: 'Node runtimes: majors (22), exact versions (22.11.0) or paths to node binaries; comma list or repeated' })
  .option('package', { type: 'string', describe: "versions of a library instead: NAME@V1,V2 (e.g. undici@7.16.0,7.30.2) installed into <cache>/packages on first use; runs the scenarios whose client driver is that library, one column per version, on this Node" })
  .option('node-cache', { type: 'string', defaultDescription: '$TLSGATE_NODE_CACHE or <cache>/node, <cache> = $TLSGATE_CACHE_DIR or ./.tlsgate-cache', describe: 'where Node builds from the npm registry are installed and reused' })
  .option('timeout', { type: 'number', default: 5000, describe: 'per-connection timeout of a scenario, ms', coerce: positiveInteger('--timeout') })
  .option('concurrency', { type: 'number', defaultDescription: 'CPU count x runtimes (up to 3)', describe: 'scenarios in flight at once (each runs on every runtime)', coerce: positiveInteger('--concurrency') })
  .option('baseline', { type: 'string', describe: "also compare each runtime with this baseline file (from `tlsgate run --update-baseline`)" })
  .option('fail-on', { type: 'string', describe: 'also fail on these drift classes (repeatable or comma list)' })
  .option('ignore', { type: 'string', describe: 'neither report nor fail on these drift classes (repeatable or comma list)' })
  .option('drift-markdown', { type: 'string', describe: 'write the matrix (table and drift) as Markdown to this file' })
  .option('json', { type: 'string', describe: 'write the matrix as JSON to this file (per runtime: summary, inventory, baseline; the drifts)' })
  .option('html', { type: 'string', describe: 'write the matrix as one self-contained page, DIR/index.html (scenarios x runtimes; click a cell for its observation)' })
  .option('all', { type: 'boolean', default: false, describe: 'show every scenario in the table, not only those that differ or did not pass' })
  .option('audit', { type: 'string', describe: AUDIT_HELP });

const cacheOptions = <T>(y: Argv<T>) => certsDirOption(y)
  .option('node-cache', { type: 'string', defaultDescription: '$TLSGATE_NODE_CACHE or <cache>/node', describe: 'where the matrix keeps Node builds' })
  .option('json', { type: 'boolean', default: false, describe: 'info: print JSON instead of a table' })
  .option('all', { type: 'boolean', default: false, describe: 'prune: remove everything (keys, certificates, checked scenario files, Node builds)' })
  .option('older-than', { type: 'string', default: '7d', describe: 'prune: remove keys, certificates and checked scenario files not used for this long (30m, 12h, 7d, 2w)' });

/** kept in step with harness/serve/faults.ts (not imported: --help must not load it) */
const SERVE_FAULT_SYNTAX = 'SERVER:ca=ID:kind=KIND[:NAME=VALUE...] or SERVER:cert=ID:..., e.g. ocsp:ca=intermediate:kind=hang, crl:ca=root:kind=http-status:status=503';

const AUDIT_HELP = 'write what the mock CA did as JSON Lines to this file: certificates issued, revoked and reinstated, CRLs published, OCSP requests answered, in order';

/** --audit FILE, when given (the last one wins) */
function auditArgOf(a: { audit?: unknown }): { audit?: string } {
  const file = listOf(a.audit).at(-1);
  return file !== undefined ? { audit: file } : {};
}

const DRIFT_CLASS_NAMES = 'security-regression, availability-regression, error-changed, negotiation-changed, declared, added, removed';

/** the baseline flags, each only when given */
function driftArgsOf(a: { baseline?: unknown; updateBaseline?: unknown; failOn?: unknown; ignore?: unknown; driftMarkdown?: unknown }) {
  const one = (v: unknown) => listOf(v).at(-1);
  const baseline = one(a.baseline);
  const updateBaseline = one(a.updateBaseline);
  const driftMarkdown = one(a.driftMarkdown);
  return {
    ...(baseline !== undefined ? { baseline } : {}),
    ...(updateBaseline !== undefined ? { updateBaseline } : {}),
    ...(driftMarkdown !== undefined ? { driftMarkdown } : {}),
    failOn: listOf(a.failOn),
    ignore: listOf(a.ignore),
  };
}

function positiveInteger(flag: string): (v: unknown) => number {
  return (v) => {
    const last = Array.isArray(v) ? v.at(-1) : v;
    const n = Number(last);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} wants a positive whole number, got ${Number.isNaN(n) ? 'something else' : String(last)}`);
    return n;
  };
}

function portNumber(flag: string): (v: unknown) => number {
  const positive = positiveInteger(flag);
  return (v) => {
    const n = positive(v);
    if (n > 65535) throw new Error(`${flag} wants a TCP port (1-65535), got ${n}`);
    return n;
  };
}

/** a repeatable option arrives as a value or an array of values */
const listOf = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));

function filtersOf(a: { grep?: unknown; tag?: unknown; shard?: unknown }) {
  const grep = listOf(a.grep).at(-1);
  const shard = listOf(a.shard).at(-1);
  return { tags: listOf(a.tag), ...(grep !== undefined ? { grep } : {}), ...(shard !== undefined ? { shard } : {}) };
}

const scenarioPathsOf = (given: unknown): string[] => scenarioPaths(listOf(given));

async function serve(args: Omit<import('./commands/serve.js').ServeArgs, 'signal'>): Promise<number> {
  const [{ serveCommand }, { trapInterrupts }] = await Promise.all([import('./commands/serve.js'), import('./interrupt.js')]);
  const interrupts = trapInterrupts();
  try {
    return await serveCommand({ ...args, signal: interrupts.signal });
  } finally {
    interrupts.release();
  }
}

/** a command's exit code; a thrown error becomes 2 (bad input) or 3 (internal) */
async function guarded(command: Command, verbose: boolean): Promise<number> {
  try {
    return await command();
  } catch (err) {
    return exitCodeOf(err, { stderr: process.stderr, withStack: debugging(verbose) });
  }
}

const debugging = (verbose: boolean): boolean => verbose || process.env.TLSGATE_DEBUG === '1';

/**
 * Exit with the command's code once stdout is flushed. A clean run ends by itself; if something
 * still holds the event loop (a leaked socket), the unref'd timer ends the process anyway so CI
 * never hangs, and TLSGATE_DEBUG=1 names what was left open.
 */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    if (process.env.TLSGATE_DEBUG === '1') {
      process.stderr.write(`tlsgate: still open at exit: ${process.getActiveResourcesInfo().join(', ')}\n`);
    }
    process.exit(code);
  }, 2000).unref();
}

// what yargs' hideBin gives for node itself: the arguments after the script
main(process.argv.slice(2)).then(finish, (err: unknown) => {
  reportInternalError(err, { stderr: process.stderr, withStack: true });
  finish(EXIT.internal);
});
