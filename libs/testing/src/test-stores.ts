import { ClickHouse, identifier, migrateClickHouse, sql } from '@vigil/clickhouse';
import type { VigilConfig } from '@vigil/config';
import { createDataSource, runMigrations } from '@vigil/db';
import { Client } from 'pg';
import { waitFor } from './wait-for';
import { createKafkaClient, ensureTopics } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';

/**
 * Gives the test run clean stores: the test Postgres database emptied and migrated, the test ClickHouse
 * database dropped and migrated, the prefixed test topics and consumer groups deleted and created again.
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

  await resetTestTopics(config);
}

/**
 * The run's topics and consumer groups start empty: the scheduler keeps its state in a compacted topic and
 * its position in its group, so a previous run's pulses and tracks would otherwise carry into this one.
 * A test whose event times must not meet another test's (the scheduler's partition clocks only move
 * forward) calls it too, with every service it started stopped.
 */
export async function resetTestTopics(config: VigilConfig): Promise<void> {
  const kafka = createKafkaClient(config, 'vigil-test-setup', createLogger('test-setup', 'warn'));
  const prefix = config.VIGIL_KAFKA_TOPIC_PREFIX;
  if (!prefix.startsWith('test')) throw new Error(`refusing to delete topics with prefix "${prefix}": not a test prefix`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) {
      await admin.deleteTopics({ topics, timeout: 30000 });
      await waitFor('deleted test topics to disappear', async () => !(await admin.listTopics()).some((topic) => topics.includes(topic)), {
        timeoutMs: 30000,
        intervalMs: 200,
      });
    }
  } finally {
    await admin.disconnect();
  }
  // Creating a topic right after its deletion can still collide with the deletion: try again briefly.
  await waitFor(
    'test topics to be created',
    async () => {
      await ensureTopics(kafka, prefix);
      return true;
    },
    { timeoutMs: 30000, intervalMs: 500 },
  );
}

/** A test slot's database may not exist yet: create it through the maintenance database. */
export async function ensurePostgresDatabase(config: VigilConfig): Promise<void> {
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
