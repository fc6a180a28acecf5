// Two projects: unit tests (fake GSS provider behind our own interface, real HTTP servers
// on port 0) and integration tests against a real MIT KDC + Apache mod_auth_gssapi realm
// that __tests__/integration/setup/global-setup.ts brings up on 127.0.0.1 per run.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/__tests__/integration/'],
      globalSetup: '<rootDir>/__tests__/setup/build.ts',
    },
    {
      displayName: 'integration',
      testEnvironment: '<rootDir>/__tests__/integration/setup/environment.js',
      moduleNameMapper: { '^kerberos$': '<rootDir>/__tests__/integration/setup/kerberos-shim.js' },
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/integration/setup/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/integration/setup/global-teardown.ts',
      // Tests in one file share the process environment (KRB5CCNAME); files run in parallel
      // workers, each with its own environment.
      testTimeout: 30000,
    },
  ],
};
