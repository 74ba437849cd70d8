import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Lint config: recommended JS + TypeScript rules; slices and daemon may not reach into each other. */
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['slices/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/daemon/**', 'commander', 'express'] }],
    },
  },
  {
    files: ['daemon/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/slices/**', 'commander'] }] },
  },
  {
    files: ['lib/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/slices/**', '**/daemon/**'] }] },
  },
);
