/**
 * Jest in ESM mode (oidc-provider is ESM-only): ts-jest's ESM transform, run under
 * `node --experimental-vm-modules` by `npm test`. Type checking is `tsc` in the same script.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  // The attack and fault table (docs/attacks-and-faults.md, README) is written from the tests' own findings.
  reporters: ['default', '<rootDir>/test/support/findings-reporter.js'],
};
