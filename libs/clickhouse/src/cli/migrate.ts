import { loadConfig } from '@vigil/config';
import { migrateClickHouse } from '../migrations';

/** `node libs/clickhouse/dist/cli/migrate.js`: applies ClickHouse migrations. */
migrateClickHouse(loadConfig())
  .then((applied) => {
    process.stdout.write(applied.length ? `clickhouse: applied ${applied.join(', ')}\n` : 'clickhouse: schema up to date\n');
  })
  .catch((error: unknown) => {
    process.stderr.write(`clickhouse migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
