/**
 * The project config for `run` and `list`: found in the working directory (harness/config), a
 * bad one is bad input (exit 2, every problem at file:line), and --verbose says which file was
 * used. Command-line flags override its values; the commands merge them.
 */
import type { ProjectConfig } from '../config/load-config.js';
import { projectSelection } from '../config/matching.js';
import type { Scenario } from '../model/domain.js';
import { ScenarioProblems } from './selection.js';

export async function projectConfig(verbose: boolean, stderr: NodeJS.WritableStream = process.stderr): Promise<ProjectConfig | undefined> {
  const { findConfig, CONFIG_FILES } = await import('../config/find-config.js');
  const candidate = await findConfig(process.cwd());
  if (!candidate) {
    if (verbose) stderr.write(`tlsgate: no project config (looked for ${CONFIG_FILES.join(', ')} and a "tlsgate" key in package.json)\n`);
    return undefined;
  }
  // the YAML reader and the config's checks load only for a config there is
  const [{ readConfig }, { formatProblem }] = await Promise.all([import('../config/load-config.js'), import('../scenario/problems.js')]);
  const load = await readConfig(candidate);
  if ('problems' in load) throw new ScenarioProblems(load.problems.map((p) => formatProblem(p)), 'the project config');
  if (verbose) stderr.write(`tlsgate: project config: ${load.config.source}\n`);
  return load.config;
}

/** the config's include/exclude as a selection filter, when it has either */
export function projectKeep(config: ProjectConfig): ((s: Scenario) => boolean) | undefined {
  return projectSelection(config.include, config.exclude);
}
