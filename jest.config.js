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
      // The plugin's behaviour tests again with the lowest axios of the peer range (1.16.1),
      // so that range is tested, not assumed. Only axios changes; the rest is shared.
      displayName: 'unit-lowest-axios',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: [
        '<rootDir>/__tests__/plugin.test.ts',
        '<rootDir>/__tests__/proxy.test.ts',
        '<rootDir>/__tests__/core/tunnel-agent.test.ts',
        '<rootDir>/__tests__/interop.test.ts',
        '<rootDir>/__tests__/core/token-size.test.ts',
        '<rootDir>/__tests__/security/**/*.test.ts',
        '<rootDir>/__tests__/core/session.test.ts',
      ],
      moduleNameMapper: { '^axios$': 'axios-lowest' },
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
