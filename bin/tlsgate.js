#!/usr/bin/env node
// The `tlsgate` command: starts the compiled CLI in dist/. The published package is built when
// it is packed (prepack) and runs no script when installed. In a git checkout, dist/ is built
// here with the project's own TypeScript (a devDependency, present in a clone): once in a fresh
// clone (`npm ci && npx tlsgate run`), and again when HEAD moved to sources newer than the build
// (after `git pull`), so a run never tests an old build.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { distFreshness, recordCurrent } from './dist-freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = new URL('../dist/harness/cli/main.js', import.meta.url);
const { state, head, unrecorded } = distFreshness(root);
let current = state === 'current';

if (state !== 'current') {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    if (state === 'missing') {
      process.stderr.write(`tlsgate: ${root} has no dist/ and no TypeScript to build it; run \`npm ci\` there, or install the published package\n`);
      process.exit(3);
    }
  }
  if (tsc !== undefined) {
    process.stderr.write(state === 'missing'
      ? 'tlsgate: first run in this checkout: building dist/ (tsc -p tsconfig.build.json)\n'
      : 'tlsgate: the sources changed since dist/ was built (HEAD moved): rebuilding dist/ (tsc -p tsconfig.build.json)\n');
    // imported here: child_process (and the net module it loads) cost every start 6 ms
    const { spawnSync } = await import('node:child_process');
    const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 2, 2] });
    if (build.status !== 0) {
      process.stderr.write('tlsgate: building dist/ failed (see above)\n');
      process.exit(3);
    }
    current = true;
  } else {
    process.stderr.write('tlsgate: dist/ is older than the sources and there is no TypeScript to rebuild it; running it as it is (`npm ci` brings TypeScript)\n');
  }
}
if (current && unrecorded) recordCurrent(root, head);

// yargs in one module (bin/bundle-yargs.js), made once where the build that made dist/ did not
// (`tsc` alone, as `npm test` runs it): one stat a start
if (!existsSync(new URL('../dist/vendor', import.meta.url))) (await import('./bundle-yargs.js')).ensureYargsBundle(root);

await import(cli.href);
