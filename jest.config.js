/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  // The attack suite (test/attack) last: it loads the machine for minutes.
  testSequencer: '<rootDir>/test/helpers/sequencer.cjs',
  testTimeout: 60_000,
  // Each test file works in its own database; two workers match the two cores.
  maxWorkers: 2,
};
