import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouse } from './clickhouse-client';
import { atLeast, serverVersion, type ServerVersion } from './server-version';
import { identifier, sql, SqlFragment } from './sql';

export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

export interface ClickHouseMigration {
  version: number;
  name: string;
  statements: string[];
  /** From a `-- requires ClickHouse <major>.<minor>` line: the oldest server the migration is for; null: every server. */
  requires: { major: number; minor: number } | null;
}

const REQUIRES = /^--\s*requires ClickHouse (\d+)\.(\d+)\s*$/m;

/**
 * Numbered SQL files, `0001_checkins.sql`; statements end with `;` at the end of a line. A file with a
 * `-- requires ClickHouse 20.3` line is for servers of that release or later only (see `migrateClickHouse`).
 */
export function readMigrations(dir: string = MIGRATIONS_DIR): ClickHouseMigration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const requires = REQUIRES.exec(text);
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        statements: text
          .split(/;\s*$/m)
          .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
          .filter((statement) => statement.length > 0),
        requires: requires ? { major: Number(requires[1]), minor: Number(requires[2]) } : null,
      };
    });
}

/** Whether a migration is for this server: those that require a newer release wait until it runs one. */
export function migrationApplies(migration: ClickHouseMigration, server: Pick<ServerVersion, 'major' | 'minor'>): boolean {
  return migration.requires === null || atLeast(server, migration.requires);
}

export interface ClickHouseMigrationPlan {
  server: ServerVersion;
  /** Not yet applied, and for this server. */
  pending: ClickHouseMigration[];
  /** Not applied because the server is older than they require: applied by the first run after an upgrade. */
  waiting: ClickHouseMigration[];
}

/** What `migrateClickHouse` would do on this database (which must exist, with `schema_migrations`). */
export async function planClickHouseMigrations(db: ClickHouse, dir?: string): Promise<ClickHouseMigrationPlan> {
  const server = await serverVersion(db);
  const done = new Set((await db.query<{ version: number }>(sql`SELECT version FROM schema_migrations`)).map((row) => Number(row.version)));
  const open = readMigrations(dir).filter((migration) => !done.has(migration.version));
  return {
    server,
    pending: open.filter((migration) => migrationApplies(migration, server)),
    waiting: open.filter((migration) => !migrationApplies(migration, server)),
  };
}

/**
 * Creates the database if needed and applies the migrations not yet recorded in `schema_migrations` that are
 * for this server (`SELECT version()`): a migration that requires a newer release than the server runs is
 * neither applied nor recorded, so the first run after the server is upgraded applies it. Every statement is
 * written to be safe to run again (IF NOT EXISTS), because ClickHouse has no transactions: a run cut short is
 * finished by the next one.
 */
export async function migrateClickHouse(config: Parameters<typeof ClickHouse.connect>[0], dir?: string): Promise<string[]> {
  const server = ClickHouse.connect(config, { database: null });
  try {
    await server.command(sql`CREATE DATABASE IF NOT EXISTS ${identifier(config.VIGIL_CLICKHOUSE_DATABASE)}`);
  } finally {
    await server.close();
  }
  const db = ClickHouse.connect(config);
  try {
    await db.command(
      sql`CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree() ORDER BY version`,
    );
    const applied: string[] = [];
    for (const migration of (await planClickHouseMigrations(db, dir)).pending) {
      for (const statement of migration.statements) await db.command(new SqlFragment(statement));
      await db.insert('schema_migrations', [{ version: migration.version, name: migration.name }]);
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await db.close();
  }
}

/**
 * The migrations in `dir` that `migrateClickHouse` would apply to this database now, by name, in order; nothing is
 * written (a missing database or table means all that are for this server are pending). Migrations waiting for a
 * newer server (`-- requires ClickHouse`) do not count: the schema is current for the server that runs it. Versions
 * recorded that `dir` does not hold (a newer release ran, then this one was rolled back to) do not count either:
 * migrations only add.
 */
export async function pendingClickHouseMigrations(config: Parameters<typeof ClickHouse.connect>[0], dir?: string): Promise<string[]> {
  const server = ClickHouse.connect(config, { database: null });
  try {
    const tables = await server.query<{ name: string }>(
      sql`SELECT name FROM system.tables WHERE database = ${config.VIGIL_CLICKHOUSE_DATABASE} AND name = 'schema_migrations'`,
    );
    if (tables.length === 0) {
      const version = await serverVersion(server);
      return readMigrations(dir)
        .filter((migration) => migrationApplies(migration, version))
        .map((migration) => migration.name);
    }
  } finally {
    await server.close();
  }
  const db = ClickHouse.connect(config);
  try {
    return (await planClickHouseMigrations(db, dir)).pending.map((migration) => migration.name);
  } finally {
    await db.close();
  }
}
