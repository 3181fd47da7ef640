import 'reflect-metadata';
import type { VigilConfig } from '@vigil/config';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** The Postgres connection every service uses. Schema changes happen only through migrations. */
export function createDataSource(config: Pick<VigilConfig, 'VIGIL_POSTGRES_URL'>, options: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.VIGIL_POSTGRES_URL,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 3000, application_name: 'vigil' },
  });
}

/** Applies pending migrations in one transaction each; returns the names applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/**
 * The SQL that would bring the database in line with the entities after migrations ran. Empty when
 * entities and migrations agree; anything else means someone changed an entity without a migration.
 */
export async function pendingSchemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

/**
 * The migrations this build knows that the database has not applied, by name, in order; nothing is written (a
 * database never migrated has them all pending). Migrations the database has and this build does not know (a newer
 * release ran, then this one was rolled back to) do not count: migrations only add, so an older build runs on them.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const known = dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
  const exists = await dataSource.query<{ found: string | null }[]>('SELECT to_regclass($1) AS found', [table]);
  if (!exists[0]?.found) return known;
  const applied = new Set((await dataSource.query<{ name: string }[]>(`SELECT name FROM "${table}"`)).map((row) => row.name));
  return known.filter((name) => !applied.has(name));
}
