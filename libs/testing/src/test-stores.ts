import { ClickHouse, identifier, migrateClickHouse, sql } from '@vigil/clickhouse';
import type { VigilConfig } from '@vigil/config';
import { createDataSource, runMigrations } from '@vigil/db';
import { Client } from 'pg';
import { createKafkaClient, ensureTopics } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';

/**
 * Gives the test run clean stores: the test Postgres database emptied and migrated, the test ClickHouse
 * database dropped and migrated, the prefixed test topics created.
 */
export async function resetTestStores(config: VigilConfig): Promise<void> {
  await ensurePostgresDatabase(config);
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

/** A test slot's database may not exist yet: create it through the maintenance database. */
async function ensurePostgresDatabase(config: VigilConfig): Promise<void> {
  const target = new URL(config.VIGIL_POSTGRES_URL);
  const database = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(target.toString());
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
