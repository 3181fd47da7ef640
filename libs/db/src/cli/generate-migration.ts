import { loadConfig } from '@vigil/config';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataSource, runMigrations } from '../data-source';

/**
 * `node libs/db/dist/cli/generate-migration.js <name>`: applies the existing migrations to the configured
 * database, asks TypeORM what the entities still need, and writes that as a new migration in src/migrations.
 * Point VIGIL_POSTGRES_URL at a scratch database: this one is changed by the existing migrations.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) throw new Error('usage: generate-migration <kebab-case-name>');
  const dataSource = createDataSource(loadConfig(), { poolSize: 1 });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    const sql = await dataSource.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      process.stdout.write('entities and migrations agree: nothing to generate\n');
      return;
    }
    const timestamp = Date.now();
    const className = `${name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase())}${timestamp}`;
    const quote = (query: string) => `\`${query.replace(/[`\\]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${')}\``;
    const lines = (queries: { query: string }[]) => queries.map((q) => `    await queryRunner.query(${quote(q.query)});`).join('\n');
    const file = join(__dirname, '..', '..', 'src', 'migrations', `${timestamp}-${name}.ts`);
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  async up(queryRunner: QueryRunner): Promise<void> {\n${lines(sql.upQueries)}\n  }\n\n  async down(queryRunner: QueryRunner): Promise<void> {\n${lines([...sql.downQueries].reverse())}\n  }\n}\n`,
    );
    process.stdout.write(`wrote ${file}; add ${className} to src/migrations/index.ts\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
