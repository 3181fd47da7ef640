import { randomUUID } from 'node:crypto';
import { ClickHouse, identifier, migrateClickHouse, sql, toClickHouseDateTime } from '@vigil/clickhouse';
import { createDataSource } from '@vigil/db';
import { ServiceProcess, testConfig, testEnv, waitFor } from '@vigil/testing';

/**
 * Retention as the services run it (VIGIL_RETENTION_DAYS): history and the notifier apply it when they start.
 * History gets a ClickHouse database of its own (a month dropped there touches no other test's rows). On 18.16
 * the month long past is dropped whole; the rows of this month stay. The notifier deletes a delivery that finished
 * long ago, with its attempt, and keeps one that finished yesterday.
 */
const DAY = 86_400_000;
const base = testConfig();
const database = `${base.VIGIL_CLICKHOUSE_DATABASE}_retention_e2e`;
const env = testEnv({ VIGIL_CLICKHOUSE_DATABASE: database, VIGIL_RETENTION_DAYS: '30', VIGIL_LOG_LEVEL: 'info' });
const config = testConfig({ VIGIL_CLICKHOUSE_DATABASE: database });
const clickhouse = ClickHouse.connect(config);
const dataSource = createDataSource(base, { poolSize: 1 });
const organizationId = randomUUID();
const integrationId = randomUUID();
const deliveries = { old: randomUUID(), recent: randomUUID() };
const longPast = Date.now() - 200 * DAY;
const recent = Date.now() - DAY;
let services: ServiceProcess[] = [];

function checkin(eventId: string, at: number) {
  return {
    event_id: eventId,
    checkin_id: eventId,
    project_id: 1,
    monitor_id: 'm',
    environment: 'production',
    status: 'ok',
    source: 'ping',
    received_at: toClickHouseDateTime(at),
    received_at_ms: at,
  };
}

async function delivery(id: string, finishedDaysAgo: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO deliveries (id, idempotency_key, integration_id, kind, alert, status, attempts, updated_at)
     VALUES ($1::uuid, $1::text, $2, 'test', '{}', 'succeeded', 1, now() - make_interval(days => $3))`,
    [id, integrationId, finishedDaysAgo],
  );
  await dataSource.query(
    `INSERT INTO delivery_attempts (id, delivery_id, attempt, outcome, started_at) VALUES ($1, $2, 1, 'delivered', now() - make_interval(days => $3))`,
    [randomUUID(), id, finishedDaysAgo],
  );
}

beforeAll(async () => {
  const server = ClickHouse.connect(config, { database: null });
  await server.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
  await server.close();
  await migrateClickHouse(config);
  await clickhouse.insert('checkins', [checkin('long-past', longPast), checkin('recent', recent)]);

  await dataSource.initialize();
  await dataSource.query(`INSERT INTO organizations (id, slug, name) VALUES ($1, $2, 'Retention')`, [
    organizationId,
    `retention-${organizationId.slice(0, 8)}`,
  ]);
  await dataSource.query(`INSERT INTO integrations (id, organization_id, name, type, config) VALUES ($1, $2, 'Hook', 'webhook', $3)`, [
    integrationId,
    organizationId,
    JSON.stringify({ type: 'webhook', url: 'https://hooks.example.com/vigil', secret: 'vigil_whsec_retention-test-secret' }),
  ]);
  await delivery(deliveries.old, 45);
  await delivery(deliveries.recent, 1);

  services = await Promise.all((['history', 'notifier'] as const).map((name) => ServiceProcess.start(name, env, { keepStdout: true })));
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.stop()));
  await clickhouse.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
  await clickhouse.close();
  if (dataSource.isInitialized) {
    await dataSource.query('DELETE FROM organizations WHERE id = $1', [organizationId]);
    await dataSource.destroy();
  }
});

it('history applies the retention when it starts, and says what it did', async () => {
  const [history] = services;
  const left = await waitFor(
    'the month long past to go',
    async () => {
      // History consumes the slot's check-ins topic too, into this database: look at this test's rows only.
      const rows = await clickhouse.query<{ event_id: string }>(sql`SELECT event_id FROM checkins WHERE event_id IN ('long-past', 'recent') ORDER BY event_id`);
      return rows.length === 1 ? rows.map((row) => row.event_id) : undefined;
    },
    { timeoutMs: 30000 },
  );
  expect(left).toEqual(['recent']);
  // 18.16 here: partitions; on a current server history logs 'retention: TTL set' instead.
  await waitFor(
    'the log line',
    async () => history!.stdout.includes('"msg":"retention: partitions dropped"') || history!.stdout.includes('"msg":"retention: TTL set"'),
    {
      timeoutMs: 10000,
    },
  );
});

it('the notifier deletes the delivery that finished before the retention, with its attempt, and keeps the recent one', async () => {
  const [, notifier] = services;
  await waitFor(
    'the old delivery to go',
    async () => (await dataSource.query<Array<{ id: string }>>('SELECT id FROM deliveries WHERE id = $1', [deliveries.old])).length === 0,
    { timeoutMs: 30000 },
  );
  const kept: Array<{ id: string }> = await dataSource.query('SELECT id FROM deliveries WHERE id = ANY($1::uuid[])', [[deliveries.old, deliveries.recent]]);
  expect(kept).toEqual([{ id: deliveries.recent }]);
  const attempts: Array<{ n: string }> = await dataSource.query('SELECT count(*)::text AS n FROM delivery_attempts WHERE delivery_id = $1', [deliveries.old]);
  expect(attempts).toEqual([{ n: '0' }]);
  await waitFor('the log line', async () => notifier!.stdout.includes('"msg":"retention: finished deliveries deleted"'), { timeoutMs: 10000 });
});
