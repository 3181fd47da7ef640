import { randomUUID } from 'node:crypto';
import { monitorEnvironmentKey, TOPICS, type DeadLetterV1, type RunResultV1 } from '@vigil/contracts';
import { createKafkaClient, kafkaConnection, partitionForKey, TopicConsumer, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { resetTestTopics, ServiceProcess, testConfig, waitFor } from '@vigil/testing';
import type { Admin } from 'kafkajs';
import { EventTimeline, HttpReceiver, IssueFeed, PrivateKafka, uniqueSlug, Vigil, type ReceivedRequest } from './support';

/**
 * Issue #19: no consumer dies silently, no message blocks a partition. Every consuming service is a real process
 * (scheduler, issues, notifier, history; ingest and api beside them) on real Kafka, with a session timeout of 6 s
 * so a stall past it stays quick (the same path as the default 10 s: the coordinator drops the member, and the
 * member finds out when it runs again).
 *
 * The clock is the test's (the scheduler writes no pulses), as in alert-chain.e2e-spec.ts: an hourly monitor whose
 * slots `base + k h` lie in the past. A phase k misses slot k (a pulse at k h + 30 min: issue.opened, a webhook)
 * and recovers with an ok at slot k + 1 (issue.resolved, a webhook); history records both runs. A phase runs
 * before any outage, after a stall of every consumer, and after a restart of the Kafka broker: detection,
 * alerting and history work again each time.
 *
 * Everything here runs on a Kafka broker of the spec's own (PrivateKafka: deploy/local/stack.sh with a directory and
 * ports of its own), which the broker restart stops and starts again, waiting for it to be ready before the next
 * test; the stack's shared broker keeps serving the specs that run beside this one.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SESSION_MS = 6000;
const ENVIRONMENT = 'production';
const CONSUMERS = ['scheduler', 'issues', 'notifier', 'history'] as const;
type Consumer = (typeof CONSUMERS)[number];
const GROUPS: Record<Consumer, string> = { scheduler: 'vigil-scheduler', issues: 'vigil-issues', notifier: 'vigil-notifier', history: 'vigil-history' };

let vigil: Vigil;
let kafka: PrivateKafka;
let timeline: EventTimeline;
let feed: IssueFeed;
let admin: Admin;
let producer: TopicProducer;
let deadLetterReader: TopicConsumer<'vigil.dead-letters.v1'>;
const deadLetters: DeadLetterV1[] = [];
const receiver = new HttpReceiver();
const started: Partial<Record<Consumer, ServiceProcess>> = {};
let monitor: { id: string; slug: string };
let hookPath: string;
let base = 0;

function service(name: Consumer): ServiceProcess {
  const found = name === 'history' ? vigil.service('history') : started[name];
  if (!found) throw new Error(`${name} is not running`);
  return found;
}

function logs(): string {
  return `${vigil.logs}\n${(['scheduler', 'issues', 'notifier'] as const).map((name) => `--- ${name} ---\n${started[name]?.logs ?? ''}`).join('\n')}`;
}

async function readiness(target: ServiceProcess): Promise<{ status: number; consumer: boolean | undefined }> {
  const response = await fetch(`${target.url}/readyz`);
  const body = (await response.json()) as { checks?: Record<string, boolean> };
  return { status: response.status, consumer: body.checks?.['consumer'] };
}

async function members(name: Consumer): Promise<number> {
  const { groups } = await admin.describeGroups([`${vigil.env['VIGIL_KAFKA_TOPIC_PREFIX']}${GROUPS[name]}`]);
  return groups[0]?.members.length ?? 0;
}

/**
 * Waits until, at one moment, every consumer says it is consuming (`/readyz`) and the broker agrees: its group has
 * exactly one member, this instance. Both are read together, since a member starved past its session timeout on a
 * busy machine rejoins once more, and the group is briefly empty meanwhile.
 */
async function everyConsumerReady(what: string, timeoutMs: number): Promise<void> {
  let last = '';
  try {
    await waitFor(
      what,
      async () => {
        const states = await Promise.all(
          CONSUMERS.map(
            async (name) => [name, await readiness(service(name)).catch((error: unknown) => String(error)), await members(name).catch(() => -1)] as const,
          ),
        );
        last = JSON.stringify(states);
        return states.every(([, state, count]) => typeof state === 'object' && state.status === 200 && state.consumer === true && count === 1);
      },
      { timeoutMs, intervalMs: 250 },
    );
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last: ${last}\n${logs()}`);
  }
}

async function webhooks(count: number, what: string): Promise<ReceivedRequest[]> {
  try {
    return await waitFor(what, () => (receiver.to(hookPath).length >= count ? receiver.to(hookPath) : undefined), { timeoutMs: 30000, intervalMs: 50 });
  } catch (error) {
    const results = feed.results
      .filter((result) => result.monitor_id === monitor.id)
      .map((result) => `${result.kind} ${result.slot === null ? '' : new Date(result.slot).toISOString()}`);
    const events = feed.events.filter((event) => event.monitor_id === monitor.id).map((event) => `${event.kind} ${event.status}`);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nrun results: ${JSON.stringify(results)}\nissue events: ${JSON.stringify(events)}\n${logs()}`,
    );
  }
}

/**
 * Slot k missed (a pulse half an hour after it): exactly one issue.opened webhook naming it; then an ok at slot
 * k + 1: exactly one issue.resolved webhook; history has both runs.
 */
async function missAndRecover(k: number, runsBefore: number): Promise<void> {
  const before = receiver.to(hookPath).length;
  await timeline.pulse(base + k * HOUR + 30 * MINUTE);
  const opened = (await webhooks(before + 1, `the issue.opened webhook for slot ${k}`))[before]!;
  expect(JSON.parse(opened.body)).toMatchObject({
    type: 'issue.opened',
    monitor: { id: monitor.id },
    environment: ENVIRONMENT,
    checkin: { status: 'missed', expected_at: new Date(base + k * HOUR).toISOString().replace('.000Z', 'Z') },
  });
  const projectId = Number(vigil.credentials.VIGIL_PROJECT_ID);
  await timeline.checkin({
    projectId,
    monitorId: monitor.id,
    slug: monitor.slug,
    environment: ENVIRONMENT,
    status: 'ok',
    checkinId: randomUUID(),
    at: base + (k + 1) * HOUR + 10 * SECOND,
  });
  const resolved = (await webhooks(before + 2, `the issue.resolved webhook after slot ${k + 1}`))[before + 1]!;
  expect(JSON.parse(resolved.body)).toMatchObject({ type: 'issue.resolved', monitor: { id: monitor.id }, environment: ENVIRONMENT, checkin: { status: 'ok' } });
  expect(receiver.to(hookPath)).toHaveLength(before + 2);
  const runs = await vigil.api.waitForRuns(monitor.slug, runsBefore + 2, { environment: ENVIRONMENT, timeoutMs: 30000 });
  expect(runs.slice(0, 2).map((run) => run.status)).toEqual(['ok', 'missed']);
}

beforeAll(async () => {
  kafka = await PrivateKafka.start();
  await receiver.start();
  const overrides = {
    VIGIL_KAFKA_BROKERS: kafka.brokers,
    VIGIL_KAFKA_SESSION_TIMEOUT_MS: String(SESSION_MS),
    VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8',
    VIGIL_NOTIFIER_POLL_MS: '100',
  };
  await resetTestTopics(testConfig(overrides));
  vigil = await Vigil.start(overrides);
  const config = testConfig(overrides);
  const logger = createLogger('consumer-outages-e2e', 'silent');
  const client = createKafkaClient(config, 'consumer-outages-e2e', logger);
  admin = client.admin();
  await admin.connect();
  producer = new TopicProducer(kafkaConnection(config, 'consumer-outages-e2e'), logger, { prefix: config.VIGIL_KAFKA_TOPIC_PREFIX, lingerMs: 0 });
  await producer.connect();
  deadLetterReader = new TopicConsumer(client, logger, {
    groupId: `dead-letters-e2e-${randomUUID()}`,
    topics: ['vigil.dead-letters.v1'],
    prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
    handleBatch: async (messages) => {
      deadLetters.push(...messages.map((message) => message.payload));
    },
  });
  await deadLetterReader.start();

  // Hourly at the minute three minutes from now: every slot the phases use (base + k h, k < 12) is in the past.
  const next = Math.floor(Date.now() / MINUTE) * MINUTE + 3 * MINUTE;
  base = next - 12 * HOUR;
  const slug = uniqueSlug('outages');
  await vigil.createMonitor(slug, {
    schedule: { type: 'crontab', value: `${new Date(next).getUTCMinutes()} * * * *` },
    checkin_margin: 1,
    max_runtime: 30,
    timezone: 'UTC',
    failure_issue_threshold: 1,
    recovery_threshold: 1,
  });
  monitor = { id: await vigil.monitorId(slug), slug };

  const [scheduler, issues, notifier] = await Promise.all([
    ServiceProcess.start('scheduler', { ...vigil.env, VIGIL_SCHEDULER_PULSE_MS: '0', VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS: String(90 * DAY) }),
    ServiceProcess.start('issues', vigil.env),
    ServiceProcess.start('notifier', vigil.env),
  ]);
  Object.assign(started, { scheduler, issues, notifier });
  [timeline, feed] = await Promise.all([EventTimeline.start(config), IssueFeed.start(config)]);

  hookPath = `/hook/${slug}`;
  const headers = { authorization: `Bearer ${vigil.credentials.VIGIL_API_TOKEN}`, 'content-type': 'application/json' };
  const api = `${vigil.api.url}/api/0/organizations/${vigil.credentials.VIGIL_ORG}`;
  const integration = await fetch(`${api}/integrations/`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'Outage hook',
      type: 'webhook',
      config: { url: receiver.url(hookPath), secret: `vigil_whsec_${randomUUID().replace(/-/g, '')}` },
    }),
  });
  expect(integration.status).toBe(201);
  const integrationId = ((await integration.json()) as { id: string }).id;
  const rule = await fetch(`${api}/alert-rules/`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ project: vigil.credentials.VIGIL_PROJECT, monitor: slug, integration: integrationId }),
  });
  expect(rule.status).toBe(201);

  // The track starts with an ok at slot 0.
  await timeline.checkin({
    projectId: Number(vigil.credentials.VIGIL_PROJECT_ID),
    monitorId: monitor.id,
    slug,
    environment: ENVIRONMENT,
    status: 'ok',
    checkinId: randomUUID(),
    at: base + 10 * SECOND,
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([timeline?.stop(), feed?.stop(), deadLetterReader?.stop(), producer?.close(), admin?.disconnect()]);
  await Promise.allSettled(Object.values(started).map((process) => process.stop()));
  await vigil?.stop();
  await receiver.stop();
  await kafka?.destroy();
});

describe('consumers survive a stall and a broker restart; a poison message is dead-lettered', () => {
  it('before any outage: a missed slot is alerted and an ok resolves it', async () => {
    await missAndRecover(1, 1);
  });

  it('every consumer stalled past its session timeout (SIGSTOP, SIGCONT): /readyz says so, then each rejoins and a miss is detected, alerted and recorded', async () => {
    for (const name of CONSUMERS) service(name).pause();
    // Asked while the processes are stopped: answered by each as the first thing it does when it runs again.
    const held = CONSUMERS.map((name) => readiness(service(name)));
    try {
      // The coordinator drops a member after the session timeout without a heartbeat.
      await waitFor('the coordinator to drop every stalled member', async () => (await Promise.all(CONSUMERS.map(members))).every((count) => count === 0), {
        timeoutMs: 4 * SESSION_MS,
        intervalMs: 250,
      });
    } finally {
      for (const name of CONSUMERS) service(name).resume();
    }
    const answers = await Promise.all(held);
    expect(Object.fromEntries(CONSUMERS.map((name, index) => [name, answers[index]]))).toEqual(
      Object.fromEntries(CONSUMERS.map((name) => [name, { status: 503, consumer: false }])),
    );

    await everyConsumerReady('every consumer back in its group after the stall', 60000);
    for (const name of CONSUMERS) expect(service(name).exitCode).toBeUndefined();
    await missAndRecover(3, 3);
  }, 180_000);

  it('a Kafka broker restart: every consumer reports it is not consuming while the broker is down, then each rejoins and a miss is detected, alerted and recorded', async () => {
    await kafka.down();
    try {
      let last = '';
      await waitFor(
        'every consumer to report it is not consuming',
        async () => {
          const states = await Promise.all(CONSUMERS.map(async (name) => readiness(service(name))));
          last = JSON.stringify(states);
          return states.every((state) => state.status === 503 && state.consumer === false);
        },
        { timeoutMs: 6 * SESSION_MS, intervalMs: 250 },
      ).catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; last: ${last}`);
      });
    } finally {
      await kafka.up();
    }
    await everyConsumerReady('every consumer back in its group after the broker restart', 120000);
    for (const name of CONSUMERS) expect(service(name).exitCode).toBeUndefined();
    await missAndRecover(5, 5);
  }, 300_000);

  it('a run result that passes its contract but that Postgres refuses (a NUL byte in the environment) is dead-lettered with the reason; the result after it on its partition is applied', async () => {
    const template = feed.results.find((result) => result.monitor_id === monitor.id && result.kind === 'missed');
    if (!template) throw new Error('no missed run result of the monitor was read');
    const badEnvironment = 'prod\u0000uction';
    const partitions = TOPICS['vigil.run-results.v1'].partitions;
    const partition = partitionForKey(monitorEnvironmentKey(monitor.id, badEnvironment), partitions);
    // Another environment of the monitor on the same partition, after the bad result.
    let goodEnvironment = '';
    for (let index = 0; goodEnvironment === ''; index += 1) {
      const candidate = `after-poison-${index}`;
      if (partitionForKey(monitorEnvironmentKey(monitor.id, candidate), partitions) === partition) goodEnvironment = candidate;
    }
    const slot = base + 8 * HOUR;
    const result = (environment: string): RunResultV1 => ({
      ...template,
      event_id: `${monitor.id}:${environment}:${slot}:missed`,
      environment,
      checkin_id: randomUUID(),
      slot,
      at: slot + 30 * MINUTE,
    });
    const bad = result(badEnvironment);
    await producer.produce('vigil.run-results.v1', monitorEnvironmentKey(monitor.id, badEnvironment), bad, partition);
    await producer.produce('vigil.run-results.v1', monitorEnvironmentKey(monitor.id, goodEnvironment), result(goodEnvironment), partition);

    const letter = await waitFor('the dead letter of the issues service', () => deadLetters.find((entry) => entry.service === 'issues'), {
      timeoutMs: 60000,
      intervalMs: 100,
    }).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- issues ---\n${started.issues?.logs ?? ''}`);
    });
    expect(letter).toMatchObject({
      group: 'vigil-issues',
      topic: 'vigil.run-results.v1',
      partition,
      key: monitorEnvironmentKey(monitor.id, badEnvironment),
      reason: 'rejected',
      attempts: 5,
      error_code: '22021',
      pulse_at: null,
    });
    expect(letter.offset).toMatch(/^\d+$/);
    expect(JSON.parse(Buffer.from(letter.value_base64 ?? '', 'base64').toString('utf8'))).toEqual(bad);

    // The partition moved on: every run result committed, and the good one opened its issue.
    await feed.caughtUp(60000);
    expect(feed.events.filter((event) => event.monitor_id === monitor.id && event.environment === goodEnvironment).map((event) => event.kind)).toEqual([
      'issue.opened',
    ]);
    const ready = await readiness(service('issues'));
    expect(ready).toEqual({ status: 200, consumer: true });
  }, 120_000);
  it('a consumer that does not get back into its group within VIGIL_KAFKA_CONSUMER_RECOVERY_MS: /healthz says so and the process exits with 70 for its supervisor', async () => {
    await started.issues?.stop();
    const issues = await ServiceProcess.start('issues', { ...vigil.env, VIGIL_KAFKA_CONSUMER_RECOVERY_MS: '10000' });
    started.issues = issues;
    expect((await fetch(`${issues.url}/healthz`)).status).toBe(200);
    issues.pause();
    // Out of its group from a session timeout after its last heartbeat: 6 + 10 s, and some.
    await new Promise((resolve) => setTimeout(resolve, SESSION_MS + 10000 + 3000));
    const health = fetch(`${issues.url}/healthz`).then((response) => response.status);
    issues.resume();
    expect(await health).toBe(503);
    expect(await issues.waitForExit()).toBe(70);
    expect(issues.logs).toContain('consumer gave up: the process needs a restart');
  }, 120_000);
});
