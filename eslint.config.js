// tlsgate's linter: typescript-eslint's recommended rules, syntax only (not type-checked: a lint
// run needs no build and stays a few seconds). Layer rules are dependency-cruiser's
// (.dependency-cruiser.cjs), not eslint's. Every rule turned off or tuned here says why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setImmediate', 'module', 'require', '__dirname']
    .map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'certs/', 'coverage/', 'schema/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: nodeGlobals } },
  {
    rules: {
      // `const { dropped: _dropped, ...rest } = x` is how the code omits a key; `_` marks "unused on purpose"
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
      // tlsgate replaces a library's error with a one-line message for the user that already quotes
      // the cause's text; attaching `cause` would change what --verbose prints (not behaviour-neutral)
      'preserve-caught-error': 'off',
    },
  },
  {
    files: ['test/**'],
    rules: {
      // chai's property assertions (`expect(x).to.be.empty`) are expressions by design
      '@typescript-eslint/no-unused-expressions': 'off',
      // tests read parsed JSON reports field by field; `any` there is the test's own business
      '@typescript-eslint/no-explicit-any': 'off',
      // expected CLI output is column-aligned; a regex spelling the spaces reads as the output does
      'no-regex-spaces': 'off',
    },
  },
);
