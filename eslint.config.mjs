// `npm run check:lint` (part of `npm run check`, which CI runs). Every rule and override below says why:
// a rule with no reason is noise that someone will switch off. test/unit/lint.test.ts proves the cycle
// rule still fires, so that nothing (a resolver that stops resolving, an override) disables it silently.
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Imports are written without extensions (module node16 with CommonJS output; the browser bundles).
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];

export default defineConfig(
  {
    // Build output, Prisma's generated client (not ours to lint) and run artefacts.
    ignores: ['dist/**', 'src/generated/**', 'bench-results/**', 'coverage/**', 'test-output/**', '.data/**'],
  },
  {
    // A pair of files that import each other on purpose: only test/unit/lint.test.ts lints them (ignores off).
    ignores: ['test/fixtures/lint-cycle/**'],
  },
  {
    // An eslint-disable that no longer disables anything hides the next real finding on that line.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // typescript-eslint's recommended set, without type information (the whole repository in ~10 s): the
  // mistakes tsc lets through (a stray expression, `any` with no reason, a namespace, a this-alias...).
  // The type-checked set was measured too: ~50 s, and 1,600 findings, nearly all no-unsafe-* on the
  // tests' deliberately untyped GraphQL answers. Its promise rules are taken below, where they matter.
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a name kept on purpose: a GraphQL argument declared for the schema
      // and read elsewhere (a `subscribe` function), a field dropped from a rest copy. It is the
      // convention tsc's noUnusedParameters already applies; anything else unused is still an error.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // The server only (they need type information, ~20 s more): a promise nobody awaits or catches is
      // an unhandled rejection that stops the process, or a write that silently did not happen; a
      // promise passed where a callback's result is ignored (an event handler) loses its errors the same
      // way; awaiting a non-promise usually means the call returned something else than intended.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests walk GraphQL answers whose shape they assert themselves (`gql<T = any>`): typing every
      // answer would copy the schema into each test for no extra check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  {
    files: ['**/*.cjs'],
    rules: {
      // A .cjs file is CommonJS on purpose (jest loads its test sequencer with require): require is its import.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },

  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    plugins: { 'import-x': importX },
    settings: {
      // Resolve imports as tsc and esbuild do. If nothing resolved, no-cycle would see no edges and pass.
      'import-x/resolver-next': [createNodeResolver({ extensions: [...EXTENSIONS, '.json', '.node'] })],
      'import-x/extensions': EXTENSIONS,
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts', '.cts'] },
    },
    rules: {
      // A cycle lets load order decide which module sees `undefined` (a class used before it is defined,
      // a decorator reading a type not yet there): the failure shows far from its cause, and features
      // stop being separable. `import type` is erased by tsc and is not followed here: such a loop is no
      // load-order bug but still one layer split in two files, and `npm run check:cycles` (madge) finds it.
      // ignoreExternal: node_modules cannot close a loop of ours, and not walking them keeps it fast.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
);
