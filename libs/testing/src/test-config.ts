import { loadConfig, type VigilConfig } from '@vigil/config';

/**
 * Where the tests' services live: the same Kafka, Postgres and ClickHouse as the local stack, but their own
 * Postgres database, ClickHouse database and topic prefix, so `make test` never touches what `make up` runs,
 * and their own ports for the services the tests start.
 */
export const TEST_ENV: Readonly<Record<string, string>> = {
  VIGIL_KAFKA_TOPIC_PREFIX: 'test.',
  VIGIL_CLICKHOUSE_DATABASE: 'vigil_test',
  VIGIL_INGEST_PORT: '18080',
  VIGIL_API_PORT: '18081',
  VIGIL_SCHEDULER_PORT: '18082',
  VIGIL_ISSUES_PORT: '18083',
  VIGIL_NOTIFIER_PORT: '18084',
  VIGIL_HISTORY_PORT: '18085',
  VIGIL_PUBLIC_INGEST_URL: 'http://127.0.0.1:18080',
  VIGIL_LOG_LEVEL: 'warn',
};

function testPostgresUrl(url: string): string {
  const parsed = new URL(url);
  const database = parsed.pathname.slice(1) || 'vigil';
  parsed.pathname = `/${database.endsWith('_test') ? database : `${database}_test`}`;
  return parsed.toString();
}

/** The environment a test process or a service started by a test runs with. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const base = loadConfig();
  return {
    ...TEST_ENV,
    VIGIL_POSTGRES_URL: process.env['VIGIL_TEST_POSTGRES_URL'] ?? testPostgresUrl(base.VIGIL_POSTGRES_URL),
    VIGIL_KAFKA_BROKERS: base.VIGIL_KAFKA_BROKERS,
    VIGIL_CLICKHOUSE_URL: base.VIGIL_CLICKHOUSE_URL,
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): VigilConfig {
  return loadConfig({ ...process.env, ...testEnv(overrides) });
}
