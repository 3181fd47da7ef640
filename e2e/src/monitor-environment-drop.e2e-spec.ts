// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ClickHouse, sql } from '@vigil/clickhouse';
import { loadConfig } from '@vigil/config';
import { checkinMessageV1Example, monitorEnvironmentKey, TOPICS, type CheckinMessageV1, type MonitorEventV1 } from '@vigil/contracts';
import { createDataSource } from '@vigil/db';
import { createKafkaClient, kafkaConnection, readPartitionsToEnd, TopicConsumer, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { resetTestTopics, ServiceProcess, testConfig, testEnv, waitFor } from '@vigil/testing';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { seed, uniqueSlug, type Credentials } from './support';
import { waitForGroupCommit } from './support/kafka-progress';

/**
 * `DELETE .../monitors/<slug>/?environment=<env>` on the real stack (decision 0018): only that environment
 * goes, from Postgres (issues, settings), ClickHouse (check-ins, state changes) and the scheduler (its track,
 * with a tombstone in the compacted changelog, so a rebuilt scheduler does not bring it back and raises no
 * miss for it); the monitor and its other environments stay, and a check-in after the drop starts the
 * environment anew. The scheduler's clock is the test's (VIGIL_SCHEDULER_PULSE_MS=0), days ahead of now.
 */
// The test's clock runs days ahead of any ingest beats an earlier spec left in the changelog: the outage guard would
// read that as ingest's silence and record the misses as unknown (decision 0023; outage-guard.e2e-spec.ts tests it).
const env = testEnv({ VIGIL_SCHEDULER_PULSE_MS: '0', VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS: String(90 * 24 * 3600_000), VIGIL_OUTAGE_GUARD: 'off' });
const config = testConfig();
const logger = createLogger('environment-drop-e2e', 'silent');
const kafka = createKafkaClient(config, 'environment-drop-e2e', logger);
const producer = new TopicProducer(kafkaConnection(config, 'environment-drop-e2e'), logger, { prefix: config.VIGIL_KAFKA_TOPIC_PREFIX, lingerMs: 0 });
const prefix = config.VIGIL_KAFKA_TOPIC_PREFIX;
const HOUR = 3600_000;
const MINUTE = 60_000;
const ALL_PARTITIONS = Array.from({ length: TOPICS['vigil.checkins.v1'].partitions }, (_, index) => index);

const services: ServiceProcess[] = [];
let scheduler: ServiceProcess;
let apiUrl: string;
let credentials: Credentials;
let db: DataSource;
let clickhouse: ClickHouse;
let admin: Admin;
let eventsConsumer: TopicConsumer<'vigil.monitor-events.v1'>;
const events: MonitorEventV1[] = [];
const slug = uniqueSlug('drop-env');
let monitorId: string;
const base = Math.ceil((Date.now() + 3 * 24 * HOUR) / HOUR) * HOUR;

/** The parts of a monitor and of a run that this test reads. */
interface Monitor {
  environments: Array<{ name: string }>;
}
interface Run {
  environment: string;
}

async function call<T = unknown>(method: string, path: string): Promise<{ status: number; json: T }> {
  const response = await fetch(`${apiUrl}/api/0/organizations/${credentials.VIGIL_ORG}/${path}`, {
    method,
    headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}` },
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as T };
}

function checkin(environment: string, receivedAt: number, status: CheckinMessageV1['status'] = 'ok'): Promise<void> {
  return producer.produce('vigil.checkins.v1', monitorEnvironmentKey(monitorId, environment), {
    ...checkinMessageV1Example,
    event_id: randomUUID(),
    checkin_id: randomUUID(),
    project_id: Number(credentials.VIGIL_PROJECT_ID),
    organization_id: checkinMessageV1Example.organization_id,
    monitor_id: monitorId,
    monitor_slug: slug,
    environment,
    status,
    run_match: 'exact',
    received_at: receivedAt,
    duration_ms: null,
  });
}

const pulse = (at: number): Promise<void> => producer.pulse('vigil.checkins.v1', ALL_PARTITIONS, at);

/** The latest changelog record of a track: its snapshot, `null` for a tombstone, undefined for none. */
async function changelogRecord(environment: string): Promise<unknown> {
  const key = monitorEnvironmentKey(monitorId, environment);
  let latest: unknown;
  await readPartitionsToEnd(kafka, logger, {
    topic: 'vigil.scheduler-state.v1',
    prefix,
    partitions: ALL_PARTITIONS,
    onRecord: (record) => {
      if (record.key === key) latest = record.value === null ? null : JSON.parse(record.value.toString('utf8'));
    },
    heartbeat: async () => undefined,
  });
  return latest;
}

/** Every check-in the test wrote so far has been judged and committed by the scheduler. */
async function schedulerCaughtUp(what: string): Promise<void> {
  await waitForGroupCommit(admin, `${prefix}vigil-scheduler`, `${prefix}vigil.checkins.v1`, what, 30000);
}

const missesOf = (environment: string) =>
  events.filter((event) => event.monitor_id === monitorId && event.environment === environment && event.kind === 'missed').map((event) => event.slot - base);

beforeAll(async () => {
  await resetTestTopics(config);
  credentials = seed(env);
  const loaded = loadConfig({ ...process.env, ...env });
  db = createDataSource(loaded, { poolSize: 2 });
  await db.initialize();
  clickhouse = ClickHouse.connect(loaded);
  admin = kafka.admin();
  await admin.connect();
  // One at a time: on a machine this busy, three Nest processes starting together can each take most of a minute.
  for (const name of ['ingest', 'history', 'api'] as const) services.push(await ServiceProcess.start(name, env));
  apiUrl = services[2]!.url;
  const created = await fetch(`${apiUrl}/api/0/organizations/${credentials.VIGIL_ORG}/monitors/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ project: credentials.VIGIL_PROJECT, name: 'drop env', slug, config: { schedule: '0 * * * *', checkin_margin: 5 } }),
  });
  expect(created.status).toBe(201);
  monitorId = ((await created.json()) as { id: string }).id;
  scheduler = await ServiceProcess.start('scheduler', env);
  await producer.connect();
  eventsConsumer = new TopicConsumer(kafka, logger, {
    groupId: `environment-drop-e2e-${randomUUID()}`,
    topics: ['vigil.monitor-events.v1'],
    prefix,
    handleBatch: async (messages) => {
      events.push(...messages.map((message) => message.payload));
    },
  });
  await eventsConsumer.start();
});

afterAll(async () => {
  await eventsConsumer?.stop();
  await producer.close();
  await admin?.disconnect();
  await Promise.all([...services, scheduler].filter(Boolean).map((service) => service.stop()));
  await db?.destroy();
  await clickhouse?.close();
});

describe('dropping one environment of a monitor', () => {
  it('drops its track (tombstone), history and settings, keeps the others, ignores older check-ins, and survives a rebuild', async () => {
    for (const environment of ['keep', 'gone']) await checkin(environment, base + 10_000);
    await pulse(base + 30 * MINUTE);
    await schedulerCaughtUp('the first check-ins judged');
    expect(await changelogRecord('gone')).toMatchObject({ kind: 'track' });
    await db.query(`INSERT INTO monitor_environments (monitor_id, environment, is_muted) VALUES ($1, 'gone', true)`, [monitorId]);
    await waitFor(
      'both environments in history',
      async () => ((await call<Monitor>('GET', `monitors/${slug}/`)).json.environments.length === 2 ? true : undefined),
      { timeoutMs: 20000 },
    );
    // Everything about them is in ClickHouse before the drop: the test's rows are dated after the drop, so a row
    // history wrote after the deletion was submitted would stay visible (real ones, dated before it, are hidden).
    for (const topic of ['checkins', 'monitor-states'] as const) {
      await waitForGroupCommit(admin, `${prefix}vigil-history`, `${prefix}vigil.${topic}.v1`, `history to write every ${topic} record`, 30000);
    }

    // An environment it does not have is a 404, and changes nothing.
    expect(await call('DELETE', `monitors/${slug}/?environment=nowhere`)).toMatchObject({
      status: 404,
      json: { error: { code: 'unknown_environment', field: 'environment' } },
    });
    expect(await call('DELETE', `monitors/${slug}/?environment=gone`)).toMatchObject({ status: 202, json: null });

    // The monitor stays, with its other environment; the dropped one's settings are gone, its drop recorded.
    // (The test's check-ins are dated days ahead, after the drop, so the API shows them until ClickHouse has
    // deleted them; real ones, received before the drop, are hidden at once.)
    await waitFor(
      'only the kept environment in the monitor',
      async () => {
        const shown = await call<Monitor>('GET', `monitors/${slug}/`);
        expect(shown.status).toBe(200);
        return shown.json.environments.length === 1 ? shown.json.environments.map((environment) => environment.name) : undefined;
      },
      { timeoutMs: 30000 },
    ).then((names) => expect(names).toEqual(['keep']));
    const [row] = await db.query<Array<{ is_muted: boolean; dropped_at: Date }>>(
      `SELECT is_muted, dropped_at FROM monitor_environments WHERE monitor_id = $1 AND environment = 'gone'`,
      [monitorId],
    );
    expect(row).toMatchObject({ is_muted: false, dropped_at: expect.any(Date) });
    const droppedAt = row!.dropped_at.getTime();

    // Its history goes (a ClickHouse mutation, in the background); the other environment's stays.
    await waitFor(
      'the dropped history deleted',
      async () => {
        const rows = await clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM checkins WHERE monitor_id = ${monitorId} AND environment = 'gone'`);
        return Number(rows[0]!.n) === 0 ? true : undefined;
      },
      { timeoutMs: 30000 },
    );
    const kept = await clickhouse.query<{ n: string }>(sql`SELECT count() AS n FROM checkins WHERE monitor_id = ${monitorId} AND environment = 'keep'`);
    expect(Number(kept[0]!.n)).toBe(1);
    expect((await call<Run[]>('GET', `monitors/${slug}/checkins/`)).json.map((run) => run.environment)).toEqual(['keep']);

    // The scheduler forgets the track: a tombstone, written with the partition's next batch.
    await waitFor(
      'the tombstone in the changelog',
      async () => {
        await pulse(base + 40 * MINUTE);
        return (await changelogRecord('gone')) === null ? true : undefined;
      },
      { timeoutMs: 30000, intervalMs: 250 },
    );

    // A check-in received before the drop (still on its way when it happened) is ignored: no track, no miss.
    await checkin('gone', droppedAt - 1000);
    await pulse(base + HOUR + 6 * MINUTE);
    await schedulerCaughtUp('the stale check-in and the first hour judged');
    await waitFor('the kept environment missed', () => (missesOf('keep').length === 1 ? true : undefined), { timeoutMs: 20000 });
    expect(missesOf('keep')).toEqual([HOUR]);
    expect(missesOf('gone')).toEqual([]);
    expect(await changelogRecord('gone')).toBeNull();

    // A rebuilt scheduler does not bring the track back.
    await scheduler.stop();
    scheduler = await ServiceProcess.start('scheduler', env);
    await pulse(base + 2 * HOUR + 6 * MINUTE);
    await schedulerCaughtUp('the second hour judged by the new scheduler');
    await waitFor('the kept environment missed again', () => (missesOf('keep').length === 2 ? true : undefined), { timeoutMs: 30000 });
    expect(missesOf('gone')).toEqual([]);

    // A check-in after the drop starts the environment anew: judged from then on, in the API again.
    await checkin('gone', base + 2 * HOUR + 10 * MINUTE);
    await pulse(base + 3 * HOUR + 6 * MINUTE);
    await schedulerCaughtUp('the third hour judged');
    await waitFor('the returned environment missed', () => (missesOf('gone').length === 1 ? true : undefined), { timeoutMs: 20000 });
    expect(missesOf('gone')).toEqual([3 * HOUR]);
    await waitFor(
      'the returned environment in the API',
      async () => ((await call<Monitor>('GET', `monitors/${slug}/`)).json.environments.length === 2 ? true : undefined),
      { timeoutMs: 20000 },
    );
  });
});
