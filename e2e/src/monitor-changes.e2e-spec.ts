import { randomUUID } from 'node:crypto';
import { checkinMessageV1Example, monitorEnvironmentKey, monitorIdFor, TOPICS, type MonitorEventV1 } from '@vigil/contracts';
import { createKafkaClient, kafkaConnection, TopicConsumer, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { resetTestTopics, ServiceProcess, testConfig, testEnv, waitFor } from '@vigil/testing';
import { seed, uniqueSlug, type Credentials } from './support';

/**
 * Monitor writes through the API reach ingest and the scheduler within moments, with every service running and
 * none restarted (Postgres NOTIFY, libs/db ConfigChangeListener): a monitor made through the API takes check-ins
 * without a monitor_config; a schedule changed through the API is the one the scheduler judges by; a monitor
 * deleted through the API is refused by ingest and forgotten by the scheduler. The scheduler's clock is in the
 * test's hands (no pulses of its own; the test writes them, two days ahead of real time), as in scheduler.e2e.
 */
// The test's clock runs days ahead of any ingest beats an earlier spec left in the changelog: the outage guard would
// read that as ingest's silence and record the misses as unknown (decision 0023; outage-guard.e2e-spec.ts tests it).
const env = testEnv({ VIGIL_SCHEDULER_PULSE_MS: '0', VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS: String(90 * 24 * 3600_000), VIGIL_OUTAGE_GUARD: 'off' });
const config = testConfig();
const logger = createLogger('monitor-changes-e2e', 'silent');
const kafka = createKafkaClient(config, 'monitor-changes-e2e', logger);
const producer = new TopicProducer(kafkaConnection(config, 'monitor-changes-e2e'), logger, { prefix: config.VIGIL_KAFKA_TOPIC_PREFIX, lingerMs: 0 });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ALL_PARTITIONS = Array.from({ length: TOPICS['vigil.checkins.v1'].partitions }, (_, index) => index);
const ENVIRONMENT = 'timeline';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let services: ServiceProcess[] = [];
let credentials: Credentials;
let ingestUrl: string;
let apiUrl: string;
const events: MonitorEventV1[] = [];
let eventsConsumer: TopicConsumer<'vigil.monitor-events.v1'>;
/** Event time: the pulses and check-ins of the test, well clear of real time. */
let clock: number;

/** The API's answer, its JSON read as `T` (the assertions check it). */
async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${apiUrl}/api/0/organizations/${credentials.VIGIL_ORG}/${path}`, {
    method,
    headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as T };
}

async function createMonitor(slug: string, schedule: string): Promise<string> {
  const answer = await api<{ id: string }>('POST', 'monitors/', {
    project: credentials.VIGIL_PROJECT,
    name: slug,
    slug,
    config: { schedule, checkin_margin: 1, max_runtime: 5 },
  });
  expect(answer.status).toBe(201);
  return answer.json.id;
}

/** A check-in through the DSN cron endpoint, as curl sends it: no monitor_config. */
async function cronCheckin(slug: string): Promise<{ status: number; body: string }> {
  const key = new URL(credentials.VIGIL_DSN).username;
  const response = await fetch(`${ingestUrl}/api/${credentials.VIGIL_PROJECT_ID}/cron/${slug}/${key}/?status=ok&environment=real-time`);
  return { status: response.status, body: await response.text() };
}

/** The codes of the processing errors recorded for a slug (the project-wide list: the monitor may not exist). */
async function processingErrorCodes(slug: string): Promise<string[]> {
  const response = await fetch(`${apiUrl}/api/0/projects/${credentials.VIGIL_ORG}/${credentials.VIGIL_PROJECT}/processing-errors/`, {
    headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}` },
  });
  expect(response.status).toBe(200);
  const entries = (await response.json()) as Array<{ monitorSlug: string | null; errors: Array<{ code: string }> }>;
  return entries.filter((entry) => entry.monitorSlug === slug).flatMap((entry) => entry.errors.map((error) => error.code));
}

/**
 * Sends a check-in without monitor_config (ingest accepts it whether or not it knows the slug, as Relay does) and
 * moves event time on, until `done`: the scheduler confirms or refuses it in partition order (decision 0021).
 */
async function checkInUntil(what: string, slug: string, done: () => Promise<boolean>): Promise<void> {
  await waitFor(
    what,
    async () => {
      expect((await cronCheckin(slug)).status).toBe(202);
      await producer.pulse('vigil.checkins.v1', ALL_PARTITIONS, (clock += MINUTE));
      return (await done()) ? true : undefined;
    },
    { timeoutMs: 20000, intervalMs: 500 },
  );
}

/** An ok check-in at event time `at`, written to the check-ins topic as ingest would. */
async function checkinAt(monitorId: string, slug: string, at: number): Promise<void> {
  await producer.produce('vigil.checkins.v1', monitorEnvironmentKey(monitorId, ENVIRONMENT), {
    ...checkinMessageV1Example,
    event_id: randomUUID(),
    checkin_id: randomUUID(),
    project_id: Number(credentials.VIGIL_PROJECT_ID),
    monitor_id: monitorId,
    monitor_slug: slug,
    environment: ENVIRONMENT,
    status: 'ok',
    run_match: 'exact',
    received_at: at,
    duration_ms: 1000,
  });
}

const missesOf = (monitorId: string) =>
  events.filter((event) => event.monitor_id === monitorId && event.environment === ENVIRONMENT && event.kind === 'missed');
const lastMiss = (monitorId: string) => Math.max(-Infinity, ...missesOf(monitorId).map((event) => event.slot));

/** Moves event time on by `step` at a time, giving the scheduler a moment after each pulse, until `done` holds. */
async function advanceUntil(what: string, step: number, done: () => boolean): Promise<void> {
  for (let pulses = 0; pulses < 60; pulses += 1) {
    clock += step;
    await producer.pulse('vigil.checkins.v1', ALL_PARTITIONS, clock);
    await sleep(300);
    if (done()) return;
  }
  throw new Error(`${what}: not after 60 pulses; misses seen: ${JSON.stringify(events.map((event) => [event.monitor_slug, event.kind, event.slot]))}`);
}

beforeAll(async () => {
  // The scheduler's partition clocks only move forward: start from empty topics, whatever spec ran before.
  await resetTestTopics(config);
  credentials = seed(env);
  services = await Promise.all((['ingest', 'history', 'api', 'scheduler'] as const).map((name) => ServiceProcess.start(name, env)));
  ingestUrl = services[0]!.url;
  apiUrl = services[2]!.url;
  await producer.connect();
  eventsConsumer = new TopicConsumer(kafka, logger, {
    groupId: `monitor-changes-e2e-${randomUUID()}`,
    topics: ['vigil.monitor-events.v1'],
    prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
    handleBatch: async (messages) => {
      events.push(...messages.map((message) => message.payload));
    },
  });
  await eventsConsumer.start();
  clock = Math.ceil((Date.now() + 2 * 24 * HOUR) / HOUR) * HOUR;
});

afterAll(async () => {
  await eventsConsumer?.stop();
  await producer.close();
  await Promise.all(services.map((service) => service.stop()));
});

describe('monitor writes through the API, with every service running', () => {
  it('a monitor created through the API takes check-ins at once through the DSN cron endpoint, without a monitor_config', async () => {
    const slug = uniqueSlug('api-made');
    // Before the monitor exists, a check-in is accepted as Relay does and refused by the scheduler.
    await checkInUntil('the check-in before the monitor existed refused', slug, async () => (await processingErrorCodes(slug)).includes('unknown_monitor'));
    const monitorId = await createMonitor(slug, '0 * * * *');
    // The id every new monitor gets from its project and slug, so a check-in ingest could not place yet lands on its partition.
    expect(monitorId).toBe(monitorIdFor(Number(credentials.VIGIL_PROJECT_ID), slug));
    // Ingest's catalog has not heard of the monitor yet, or just has: either way the check-in is stored.
    await checkInUntil('a check-in of the new monitor stored', slug, async () => {
      const runs = await api<Array<{ environment: string }>>('GET', `monitors/${slug}/checkins/`);
      return runs.status === 200 && runs.json.some((run) => run.environment === 'real-time');
    });
  });

  it('the scheduler judges by a schedule changed through the API', async () => {
    const slug = uniqueSlug('rescheduled');
    const monitorId = await createMonitor(slug, '0 * * * *');
    await checkinAt(monitorId, slug, clock + 10_000);
    await producer.pulse('vigil.checkins.v1', ALL_PARTITIONS, (clock += 30 * MINUTE));

    const changed = await api<{ config: unknown }>('PUT', `monitors/${slug}/`, { config: { schedule: '*/10 * * * *' } });
    expect(changed.json.config).toMatchObject({ schedule: '*/10 * * * *', checkin_margin: 1, max_runtime: 5 });
    // Hourly, only whole hours could be missed; every ten minutes, ten past is one too.
    await advanceUntil('a miss only the new schedule has', 10 * MINUTE, () => missesOf(monitorId).some((event) => event.slot % HOUR !== 0));
  });

  it('a monitor deleted through the API: its check-ins are refused as unknown_monitor, and the scheduler drops it', async () => {
    const doomed = uniqueSlug('doomed');
    const control = uniqueSlug('control');
    const doomedId = await createMonitor(doomed, '*/10 * * * *');
    const controlId = await createMonitor(control, '*/10 * * * *');
    await checkinAt(doomedId, doomed, clock + 10_000);
    await checkinAt(controlId, control, clock + 10_000);
    await advanceUntil('both monitors missing runs', 10 * MINUTE, () => missesOf(doomedId).length > 0 && missesOf(controlId).length > 0);
    expect((await cronCheckin(doomed)).status).toBe(202);

    expect((await api('DELETE', `monitors/${doomed}/`)).status).toBe(202);
    await checkInUntil('check-ins of the deleted monitor refused', doomed, async () => (await processingErrorCodes(doomed)).includes('unknown_monitor'));
    // The control, on the same schedule, keeps missing runs; the deleted monitor, once the scheduler has dropped
    // it, misses none of them.
    await advanceUntil('the control three slots past the deleted monitor', 10 * MINUTE, () => lastMiss(controlId) >= lastMiss(doomedId) + 30 * MINUTE);
    const doomedMisses = missesOf(doomedId).length;
    await advanceUntil(
      'two more misses of the control',
      10 * MINUTE,
      () => lastMiss(controlId) >= clock - 20 * MINUTE && missesOf(controlId).length >= doomedMisses + 5,
    );
    expect(missesOf(doomedId)).toHaveLength(doomedMisses);
  });
});
