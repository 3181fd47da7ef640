// Three tiers, one runner. Tests import library sources directly (no build needed); `tsc -b` type-checks
// them, including the tests, before jest runs (see the Makefile).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

// @platformatic/kafka ships ES modules only; services load it with require(esm), jest on Node 20 cannot, so tests
// get it compiled to CommonJS (decision 0014).
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

const common = {
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/@platformatic/.+\\.js$': swcJs },
  transformIgnorePatterns: ['/node_modules/(?!@platformatic/)'],
  // `@vigil/<lib>/testing`: helpers for tests only, kept out of the library's index.
  moduleNameMapper: { '^@vigil/([a-z-]+)$': '<rootDir>/libs/$1/src', '^@vigil/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing' },
  testEnvironment: 'node',
  rootDir: __dirname,
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.stack/'],
};

module.exports = {
  // Integration and end-to-end tests start processes and wait on real services; unit tests finish long before.
  testTimeout: 120000,
  // `--shard=i/n` deals specs out by their measured duration (make test runs the end-to-end tier as two shards).
  testSequencer: '<rootDir>/e2e/shard-sequencer.js',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services}/*/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services}/*/src/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
    },
    {
      // The integration specs that read or write ClickHouse, a second time on current ClickHouse (chdb-core, 26.x,
      // served over HTTP by libs/testing/src/chdb): the same code, the same expectations as on the local stack's
      // 18.16. A spec that issues a new kind of ClickHouse query belongs in this list (docs/clickhouse.md).
      ...common,
      displayName: 'integration-clickhouse-current',
      testMatch: [
        '<rootDir>/libs/clickhouse/src/**/*.int-spec.ts',
        '<rootDir>/services/api/src/__tests__/history-reads.int-spec.ts',
        '<rootDir>/services/api/src/__tests__/check-and-error-reads.int-spec.ts',
        '<rootDir>/services/api/src/__tests__/dashboard-reads.int-spec.ts',
        '<rootDir>/services/history/src/**/*.int-spec.ts',
      ],
      globalSetup: '<rootDir>/libs/testing/src/jest/current-clickhouse-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/current-clickhouse-teardown.ts',
      setupFiles: ['<rootDir>/libs/testing/src/jest/current-clickhouse-env.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/src/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
    },
    {
      // End-to-end specs that spend minutes waiting on the wall clock with little CPU (a service killed for three
      // minutes): `make test` runs them on a test slot of their own beside the integration tier.
      ...common,
      displayName: 'e2e-realtime',
      testMatch: ['<rootDir>/e2e/src/**/*.realtime-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
    },
  ],
};
