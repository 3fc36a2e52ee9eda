/**
 * The lean yargs (harness/cli/lean-yargs.ts) against yargs' own entry, as the oracle: the same
 * parser definition gives the same help text, the same parsed arguments and the same errors
 * (unknown arguments, a typo's suggestion, a missing command) through both.
 */
import { expect } from 'chai';
import yargs, { type Argv } from 'yargs';
import { leanYargs } from '../../harness/cli/lean-yargs.js';

type Factory = (argv: string[]) => Argv;

/** a parser shaped like tlsgate's (main.ts): commands with positionals, options, examples, strict */
function parser(factory: Factory, argv: string[]): Argv {
  return factory(argv)
    .scriptName('tool')
    .usage('$0 <command> [options]\n\nWhat the tool is for, in a sentence long enough to be wrapped by the layout at eighty columns.')
    .option('verbose', { type: 'boolean', default: false, global: true, describe: 'print stack traces' })
    .command('list [paths..]', 'list what a run would run', (y) => y
      .positional('paths', { type: 'string', array: true, describe: 'files or folders' })
      .option('tag', { type: 'string', describe: 'only with this tag; repeated, every tag given' })
      .option('shard', { type: 'string', describe: 'slice i of n' })
      .example('$0 list --tag chain', 'the chain scenarios'), () => undefined)
    .command('cache <action>', 'the cache folder', (y) => y.positional('action', { choices: ['info', 'prune'] as const, demandOption: true }), () => undefined)
    .demandCommand(1, 'give a command: list or cache')
    .recommendCommands()
    .strict()
    .help()
    .alias('help', 'h')
    .version('1.2.3')
    .wrap(80)
    .epilogue('Exit codes: 0 passed, 2 bad input.')
    .exitProcess(false)
    .fail((message, err) => {
      throw err ?? new Error(message);
    });
}

/** what a parse printed, gave back, or threw */
async function outcome(factory: Factory, argv: string[]): Promise<{ printed: string; parsed?: unknown; error?: string }> {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
  try {
    const parsed = await parser(factory, argv).parseAsync();
    return { printed: printed.join('\n'), parsed };
  } catch (err) {
    return { printed: printed.join('\n'), error: (err as Error).message };
  } finally {
    console.log = log;
  }
}

describe('lean yargs: the same parser as yargs\' own entry', () => {
  const withHelp = [['--help'], ['-h'], ['list', '--help'], ['cache', '-h'], ['help']];
  const without = [['list'], ['list', 'a', 'b', '--tag', 'x', '--tag', 'y', '--verbose'], ['lsit'], [], ['list', '--bogus'], ['cache', 'nope'], ['--version']];

  for (const argv of [...withHelp, ...without]) {
    it(`tool ${argv.join(' ')}`, async () => {
      const lean = await leanYargs(withHelp.includes(argv));
      expect(lean, 'built from the factory, not the fallback').to.not.equal(yargs);
      const own = await outcome(yargs, argv);
      expect(own.printed + (own.error ?? '') + JSON.stringify(own.parsed ?? '')).to.not.equal(''); // the oracle said something
      expect(await outcome(lean, argv)).to.deep.equal(own);
    });
  }
});
