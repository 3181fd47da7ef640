import { atLeast, ClickHouse, CURRENT_CLICKHOUSE, identifier, migrateClickHouse, serverVersion, sql, toClickHouseDateTime } from '@vigil/clickhouse';
import { testConfig, waitFor } from '@vigil/testing';
import { HistoryRetention, RETAINED_TABLES } from '../retention/history-retention';

/**
 * Retention on real ClickHouse, in a database of its own (dropping partitions must not touch other tests' rows):
 * on 18.16 (integration) whole monthly partitions older than the retention are dropped; on current ClickHouse
 * (integration-clickhouse-current, chdb 26.x) a TTL expires each row. Rows are dated relative to now: one in a
 * month long past, one older than the retention but in the month the retention's cutoff falls in, one recent.
 */
const DAY = 86_400_000;
const config = testConfig();
const retentionConfig = { ...config, VIGIL_CLICKHOUSE_DATABASE: `${config.VIGIL_CLICKHOUSE_DATABASE}_retention` };
const clickhouse = ClickHouse.connect(retentionConfig);

// A retention whose cutoff falls in the middle of a month (the 15th, two months back), so a row can be older than
// the retention and still share its month with rows inside it.
const now = Date.now();
const today = new Date(now);
const middle = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 2, 15, 12);
const DAYS = Math.floor((now - middle) / DAY);
const cutoff = now - DAYS * DAY;
const AGES = { longPast: now - (DAYS + 120) * DAY, straddling: cutoff - 2 * DAY, recent: now - DAY };
const monthOf = (at: number) => new Date(at).getUTCFullYear() * 100 + new Date(at).getUTCMonth() + 1;

function rows(table: (typeof RETAINED_TABLES)[number]['table'], age: keyof typeof AGES): Record<string, unknown> {
  const at = AGES[age];
  const time = { received_at: toClickHouseDateTime(at), received_at_ms: at };
  if (table === 'checkins')
    return { event_id: age, checkin_id: age, project_id: 1, monitor_id: 'm', environment: 'production', status: 'ok', source: 'ping', ...time };
  if (table === 'processing_errors') return { error_id: age, project_id: 1, source: 'ping', errors: '[]', ...time };
  return {
    event_id: age,
    project_id: 1,
    monitor_id: 'm',
    environment: 'production',
    from_state: 'new',
    to_state: 'ok',
    at: time.received_at,
    at_ms: at,
    kafka_offset: 1,
  };
}

async function left(table: string): Promise<string[]> {
  const id = table === 'processing_errors' ? 'error_id' : 'event_id';
  const found = await clickhouse.query<{ id: string }>(sql`SELECT ${identifier(id)} AS id FROM ${identifier(table)} ORDER BY id`);
  return found.map((row) => row.id);
}

beforeAll(async () => {
  const server = ClickHouse.connect(config, { database: null });
  await server.command(sql`DROP DATABASE IF EXISTS ${identifier(retentionConfig.VIGIL_CLICKHOUSE_DATABASE)}`);
  await server.close();
  await migrateClickHouse(retentionConfig);
  for (const { table } of RETAINED_TABLES) await clickhouse.insert(table, [rows(table, 'longPast'), rows(table, 'straddling'), rows(table, 'recent')]);
});

afterAll(async () => {
  await clickhouse.command(sql`DROP DATABASE IF EXISTS ${identifier(retentionConfig.VIGIL_CLICKHOUSE_DATABASE)}`);
  await clickhouse.close();
});

it('keeps the configured number of days: TTL on current ClickHouse, whole monthly partitions before', async () => {
  expect(monthOf(AGES.straddling)).toBe(monthOf(cutoff));
  const retention = new HistoryRetention(clickhouse, DAYS);
  if (atLeast(await serverVersion(clickhouse), CURRENT_CLICKHOUSE)) {
    expect(await retention.apply(now)).toEqual({ mode: 'ttl', changed: ['checkins', 'processing_errors', 'monitor_states'] });
    for (const { table, column } of RETAINED_TABLES) {
      const [engine] = await clickhouse.query<{ engine_full: string }>(
        sql`SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = ${table}`,
      );
      expect(engine?.engine_full).toContain(`TTL ${column} + toIntervalDay(${DAYS})`);
      // Each row expires on its own: the one in the cutoff's month too.
      expect(
        await waitFor(`${table}'s expired rows to go`, async () => ((await left(table)).length === 1 ? left(table) : undefined), { timeoutMs: 30000 }),
      ).toEqual(['recent']);
    }
    expect(await retention.apply(now)).toEqual({ mode: 'ttl', changed: [] });
    // A changed retention is a changed TTL.
    expect(await new HistoryRetention(clickhouse, DAYS + 1).apply(now)).toEqual({ mode: 'ttl', changed: ['checkins', 'processing_errors', 'monitor_states'] });
  } else {
    const longPast = monthOf(AGES.longPast);
    expect(await retention.apply(now)).toEqual({
      mode: 'partitions',
      dropped: RETAINED_TABLES.map(({ table }) => ({ table, partition: longPast })),
    });
    // The cutoff's month stays whole until it has passed entirely.
    for (const { table } of RETAINED_TABLES) expect(await left(table)).toEqual(['recent', 'straddling']);
    expect(await retention.apply(now)).toEqual({ mode: 'partitions', dropped: [] });
  }
});
