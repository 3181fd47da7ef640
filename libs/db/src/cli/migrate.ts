import { loadConfig } from '@vigil/config';
import { createDataSource, pendingSchemaDrift, runMigrations } from '../data-source';

/** `node libs/db/dist/cli/migrate.js [--check-drift]`: applies Postgres migrations. */
async function main(): Promise<void> {
  const dataSource = createDataSource(loadConfig(), { poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    process.stdout.write(applied.length ? `postgres: applied ${applied.join(', ')}\n` : 'postgres: schema up to date\n');
    if (process.argv.includes('--check-drift')) {
      const drift = await pendingSchemaDrift(dataSource);
      if (drift.length > 0) {
        process.stderr.write(`postgres: entities and migrations disagree; a migration is missing:\n${drift.join(';\n')}\n`);
        process.exitCode = 1;
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`postgres migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
