import { ClickHouse, identifier, migrateClickHouse, sql } from '@vigil/clickhouse';
import type { VigilConfig } from '@vigil/config';
import { createDataSource, runMigrations } from '@vigil/db';
import { createKafkaClient, ensureTopics } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';

/**
 * Gives the test run clean stores: the test Postgres database emptied and migrated, the test ClickHouse
 * database dropped and migrated, the prefixed test topics created.
 */
export async function resetTestStores(config: VigilConfig): Promise<void> {
  const dataSource = createDataSource(config, { poolSize: 1 });
  await dataSource.initialize();
  try {
    await dataSource.query('DROP SCHEMA IF EXISTS public CASCADE');
    await dataSource.query('CREATE SCHEMA public');
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }

  const server = ClickHouse.connect(config, { database: null });
  try {
    await server.command(sql`DROP DATABASE IF EXISTS ${identifier(config.VIGIL_CLICKHOUSE_DATABASE)}`);
  } finally {
    await server.close();
  }
  await migrateClickHouse(config);

  const kafka = createKafkaClient(config, 'vigil-test-setup', createLogger('test-setup', 'warn'));
  await ensureTopics(kafka, config.VIGIL_KAFKA_TOPIC_PREFIX);
}
