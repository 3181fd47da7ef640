import { testConfig } from '@vigil/testing';
import { ClickHouse } from '../clickhouse-client';
import { migrateClickHouse, readMigrations } from '../migrations';
import { sql } from '../sql';

// Real ClickHouse (18.16 on these machines): values survive the trip through `sql` unchanged.
describe('clickhouse', () => {
  const config = testConfig();
  const clickhouse = ClickHouse.connect(config);

  afterAll(async () => {
    await clickhouse.close();
  });

  it('migrations are recorded and running them again applies nothing', async () => {
    expect(await migrateClickHouse(config)).toEqual([]);
    const rows = await clickhouse.query<{ name: string }>(sql`SELECT name FROM schema_migrations ORDER BY version`);
    expect(rows.map((row) => row.name)).toEqual(readMigrations().map((m) => m.name));
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
