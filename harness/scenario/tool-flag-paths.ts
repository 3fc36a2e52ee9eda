/**
 * A file named in `toolFlags` (`./dh512.pem`, `../params/x.pem`) is relative to the scenario
 * file, as `pki.files` and driver modules are: made absolute here, so the tool (which runs in a
 * scratch folder) finds it from any working directory.
 */
import { dirname, resolve } from 'node:path';
import type { Scenario } from '../model/domain.js';

const RELATIVE = /^\.\.?\//;

export function resolveToolFlagPaths(scenarios: Scenario[], yamlFile: string): void {
  const folder = dirname(yamlFile);
  for (const s of scenarios) {
    for (const end of [s.server, s.client]) {
      if (end.toolFlags) end.toolFlags = end.toolFlags.map((flag) => (RELATIVE.test(flag) ? resolve(folder, flag) : flag));
    }
  }
}
