/** Jest runs the TypeScript sources directly through swc (native ESM); `tsc` type-checks separately. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The caller's RAZOR_* settings never reach a test (test/helpers/clean-env.ts).
  setupFiles: ['<rootDir>/test/helpers/clean-env.ts'],
  // Sample files earlier runs left under /tmp are removed first (test/global-setup.js).
  globalSetup: '<rootDir>/test/global-setup.js',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  // A hang guard, not a speed check: under a loaded machine (stress-ng on both cores) a test that
  // spawns several CLI processes can need minutes. Speed goals live in bench/.
  testTimeout: 300_000,
};
