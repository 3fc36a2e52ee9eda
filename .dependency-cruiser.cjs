/**
 * tlsgate's layer rules, checked by `npm run lint` (depcruise) and so by `npm test`.
 *
 * The flow: scenario -> materials -> endpoints (plans) -> handshake (drivers) -> observation ->
 * verdict -> report. Each folder below may import only the folders its row lists (and itself);
 * everything flows down this table, never up. `model/` is the shared vocabulary, importable by
 * all. Type-only imports count like any other, except where a rule says "at run time".
 * See ARCHITECTURE.md for the picture.
 */

/** harness folders, in flow order, and what each may import (besides itself, model/ and ca/) */
const LAYERS = [
  // name, path (regex on the repository path), may import
  // the drivers' plug-in contract (plans, hooks, handles; the setup error a stack may raise)
  ['contract', '^harness/drivers/portable/(types|setup-error)\\.ts$', []],
  // facts about a runtime, collected inside it (the worker) and kept in reports and baselines
  ['facts', '^harness/drivers/portable/inventory/', []],
  // the rest of portable/: the kit, the Node stacks, hostile peers, the worker
  // the driver registry: scenario validation asks it whether a user's module is a driver
  ['registry', '^harness/drivers/portable/registry\\.ts$', ['contract', 'facts', 'portable']],
  ['portable', '^harness/drivers/portable/', ['contract', 'facts']],
  // drivers for npm libraries (axios, got, ws, grpc-js, pg...), their servers and the CONNECT proxy:
  // the portable kit plus the library the user's project resolves, loaded lazily
  ['library', '^harness/drivers/library/', ['contract', 'facts', 'portable']],
  ['scenario', '^harness/scenario/', ['registry', 'library']],
  // the project config: found in the working directory, read with the scenario loader's machinery
  ['config', '^harness/config/', ['scenario']],
  ['materials', '^harness/session/scenario-materials\\.ts$', ['scenario']],
  ['plans', '^harness/session/(tls-plans|client-identity)\\.ts$', ['materials', 'contract']],
  ['revocation', '^harness/session/revocation/', ['contract', 'portable']],
  ['remote', '^harness/drivers/remote/', ['contract', 'facts', 'portable', 'library']],
  ['verdict', '^harness/verdict/', ['contract']],
  ['session', '^harness/session/[^/]+\\.ts$', ['scenario', 'materials', 'plans', 'revocation', 'contract', 'facts', 'portable', 'remote', 'verdict', 'library']],
  ['baseline', '^harness/baseline/', ['facts']],
  ['reporters', '^harness/reporters/', ['baseline', 'facts', 'inventory']],
  ['run', '^harness/run/', ['session', 'reporters', 'baseline', 'facts']],
  ['inventory', '^harness/inventory/', ['contract', 'facts', 'portable']],
  ['serve', '^harness/serve/', ['scenario', 'revocation', 'contract']],
  ['reproduce', '^harness/reproduce/', ['scenario', 'materials', 'plans', 'revocation', 'contract', 'session']],
  ['matrix', '^harness/matrix/', ['scenario', 'session', 'run', 'baseline', 'reporters', 'contract', 'facts', 'portable', 'remote', 'inventory']],
];
const path = Object.fromEntries(LAYERS.map(([name, p]) => [name, p]));
const ALWAYS = ['^harness/model/', '^ca/'];
// session's own row would match its sub-layers' files too; they are listed first in `path`,
// so a file's layer is the first row whose path matches it
const layerRules = LAYERS.map(([name, p, may], i) => ({
  name: `flow-${name}`,
  severity: 'error',
  comment: `harness/${name} may import only ${[...may, 'model', 'ca'].join(', ')} (the flow runs one way; see ARCHITECTURE.md)`,
  from: { path: p, pathNot: LAYERS.slice(0, i).filter(([n]) => n !== name).map(([, q]) => q) },
  to: { path: '^(harness|ca)/', pathNot: [p, ...ALWAYS, ...may.map((m) => path[m])] },
}));

/** what runs inside another Node (the matrix worker loads all of it): node: builtins only */
const PORTABLE = '^harness/drivers/portable/';
const MODEL = '^harness/model/';

module.exports = {
  forbidden: [
    {
      name: 'ca-knows-no-harness',
      severity: 'error',
      comment: 'ca/ is the mock PKI and knows nothing of scenarios: it imports nothing from harness/',
      from: { path: '^ca/' },
      to: { path: '^harness/' },
    },
    {
      name: 'ca-layers',
      severity: 'error',
      comment: 'ca/ flows spec, asn1 -> issue -> revocation -> servers: nothing imports a folder to its right',
      from: { path: '^ca/(spec|asn1)/' },
      to: { path: '^ca/(issue|revocation|servers)/' },
    },
    {
      name: 'ca-layers-issue',
      severity: 'error',
      comment: 'ca/issue makes certificates; CRLs, OCSP and the servers build on it, not the other way',
      from: { path: '^ca/issue/' },
      to: { path: '^ca/(revocation|servers)/' },
    },
    {
      name: 'ca-layers-revocation',
      severity: 'error',
      comment: 'ca/revocation encodes CRLs and OCSP; the servers serve them, not the other way',
      from: { path: '^ca/revocation/' },
      to: { path: '^ca/servers/' },
    },
    {
      name: 'portable-builtins-only',
      severity: 'error',
      comment: 'harness/drivers/portable runs inside any Node (the matrix worker loads it): at run time it imports only node: builtins, portable/ and model/',
      from: { path: PORTABLE },
      to: { dependencyTypesNot: ['core', 'type-only', 'type-import'], pathNot: [PORTABLE, MODEL] },
    },
    {
      name: 'portable-types-too',
      severity: 'error',
      comment: 'harness/drivers/portable knows nothing above it, not even types: only portable/ and model/ (an npm package\'s types are fine)',
      from: { path: PORTABLE },
      to: { path: '^(harness|ca)/', pathNot: [PORTABLE, MODEL] },
    },
    {
      name: 'worker-loads-portable-only',
      severity: 'error',
      comment: 'the matrix worker (any Node) reaches only portable/ and model/ files, whatever folder a new import points at (model/ may name ca/ types: erased at run time)',
      from: { path: '^harness/drivers/portable/worker/remote-worker\\.ts$' },
      to: { path: '^harness/', pathNot: [PORTABLE, MODEL], reachable: true },
    },
    {
      name: 'model-builtins-only',
      severity: 'error',
      comment: 'harness/model is loaded by portable code too: at run time it imports only node: builtins and model/ (types from ca/ are fine). The scenario format is the exception: its TypeBox definition (typebox, ca/spec) is where the domain types come from, and portable code imports only its types',
      from: { path: MODEL, pathNot: ['^harness/model/scenario-format\\.ts$', '^harness/model/format/'] },
      to: { dependencyTypesNot: ['core', 'type-only', 'type-import'], pathNot: MODEL },
    },
    {
      name: 'model-is-the-bottom',
      severity: 'error',
      comment: 'harness/model is the vocabulary everything shares: it imports no other harness folder, not even for types',
      from: { path: MODEL },
      to: { path: '^harness/', pathNot: MODEL },
    },
    {
      name: 'portable-kinds-apart',
      severity: 'error',
      comment: 'hostile peers and the Node stacks under test share only the portable kit, never each other',
      from: { path: '^harness/drivers/portable/hostile/' },
      to: { path: '^harness/drivers/portable/node/' },
    },
    {
      name: 'portable-kinds-apart-node',
      severity: 'error',
      comment: 'the Node stacks under test know no hostile peer',
      from: { path: '^harness/drivers/portable/node/' },
      to: { path: '^harness/drivers/portable/hostile/' },
    },
    {
      name: 'session-private',
      severity: 'error',
      comment: 'scenario-session.ts is the engine\'s own: outside harness/session, go through engine.ts (shared predicates belong in model/)',
      from: { path: '^(harness|ca)/', pathNot: '^harness/session/' },
      to: { path: '^harness/session/scenario-session\\.ts$' },
    },
    {
      name: 'cli-on-top',
      severity: 'error',
      comment: 'harness/cli is the top: nothing below imports it (UsageError and friends belong in model/)',
      from: { path: '^(harness|ca)/', pathNot: '^harness/cli/' },
      to: { path: '^harness/cli/' },
    },
    ...layerRules,
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles: a cycle has no first layer',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to no file',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'product code (ca/, harness/) must not import devDependencies: users do not install them',
      from: { path: '^(ca|harness)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only', 'type-import'] },
    },
  ],
  options: {
    exclude: { path: '^dist/' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
