import { loadConfig, type VigilConfig } from '@vigil/config';

/**
 * Where the tests' services live: the same Kafka, Postgres and ClickHouse as the local stack, but their own
 * Postgres database, ClickHouse database and topic prefix, so `make test` never touches what `make up` runs,
 * and their own ports for the services the tests start.
 */
export const TEST_ENV: Readonly<Record<string, string>> = testEnvForSlot(testSlot());

/**
 * `VIGIL_TEST_SLOT=N` (0 to 9, default 0) gives a test run its own ports, topic prefix and databases, so two
 * runs on one machine (two checkouts, or a benchmark beside the suite) never share a store.
 */
export function testSlot(): number {
  const raw = process.env['VIGIL_TEST_SLOT'] ?? '0';
  if (!/^[0-9]$/.test(raw)) throw new Error(`VIGIL_TEST_SLOT must be a digit from 0 to 9, got "${raw}"`);
  return Number(raw);
}

function testEnvForSlot(slot: number): Record<string, string> {
  const suffix = slot === 0 ? '' : String(slot);
  const port = (offset: number) => String(18080 + slot * 100 + offset);
  return {
    VIGIL_KAFKA_TOPIC_PREFIX: `test${suffix}.`,
    VIGIL_CLICKHOUSE_DATABASE: `vigil_test${suffix}`,
    VIGIL_INGEST_PORT: port(0),
    VIGIL_API_PORT: port(1),
    VIGIL_SCHEDULER_PORT: port(2),
    VIGIL_ISSUES_PORT: port(3),
    VIGIL_NOTIFIER_PORT: port(4),
    VIGIL_HISTORY_PORT: port(5),
    VIGIL_INGEST_METRICS_PORT: port(6),
    VIGIL_PUBLIC_INGEST_URL: `http://127.0.0.1:${port(0)}`,
    VIGIL_PUBLIC_API_URL: `http://127.0.0.1:${port(1)}`,
    VIGIL_LOG_LEVEL: 'warn',
  };
}

function testPostgresUrl(url: string): string {
  const parsed = new URL(url);
  const database = (parsed.pathname.slice(1) || 'vigil').replace(/_test\d?$/, '');
  const slot = testSlot();
  parsed.pathname = `/${database}_test${slot === 0 ? '' : slot}`;
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
