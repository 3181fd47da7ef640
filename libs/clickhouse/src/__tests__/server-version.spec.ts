import { migrationApplies, readMigrations } from '../migrations';
import { atLeast, CURRENT_CLICKHOUSE, parseServerVersion } from '../server-version';

describe('server versions and the migrations for them', () => {
  it('reads what version() answers, and refuses anything else by name', () => {
    expect(parseServerVersion('18.16.1')).toEqual({ major: 18, minor: 16, text: '18.16.1' });
    expect(parseServerVersion('26.9.2.1\n')).toEqual({ major: 26, minor: 9, text: '26.9.2.1' });
    expect(() => parseServerVersion('latest')).toThrow('ClickHouse reported version "latest", which is not <major>.<minor>[.<patch>...]');
  });

  it('compares major, then minor', () => {
    expect(atLeast({ major: 18, minor: 16 }, CURRENT_CLICKHOUSE)).toBe(false);
    expect(atLeast({ major: 20, minor: 1 }, CURRENT_CLICKHOUSE)).toBe(false);
    expect(atLeast({ major: 20, minor: 3 }, CURRENT_CLICKHOUSE)).toBe(true);
    expect(atLeast({ major: 21, minor: 1 }, CURRENT_CLICKHOUSE)).toBe(true);
  });

  it('a migration that requires a release waits for it; the others are for every server', () => {
    const migrations = readMigrations();
    const gated = migrations.filter((migration) => migration.requires !== null).map((migration) => [migration.name, migration.requires]);
    expect(gated).toEqual([['0008_current_column_types', CURRENT_CLICKHOUSE]]);
    const forOld = migrations.filter((migration) => migrationApplies(migration, { major: 18, minor: 16 })).map((migration) => migration.name);
    expect(forOld).not.toContain('0008_current_column_types');
    expect(forOld).toContain('0001_checkins');
    expect(migrations.every((migration) => migrationApplies(migration, { major: 26, minor: 9 }))).toBe(true);
    // The requirement is a comment: it is no statement.
    expect(migrations.find((migration) => migration.version === 8)?.statements.map((statement) => statement.split('\n')[0])).toEqual([
      'ALTER TABLE checkins',
      'ALTER TABLE processing_errors',
      'ALTER TABLE monitor_states',
    ]);
  });
});
