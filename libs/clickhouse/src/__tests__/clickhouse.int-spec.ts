import { testConfig } from '@vigil/testing';
import { ClickHouse } from '../clickhouse-client';
import { migrateClickHouse, migrationApplies, readMigrations } from '../migrations';
import { atLeast, CURRENT_CLICKHOUSE, serverVersion } from '../server-version';
import { sql } from '../sql';

// Real ClickHouse (18.16 on these machines): values survive the trip through `sql` unchanged.
describe('clickhouse', () => {
  const config = testConfig();
  const clickhouse = ClickHouse.connect(config);

  afterAll(async () => {
    await clickhouse.close();
  });

  it('migrations for this server are recorded, those for newer ones are not, and running them again applies nothing', async () => {
    const server = await serverVersion(clickhouse);
    expect(await migrateClickHouse(config)).toEqual([]);
    const rows = await clickhouse.query<{ name: string }>(sql`SELECT name FROM schema_migrations ORDER BY version`);
    expect(rows.map((row) => row.name)).toEqual(
      readMigrations()
        .filter((m) => migrationApplies(m, server))
        .map((m) => m.name),
    );
    // The project integration-clickhouse-current runs this file on chdb (current-clickhouse-env.ts says so).
    if (process.env['VIGIL_TEST_CLICKHOUSE'] === 'current') expect(server.major).toBeGreaterThanOrEqual(26);
  });

  it('the column types follow the server: LowCardinality and codecs on current ClickHouse, plain columns before', async () => {
    const current = atLeast(await serverVersion(clickhouse), CURRENT_CLICKHOUSE);
    const where = sql`database = currentDatabase() AND table IN ('checkins', 'processing_errors', 'monitor_states')
      AND name IN ('environment', 'received_at_ms', 'at_ms', 'payload')`;
    const types = await clickhouse.query<{ table: string; name: string; type: string }>(
      sql`SELECT table, name, type FROM system.columns WHERE ${where} ORDER BY table, name`,
    );
    const lowCardinality = current ? 'LowCardinality(String)' : 'String';
    expect(types.map((column) => `${column.table}.${column.name} ${column.type}`)).toEqual([
      `checkins.environment ${lowCardinality}`,
      'checkins.received_at_ms UInt64',
      'monitor_states.at_ms UInt64',
      `monitor_states.environment ${lowCardinality}`,
      `processing_errors.environment ${lowCardinality}`,
      'processing_errors.payload String',
      'processing_errors.received_at_ms UInt64',
    ]);
    // 18.16 has no codecs (and no compression_codec column to ask about them).
    if (!current) return;
    const codecs = await clickhouse.query<{ table: string; name: string; codec: string }>(
      sql`SELECT table, name, compression_codec AS codec FROM system.columns WHERE ${where} AND compression_codec != '' ORDER BY table, name`,
    );
    expect(codecs.map((column) => `${column.table}.${column.name} ${column.codec}`)).toEqual([
      'checkins.received_at_ms CODEC(Delta(8), ZSTD(1))',
      'monitor_states.at_ms CODEC(Delta(8), ZSTD(1))',
      'processing_errors.payload CODEC(ZSTD(3))',
      'processing_errors.received_at_ms CODEC(Delta(8), ZSTD(1))',
    ]);
  });

  it.each([["it's"], ['back\\slash'], ["\\'; DROP TABLE checkins; --"], ['line\nbreak\ttab\rreturn'], ['unicode ✓ 東京 🕒'], ['nul\0byte']])(
    'round-trips %j as a literal',
    async (value) => {
      const rows = await clickhouse.query<{ v: string }>(sql`SELECT ${value} AS v`);
      expect(rows).toEqual([{ v: value }]);
    },
  );

  it('compares with literals built from values, not from query text', async () => {
    await clickhouse.insert('checkins', [
      {
        event_id: 'e-1',
        checkin_id: 'c-1',
        organization_id: 'o',
        project_id: 7,
        monitor_id: "m' OR 1=1",
        monitor_slug: 's',
        environment: 'production',
        status: 'ok',
        duration_ms: null,
        received_at: '2026-01-01 00:00:00',
        received_at_ms: 1767225600000,
        release: '',
        trace_id: '',
        source: 'ping',
      },
    ]);
    const hostile = await clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM checkins WHERE monitor_id = ${"x' OR 1=1 OR '"}`);
    expect(Number(hostile[0]?.n)).toBe(0);
    const exact = await clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM checkins WHERE monitor_id = ${"m' OR 1=1"} AND project_id = ${7}`);
    expect(Number(exact[0]?.n)).toBe(1);
  });
});
