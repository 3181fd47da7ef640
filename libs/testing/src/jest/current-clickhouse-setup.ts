import { startChdbServer, type ChdbServer } from '../chdb/chdb-server';
import { ensureStack } from '../stack';
import { testConfig } from '../test-config';
import { resetTestStores } from '../test-stores';

declare global {
  var vigilChdbServer: ChdbServer | undefined;
}

/**
 * Before the integration tier's ClickHouse specs run on current ClickHouse: the local stack is up (Postgres and
 * Kafka are the real ones), chdb serves in its own data directory, and the test stores are clean, the ClickHouse
 * database migrated on chdb. current-clickhouse-env.ts points each test file at it.
 */
export default async function globalSetup(): Promise<void> {
  await ensureStack();
  const server = await startChdbServer();
  globalThis.vigilChdbServer = server;
  process.stderr.write(`\ncurrent ClickHouse for the tests: chdb, ClickHouse ${server.version} at ${server.url}\n`);
  await resetTestStores(testConfig({ VIGIL_CLICKHOUSE_URL: server.url }));
}
