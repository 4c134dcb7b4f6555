// @ts-check
/**
 * ESLint (flat config) with typescript-eslint: the recommended rules plus a few type-aware ones that
 * catch real bugs (promises left floating or passed where a void callback is expected, awaiting
 * non-promises, assertions that change nothing). The type information comes from tsconfig.test.json
 * (src, bench, tests), test/tsconfig.e2e.json (the browser test) and web/tsconfig.json (the dashboard front end).
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'runs/**', 'reference/**', 'docs/**', '.vitest-cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json', './test/tsconfig.e2e.json', './web/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Not enabled: it flags every `a[i]!`, which this code writes on purpose for in-bounds indexing
      // (the habit of noUncheckedIndexedAccess; ~500 sites, most in the engines' hot loops).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/only-throw-error': 'error',
      // `_name` marks a deliberately unused parameter or binding (callbacks with a fixed signature)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // plain JS config files: Node globals, no type information
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
