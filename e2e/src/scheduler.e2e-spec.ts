import { randomUUID } from 'node:crypto';
import { checkinMessageV1Example, monitorEnvironmentKey, TOPICS, type CheckinMessageV1, type MonitorEventV1, type MonitorStateV1 } from '@vigil/contracts';
import { createKafkaClient, kafkaConnection, TopicConsumer, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { resetTestTopics, ServiceProcess, testConfig, testEnv, waitFor } from '@vigil/testing';
import { seed, uniqueSlug, VigilApi, type Credentials } from './support';

/**
 * The scheduler on real Kafka with the clock in the test's hands: the scheduler writes no pulses
 * (VIGIL_SCHEDULER_PULSE_MS=0); the test writes check-ins and pulses with chosen event times into the
 * check-ins topic, so hours of schedule take seconds, and reads what the scheduler publishes.
 */
// The timeline lies days ahead (clear of real-time data), so pulses that far ahead are allowed here.
// The test's clock runs days ahead of any ingest beats an earlier spec left in the changelog: the outage guard would
// read that as ingest's silence and record the misses as unknown (decision 0023; outage-guard.e2e-spec.ts tests it).
const env = testEnv({ VIGIL_SCHEDULER_PULSE_MS: '0', VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS: String(90 * 24 * 3600_000), VIGIL_OUTAGE_GUARD: 'off' });
const config = testConfig();
const logger = createLogger('scheduler-e2e', 'silent');
const kafka = createKafkaClient(config, 'scheduler-e2e', logger);
const producer = new TopicProducer(kafkaConnection(config, 'scheduler-e2e'), logger, { prefix: config.VIGIL_KAFKA_TOPIC_PREFIX, lingerMs: 0 });
const HOUR = 3600_000;
const MINUTE = 60_000;
const ALL_PARTITIONS = Array.from({ length: TOPICS['vigil.checkins.v1'].partitions }, (_, index) => index);

let services: ServiceProcess[] = [];
let credentials: Credentials;
let api: VigilApi;
let ingestUrl: string;
const slug = uniqueSlug('timeline');
let monitorId: string;
const events: MonitorEventV1[] = [];
const states: MonitorStateV1[] = [];
let eventsConsumer: TopicConsumer<'vigil.monitor-events.v1'>;
let statesConsumer: TopicConsumer<'vigil.monitor-states.v1'>;

beforeAll(async () => {
  // The scheduler's partition clocks only move forward: start from empty topics, whatever spec ran before.
  await resetTestTopics(config);
  credentials = seed(env);
  services = await Promise.all((['ingest', 'history', 'api'] as const).map((name) => ServiceProcess.start(name, env)));
  ingestUrl = services[0]!.url;
  api = new VigilApi(services[2]!.url, credentials.VIGIL_ORG, credentials.VIGIL_API_TOKEN);
  monitorId = await hourlyMonitor(slug);
  // Started after the monitor exists, so the timeline never depends on when its notification arrives.
  services.push(await ServiceProcess.start('scheduler', env));
  await producer.connect();
  eventsConsumer = new TopicConsumer(kafka, logger, {
    groupId: `scheduler-e2e-${randomUUID()}`,
    topics: ['vigil.monitor-events.v1'],
    prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
    handleBatch: async (messages) => {
      events.push(...messages.map((message) => message.payload));
    },
  });
  statesConsumer = new TopicConsumer(kafka, logger, {
    groupId: `scheduler-e2e-states-${randomUUID()}`,
    topics: ['vigil.monitor-states.v1'],
    prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
    handleBatch: async (messages) => {
      states.push(...messages.map((message) => message.payload));
    },
  });
  await Promise.all([eventsConsumer.start(), statesConsumer.start()]);
});

afterAll(async () => {
  await eventsConsumer?.stop();
  await statesConsumer?.stop();
  await producer.close();
  await Promise.all(services.map((service) => service.stop()));
});

/** Creates an hourly monitor through ingest (as an SDK would) and returns its id. */
async function hourlyMonitor(slug: string): Promise<string> {
  const key = new URL(credentials.VIGIL_DSN).username;
  const item = {
    monitor_slug: slug,
    status: 'ok',
    environment: 'setup',
    monitor_config: { schedule: { type: 'crontab', value: '0 * * * *' }, checkin_margin: 5 },
  };
  const response = await fetch(`${ingestUrl}/api/${credentials.VIGIL_PROJECT_ID}/envelope/`, {
    method: 'POST',
    headers: { 'x-sentry-auth': `Sentry sentry_key=${key}` },
    body: [JSON.stringify({}), JSON.stringify({ type: 'check_in' }), JSON.stringify(item)].join('\n'),
  });
  expect(response.status).toBe(200);
  return (await api.waitForMonitor(slug)).id;
}

describe('scheduler', () => {
  it('emits exactly the misses and timeouts of an event-time timeline, early check-ins counting for their slot', async () => {
    const environment = 'timeline';
    const base = Math.ceil((Date.now() + 2 * 24 * HOUR) / HOUR) * HOUR;
    const checkin = (status: CheckinMessageV1['status'], at: number, checkinId: string): Promise<void> =>
      producer.produce('vigil.checkins.v1', monitorEnvironmentKey(monitorId, environment), {
        ...checkinMessageV1Example,
        event_id: randomUUID(),
        checkin_id: checkinId,
        project_id: Number(credentials.VIGIL_PROJECT_ID),
        monitor_id: monitorId,
        monitor_slug: slug,
        environment,
        status,
        run_match: 'exact',
        received_at: at,
        duration_ms: null,
      });
    const pulse = (at: number) => producer.pulse('vigil.checkins.v1', ALL_PARTITIONS, at);

    const first = randomUUID();
    await checkin('in_progress', base + 10_000, first);
    await checkin('ok', base + 70_000, first);
    await pulse(base + 30 * MINUTE);
    await pulse(base + HOUR + 6 * MINUTE); // nothing for base + 1 h: missed
    const early = randomUUID();
    await checkin('in_progress', base + 2 * HOUR - 20_000, early); // 20 s early: counts for base + 2 h
    await pulse(base + 2 * HOUR + 6 * MINUTE);
    await pulse(base + 2 * HOUR + 6 * MINUTE); // a repeated pulse changes nothing
    await pulse(base + 3 * HOUR + 6 * MINUTE); // the early run passed its 30 min max runtime; base + 3 h missed

    const mine = () => events.filter((event) => event.monitor_id === monitorId && event.environment === environment);
    await waitFor('three monitor events', () => (mine().length >= 3 ? true : undefined), { timeoutMs: 20000 });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // anything extra would have arrived by now
    expect(mine().map((event) => [event.kind, event.kind === 'missed' ? event.slot - base : event.checkin_id])).toEqual([
      ['missed', HOUR],
      ['timeout', early],
      ['missed', 3 * HOUR],
    ]);
    expect(mine().map((event) => event.event_id)).toContain(`${monitorId}:${environment}:${base + HOUR}:missed`);

    // The track's state changes, in event time, on the versioned states topic. A start does not clear `missed`
    // (only a result does), and the timeout at +3h06 is followed by the +3h miss in the same evaluation.
    const myStates = () => states.filter((state) => state.monitor_id === monitorId && state.environment === environment);
    await waitFor('two state changes', () => (myStates().length >= 2 ? true : undefined), { timeoutMs: 10000 });
    expect(myStates().map((state) => [`${state.from}->${state.to}`, state.at - base])).toEqual([
      ['new->ok', 10_000],
      ['ok->missed', HOUR + 6 * MINUTE],
    ]);
    expect(myStates()[1]!.event_id).toBe(`${monitorId}:${environment}:${base + HOUR + 6 * MINUTE}:missed`);

    const runs = await api.waitForRuns(slug, 4, { environment, settled: (found) => found.length === 4 });
    expect(runs.map((run) => run.status).sort()).toEqual(['missed', 'missed', 'ok', 'timeout']);
  });
});
