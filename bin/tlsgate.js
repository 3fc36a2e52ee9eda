#!/usr/bin/env node
// The `tlsgate` command: starts the compiled CLI in dist/. The published package is built when
// it is packed (prepack) and runs no script when installed. A fresh clone has no dist/ until its
// first build, so `npm ci && npx tlsgate run` builds the product here, once, with the
// project's own TypeScript (a devDependency, present in a clone).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/harness/cli/main.js', import.meta.url);

if (!existsSync(cli)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write(`tlsgate: ${root} has no dist/ and no TypeScript to build it; run \`npm ci\` there, or install the published package\n`);
    process.exit(3);
  }
  process.stderr.write('tlsgate: first run in this checkout: building dist/ (tsc -p tsconfig.build.json)\n');
  // imported here: child_process (and the net module it loads) cost every start 6 ms
  const { spawnSync } = await import('node:child_process');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write('tlsgate: building dist/ failed (see above)\n');
    process.exit(3);
  }
}

await import(cli.href);
