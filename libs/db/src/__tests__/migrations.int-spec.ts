import { testConfig } from '@vigil/testing';
import { createDataSource, pendingSchemaDrift, runMigrations } from '../data-source';
import { MIGRATIONS } from '../migrations';

// Real Postgres: the test database that global setup emptied and migrated.
describe('postgres migrations', () => {
  const dataSource = createDataSource(testConfig(), { poolSize: 1 });

  beforeAll(async () => {
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('are all applied, and running them again applies nothing', async () => {
    const applied: Array<{ name: string }> = await dataSource.query('SELECT name FROM schema_migrations ORDER BY id');
    expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await runMigrations(dataSource)).toEqual([]);
  });

  it('agree with the entities (a changed entity without a migration fails here)', async () => {
    expect(await pendingSchemaDrift(dataSource)).toEqual([]);
  });

  it('detect drift when the schema and the entities disagree', async () => {
    await dataSource.query('ALTER TABLE monitors DROP COLUMN owner');
    try {
      const drift = await pendingSchemaDrift(dataSource);
      expect(drift.join('\n')).toMatch(/ALTER TABLE "monitors" ADD "owner"/);
    } finally {
      await dataSource.query('ALTER TABLE monitors ADD "owner" character varying(255)');
    }
  });
});
