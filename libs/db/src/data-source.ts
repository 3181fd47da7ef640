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
