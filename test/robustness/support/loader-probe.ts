/**
 * One hostile scenario file through the real loader (from disk, as `tlsgate validate` reads it),
 * and the checks every answer must pass whatever the input: problems that name the file, a
 * position inside it and a path, one line each; never the loader's crash net; bounded time.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Scenario } from '../../../harness/model/domain.js';
import { loadScenarios } from '../../../harness/scenario/load.js';
import { formatProblem, type ScenarioProblem } from '../../../harness/scenario/problems.js';

/** load.ts turns an exception inside a check into this problem: it means a loader bug */
const CRASH_NET = 'tlsgate could not check this file';

export interface Probed {
  file: string;
  scenarios: Scenario[];
  problems: ScenarioProblem[];
  ms: number;
}

export class LoaderProbe {
  readonly dir = mkdtempSync(join(tmpdir(), 'tlsgate-loader-fuzz-'));
  private count = 0;

  /** writes `content` to a fresh file, loads it, and checks the answer is well-formed */
  async load(content: string | Uint8Array, withinMs = 3000): Promise<Probed> {
    const file = join(this.dir, `case-${++this.count}.yaml`);
    writeFileSync(file, content);
    const started = performance.now();
    const { scenarios, problems } = await loadScenarios([file]);
    const ms = performance.now() - started;
    expect(ms, `${file} took ${Math.round(ms)} ms`).to.be.below(withinMs);
    checkWellFormed(file, content, scenarios, problems);
    return { file, scenarios, problems, ms };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function checkWellFormed(file: string, content: string | Uint8Array, scenarios: Scenario[], problems: ScenarioProblem[]): void {
  const lines = (typeof content === 'string' ? content : Buffer.from(content).toString('latin1')).split('\n').length;
  const shown = problems.map(formatProblem);
  expect(scenarios.length > 0 && problems.length > 0, 'scenarios are built only from a file without problems').to.equal(false);
  expect(scenarios.length + problems.length, 'a file gives scenarios or problems').to.be.above(0);
  for (const [i, p] of problems.entries()) {
    expect(p.message, shown[i]).to.not.include(CRASH_NET);
    expect(p.file, shown[i]).to.equal(file);
    expect(p.line, shown[i]).to.be.within(1, lines + 1);
    expect(p.column, shown[i]).to.be.at.least(1);
    expect(p.path, shown[i]).to.be.a('string');
    expect(p.message.length, shown[i]).to.be.above(0);
    expect(shown[i], 'one problem, one line').to.not.match(/[\n\r\u2028\u2029]/);
  }
}
