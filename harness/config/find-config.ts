/**
 * Where the project config is, found the way mocha and Playwright find theirs:
 * `tlsgate.config.json`, `tlsgate.config.yaml`, `tlsgate.config.yml`, then the `tlsgate` key of
 * package.json; the first found wins. Only looking: a folder without a config (most runs, every
 * `tlsgate list` of the catalogue) loads no YAML parser (load-config.ts reads the one found).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readSourceText } from '../scenario/yaml/read-source.js';
import { isRecord, type YamlPath } from '../scenario/yaml/yaml-path.js';

/** the files looked for, in order; package.json counts only with a `tlsgate` key */
export const CONFIG_FILES = ['tlsgate.config.json', 'tlsgate.config.yaml', 'tlsgate.config.yml'] as const;
export const PACKAGE_KEY = 'tlsgate';

export interface ConfigCandidate {
  /** absolute */
  file: string;
  /** where the config sits inside the document: [] or ['tlsgate'] */
  at: YamlPath;
}

/** the first config file in `cwd`; package.json only when it parses and has a `tlsgate` key */
export async function findConfig(cwd: string): Promise<ConfigCandidate | undefined> {
  for (const name of CONFIG_FILES) {
    const file = join(cwd, name);
    if (existsSync(file)) return { file, at: [] };
  }
  const pkg = join(cwd, 'package.json');
  if (!existsSync(pkg)) return undefined;
  const source = await readSourceText(pkg);
  if (!source.ok) return undefined;
  const value = await packageJsonValue(source.text);
  return isRecord(value) && Object.hasOwn(value, PACKAGE_KEY) ? { file: pkg, at: [PACKAGE_KEY] } : undefined;
}

/** JSON, as npm writes it; else what the YAML reader makes of it (load-config.ts reads the config with it) */
async function packageJsonValue(text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    const parsed = (await import('../scenario/yaml/parse-yaml.js')).parseYaml(text);
    return parsed.ok ? parsed.value : undefined;
  }
}
