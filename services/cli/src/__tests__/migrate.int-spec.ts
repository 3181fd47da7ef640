import { ClickHouse, identifier, sql } from '@vigil/clickhouse';
import { loadConfig, type VigilConfig } from '@vigil/config';
import { createDataSource, MIGRATIONS } from '@vigil/db';
import { createKafkaClient } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { ensurePostgresDatabase, REPO_ROOT, testEnv, waitFor } from '@vigil/testing';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// `vigil migrate` and `vigil migrate --check` as the image runs them (the build output, as a process) against the
// real stores of the test slot, in stores of their own: a Postgres database, a ClickHouse database and a topic
// prefix that start empty, so the first check sees nothing migrated.
const CLI = join(REPO_ROOT, 'services', 'cli', 'dist', 'main.js');
const base = testEnv();
const postgresUrl = new URL(base['VIGIL_POSTGRES_URL'] ?? '');
postgresUrl.pathname = `${postgresUrl.pathname}_cli`;
const env = testEnv({
  VIGIL_POSTGRES_URL: postgresUrl.toString(),
  VIGIL_CLICKHOUSE_DATABASE: `${base['VIGIL_CLICKHOUSE_DATABASE']}_cli`,
  VIGIL_KAFKA_TOPIC_PREFIX: `${base['VIGIL_KAFKA_TOPIC_PREFIX']}cli.`,
});
const config: VigilConfig = loadConfig({ ...process.env, ...env });
const prefix = config.VIGIL_KAFKA_TOPIC_PREFIX;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function vigil(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (run: Run) => run.stdout.trim().split('\n');

async function postgres<T>(work: (query: (text: string, parameters?: unknown[]) => Promise<T>) => Promise<T>): Promise<T> {
  const dataSource = createDataSource(config, { poolSize: 1 });
  await dataSource.initialize();
  try {
    return await work((text, parameters) => dataSource.query(text, parameters));
  } finally {
    await dataSource.destroy();
  }
}

async function clickhouse(statement: ReturnType<typeof sql>, database: string | null = config.VIGIL_CLICKHOUSE_DATABASE): Promise<void> {
  const client = ClickHouse.connect(config, { database });
  try {
    await client.command(statement);
  } finally {
    await client.close();
  }
}

async function deleteTopics(topics: string[]): Promise<void> {
  const admin = createKafkaClient(config, 'vigil-cli-test', createLogger('cli-test', 'warn')).admin();
  await admin.connect();
  try {
    const existing = (await admin.listTopics()).filter((topic) => topics.includes(topic));
    if (existing.length > 0) await admin.deleteTopics({ topics: existing, timeout: 30000 });
    await waitFor('deleted topics to disappear', async () => !(await admin.listTopics()).some((topic) => topics.includes(topic)), { intervalMs: 200 });
  } finally {
    await admin.disconnect();
  }
}

async function allTopics(): Promise<string[]> {
  const admin = createKafkaClient(config, 'vigil-cli-test', createLogger('cli-test', 'warn')).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
  } finally {
    await admin.disconnect();
  }
}

/** Topic creation right after a deletion can collide with it: migrate until it succeeds. */
async function migrated(): Promise<Run> {
  return waitFor('vigil migrate to succeed', async () => {
    const run = await vigil('migrate');
    return run.code === 0 ? run : undefined;
  });
}

describe('vigil migrate and migrate --check', () => {
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
    if (!prefix.startsWith('test')) throw new Error(`refusing to delete topics with prefix "${prefix}"`);
    await ensurePostgresDatabase(config);
    await postgres(async (query) => {
      await query('DROP SCHEMA IF EXISTS public CASCADE');
      return query('CREATE SCHEMA public');
    });
    await clickhouse(sql`DROP DATABASE IF EXISTS ${identifier(config.VIGIL_CLICKHOUSE_DATABASE)}`, null);
    await deleteTopics(await allTopics());
  });

  it('reports every store not current on empty stores, changing nothing', async () => {
    const check = await vigil('migrate', '--check');
    expect(check.code).toBe(1);
    const [pg, ch, kafka] = lines(check);
    expect(pg).toBe(`postgres: not current, missing ${MIGRATIONS.map((migration) => migration.name).join(', ')}`);
    expect(ch).toMatch(/^clickhouse: not current, missing 0001_checkins, /);
    expect(kafka).toMatch(new RegExp(`^kafka: not current, missing ${prefix.replace(/\./g, '\\.')}vigil\\.checkins\\.v1, `));
    // Read only: nothing was created by the check.
    expect(await allTopics()).toEqual([]);
    expect(await postgres((query) => query(`SELECT to_regclass('schema_migrations') AS found`))).toEqual([{ found: null }]);
  });

  it('migrates all three, then reports them current; a second migrate applies nothing', async () => {
    const first = await migrated();
    expect(lines(first)).toEqual([
      expect.stringMatching(/^postgres: applied Initial\d+, /),
      expect.stringMatching(/^clickhouse: applied 0001_checkins, /),
      expect.stringMatching(/^kafka: applied /),
    ]);
    const check = await vigil('migrate', '--check');
    expect({ code: check.code, lines: lines(check) }).toEqual({ code: 0, lines: ['postgres: current', 'clickhouse: current', 'kafka: current'] });
    const again = await vigil('migrate');
    expect({ code: again.code, lines: lines(again) }).toEqual({ code: 0, lines: ['postgres: up to date', 'clickhouse: up to date', 'kafka: up to date'] });
  });

  it('names exactly what one store lacks: a Postgres migration not recorded, a topic deleted', async () => {
    const last = MIGRATIONS.map((migration) => migration.name).at(-1) ?? '';
    await postgres((query) => query('DELETE FROM schema_migrations WHERE name = $1', [last]));
    const topic = `${prefix}vigil.issues.v1`;
    await deleteTopics([topic]);
    const check = await vigil('migrate', '--check');
    expect({ code: check.code, lines: lines(check) }).toEqual({
      code: 1,
      lines: [`postgres: not current, missing ${last}`, 'clickhouse: current', `kafka: not current, missing ${topic}`],
    });
    await postgres((query) => query('INSERT INTO schema_migrations (timestamp, name) VALUES ($1, $2)', [Number(last.replace(/^\D+/, '')), last]));
    await migrated();
    expect((await vigil('migrate', '--check')).code).toBe(0);
  });

  it('counts migrations a newer release applied as no reason to wait (a rollback runs on them)', async () => {
    await postgres((query) => query('INSERT INTO schema_migrations (timestamp, name) VALUES ($1, $2)', [4102444800000, 'FromANewerRelease4102444800000']));
    await clickhouse(sql`INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_from_a_newer_release')`);
    const check = await vigil('migrate', '--check');
    expect({ code: check.code, lines: lines(check) }).toEqual({ code: 0, lines: ['postgres: current', 'clickhouse: current', 'kafka: current'] });
  });

  it('--wait keeps checking until a migrate elsewhere makes the stores current (an init container behind the Job)', async () => {
    const topic = `${prefix}vigil.run-results.v1`;
    await deleteTopics([topic]);
    const waiting = vigil('migrate', '--check', '--wait', '90');
    // The waiting check has seen the missing topic at least once before the migration runs.
    const first = await vigil('migrate', '--check');
    expect(lines(first)).toContain(`kafka: not current, missing ${topic}`);
    await migrated();
    const done = await waiting;
    expect({ code: done.code, lines: lines(done) }).toEqual({ code: 0, lines: ['postgres: current', 'clickhouse: current', 'kafka: current'] });
  });

  it('gives up after --wait when a store stays unreachable, naming it', async () => {
    const started = Date.now();
    const run = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'migrate', '--check', '--wait', '3'], {
        env: { ...process.env, ...env, VIGIL_CLICKHOUSE_URL: 'http://127.0.0.1:1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr: '' }));
    });
    expect(run.code).toBe(1);
    expect(lines(run)).toEqual(['postgres: current', expect.stringMatching(/^clickhouse: failed: /), 'kafka: current']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });
});

describe('vigil <service>', () => {
  it('starts ingest in its own process, ready on /readyz, and stops cleanly on SIGTERM', async () => {
    const port = base['VIGIL_INGEST_PORT'] ?? '';
    const child = spawn(process.execPath, [CLI, 'ingest'], { env: { ...process.env, ...base }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        `vigil ingest to answer /readyz 200 on port ${port}`,
        async () =>
          (await fetch(`http://127.0.0.1:${port}/readyz`)
            .then((answer) => answer.status)
            .catch(() => 0)) === 200,
        { timeoutMs: 60000, intervalMs: 200 },
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n${output}`);
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
