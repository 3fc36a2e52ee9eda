/**
 * A child process for the crash-containment tests: `tlsgate run` as the CLI runs it
 * (runCommand, the real engine and reporters), plus a github reporter whose annotation-path hook
 * throws, which no command line can inject. Usage: contained-run-child CERTS_DIR REPORT_DIR SCENARIO_FILE
 * Exits with runCommand's code.
 */
import { join } from 'node:path';
import { runCommand } from '../../../harness/cli/commands/run.js';

const [certsDir, reportDir, scenarioFile] = process.argv.slice(2) as [string, string, string];

process.exitCode = await runCommand({
  paths: [scenarioFile],
  reporters: [`json:${join(reportDir, 'report.json')}`, `junit:${join(reportDir, 'report.xml')}`, `github:${join(reportDir, 'github.txt')}`],
  bail: false,
  timeoutMs: 5000,
  concurrency: 2,
  certsDir,
  reporterContext: { annotationPath: () => { throw new Error('a reporter bug: no annotation path'); } },
});
