import { randomUUID } from 'node:crypto';
import { verifyWebhookSignature } from '@vigil/integrations';
import { resetTestTopics, ServiceProcess, testConfig, waitFor } from '@vigil/testing';
import { EventTimeline, HttpReceiver, IssueFeed, uniqueSlug, Vigil, type ReceivedRequest } from './support';

/**
 * The whole alert chain, every service a real process: a monitor created by a Sentry envelope with
 * monitor_config (ingest) → check-ins and clock pulses (vigil.checkins.v1) → missed runs (scheduler) → an issue
 * at the failure threshold (issues) → a signed webhook (notifier) to a loopback receiver → a Sentry envelope
 * `ok` through ingest resolves it → a second webhook; both deliveries read back through the API, the runs
 * through history and the API.
 *
 * The clock is the test's, as in scheduler-scenarios.e2e-spec.ts: the scheduler writes no pulses. The monitor
 * is hourly at minute M, where the next slot `next` is 2 to 3 minutes after the test starts. Its timeline
 * lies in the last three hours, so the final check-in, sent through ingest at the wall clock, comes after
 * every pulse the test wrote and before `next` is due:
 *   next - 3h + 10 s   ok (written to the check-ins topic, as ingest would)
 *   next - 2h + 30 min pulse: next - 2h missed (1 failure, threshold 2: no issue)
 *   next - 1h + 30 min pulse: next - 1h missed (2 failures: issue.opened → webhook)
 *   now                ok through ingest (a real envelope; recovery threshold 1: issue.resolved → webhook)
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEBHOOK_SECRET = `vigil_whsec_${randomUUID().replace(/-/g, '')}`;
const ENVIRONMENT = 'production';

let vigil: Vigil;
let timeline: EventTimeline;
let feed: IssueFeed;
const receiver = new HttpReceiver();
const services: ServiceProcess[] = [];
let monitor: { id: string; slug: string };
let hookPath: string;
let integrationId: string;
/** The slot the monitor expects next (wall clock, 2 to 3 minutes after the start). */
let next = 0;

/** A webhook body: the fields these tests read (toMatchObject checks the others). */
interface WebhookBody {
  event_id: string;
  issue: { id: string };
}

/** A delivery as the API lists it: the fields these tests read. */
interface Delivery {
  id: string;
  kind: string;
  status: string;
  attemptCount: number;
  integration: { id: string };
  monitor: { slug: string };
  environment: string;
  attempts: Array<{ outcome: string; statusCode: number }>;
}

/** The API's answer, its JSON read as `T` (the assertions check it). */
function call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  return vigil.api.call<T>(method, path, body);
}

/** A check-in as @sentry/node's captureCheckIn sends it: an envelope to ingest, with the DSN's key. */
async function sendEnvelope(checkIn: Record<string, unknown>): Promise<void> {
  const body = [JSON.stringify({ sent_at: new Date().toISOString() }), JSON.stringify({ type: 'check_in' }), JSON.stringify(checkIn)].join('\n');
  const response = await fetch(`${vigil.ingestUrl}/api/${vigil.credentials.VIGIL_PROJECT_ID}/envelope/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-sentry-envelope',
      'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${vigil.publicKey}, sentry_client=vigil-e2e/1.0`,
    },
    body,
  });
  if (response.status !== 200) throw new Error(`envelope: ${response.status} ${await response.text()}`);
}

function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function logs(): string {
  return `${vigil.logs}\n${services.map((service) => `--- ${service.name} ---\n${service.logs}`).join('\n')}`;
}

/** Waits for the n-th webhook request to the monitor's hook; the error names what the chain did so far. */
async function webhooks(count: number, what: string): Promise<ReceivedRequest[]> {
  try {
    return await waitFor(what, () => (receiver.to(hookPath).length >= count ? receiver.to(hookPath) : undefined), { timeoutMs: 20000, intervalMs: 50 });
  } catch (error) {
    const events = feed.events.filter((event) => event.monitor_id === monitor.id).map((event) => `${event.kind} ${event.status} ${event.failure_count}`);
    const results = feed.results
      .filter((result) => result.monitor_id === monitor.id)
      .map((result) => `${result.kind} ${new Date(result.slot ?? 0).toISOString()}`);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nrun results: ${JSON.stringify(results)}\nissue events: ${JSON.stringify(events)}\n${logs()}`,
    );
  }
}

beforeAll(async () => {
  // The scheduler's partition clocks only move forward: start from empty topics, whatever ran before.
  await resetTestTopics(testConfig());
  await receiver.start();
  vigil = await Vigil.start({ VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8' });

  // Hourly at the minute two to three minutes from now (UTC): every slot the timeline uses is in the past.
  next = Math.floor(Date.now() / MINUTE) * MINUTE + 3 * MINUTE;
  const slug = uniqueSlug('alert-chain');
  // Sent before the scheduler starts (its group begins at the latest offset): only the timeline is judged.
  await vigil.createMonitor(slug, {
    schedule: { type: 'crontab', value: `${new Date(next).getUTCMinutes()} * * * *` },
    checkin_margin: 1,
    max_runtime: 30,
    timezone: 'UTC',
    failure_issue_threshold: 2,
    recovery_threshold: 1,
  });
  monitor = { id: await vigil.monitorId(slug), slug };

  const schedulerEnv = { ...vigil.env, VIGIL_SCHEDULER_PULSE_MS: '0', VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS: String(90 * DAY) };
  services.push(
    ...(await Promise.all([
      ServiceProcess.start('scheduler', schedulerEnv),
      ServiceProcess.start('issues', vigil.env),
      ServiceProcess.start('notifier', { ...vigil.env, VIGIL_NOTIFIER_POLL_MS: '100' }),
    ])),
  );
  [timeline, feed] = await Promise.all([EventTimeline.start(testConfig()), IssueFeed.start(testConfig())]);

  // A webhook integration and a rule for the monitor, through the API.
  hookPath = `/hook/${slug}`;
  const integration = await call<{ id: string }>('POST', 'integrations/', {
    name: 'Chain hook',
    type: 'webhook',
    config: { url: receiver.url(hookPath), secret: WEBHOOK_SECRET },
  });
  expect(integration).toMatchObject({ status: 201 });
  integrationId = integration.json.id;
  expect(await call('POST', 'alert-rules/', { project: vigil.credentials.VIGIL_PROJECT, monitor: slug, integration: integrationId })).toMatchObject({
    status: 201,
  });
}, 90_000);

afterAll(async () => {
  await Promise.allSettled([timeline?.stop(), feed?.stop(), ...services.map((service) => service.stop())]);
  await vigil?.stop();
  await receiver.stop();
});

describe('alert chain: envelope → scheduler → issues → notifier → webhook', () => {
  let opened: ReceivedRequest;
  let issueId: string;

  it('an ok, then one missed slot: a failure counted, no issue and no webhook', async () => {
    const projectId = Number(vigil.credentials.VIGIL_PROJECT_ID);
    await timeline.checkin({
      projectId,
      monitorId: monitor.id,
      slug: monitor.slug,
      environment: ENVIRONMENT,
      status: 'ok',
      checkinId: randomUUID(),
      at: next - 3 * HOUR + 10 * SECOND,
    });
    await timeline.pulse(next - 2 * HOUR + 30 * MINUTE);
    await timeline.caughtUp();
    await feed.caughtUp();
    expect(timeline.events.filter((event) => event.monitor_id === monitor.id).map((event) => [event.kind, event.slot])).toEqual([['missed', next - 2 * HOUR]]);
    expect(feed.results.filter((result) => result.monitor_id === monitor.id).map((result) => result.kind)).toEqual(['ok', 'missed']);
    expect(feed.events.filter((event) => event.monitor_id === monitor.id)).toEqual([]);
    expect(receiver.to(hookPath)).toEqual([]);
  });

  it('a second missed slot: exactly one issue.opened webhook, signed, naming the monitor, environment and miss', async () => {
    await timeline.pulse(next - HOUR + 30 * MINUTE);
    const [request] = await webhooks(1, 'the issue.opened webhook');
    opened = request!;
    expect(verifyWebhookSignature(WEBHOOK_SECRET, header(opened, 'vigil-signature'), opened.body)).toMatchObject({ valid: true });
    expect(verifyWebhookSignature('vigil_whsec_some-other-secret', header(opened, 'vigil-signature'), opened.body)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    const body = JSON.parse(opened.body) as WebhookBody;
    expect(body).toMatchObject({
      version: 1,
      type: 'issue.opened',
      issue: { failure_count: 2 },
      organization: { slug: vigil.credentials.VIGIL_ORG },
      project: { id: Number(vigil.credentials.VIGIL_PROJECT_ID), slug: vigil.credentials.VIGIL_PROJECT },
      monitor: { id: monitor.id, slug: monitor.slug },
      environment: ENVIRONMENT,
      checkin: { status: 'missed', expected_at: new Date(next - HOUR).toISOString().replace('.000Z', 'Z') },
    });
    expect(header(opened, 'vigil-event')).toBe('issue.opened');
    expect(header(opened, 'vigil-delivery')).toBe(body.event_id);
    expect(header(opened, 'vigil-attempt')).toBe('1');
    issueId = body.issue.id;

    // Kafka agrees: one opening, for this issue, caused by the second miss.
    await timeline.caughtUp();
    await feed.caughtUp();
    const events = feed.events.filter((event) => event.monitor_id === monitor.id);
    expect(events.map((event) => [event.kind, event.issue_id, event.status, event.slot, event.failure_count])).toEqual([
      ['issue.opened', issueId, 'missed', next - HOUR, 2],
    ]);
  });

  it('an ok check-in through ingest: exactly one issue.resolved webhook for the same issue', async () => {
    await sendEnvelope({ check_in_id: randomUUID().replace(/-/g, ''), monitor_slug: monitor.slug, status: 'ok', duration: 1.5, environment: ENVIRONMENT });
    const requests = await webhooks(2, 'the issue.resolved webhook');
    const resolved = requests[1]!;
    expect(verifyWebhookSignature(WEBHOOK_SECRET, header(resolved, 'vigil-signature'), resolved.body)).toMatchObject({ valid: true });
    const body = JSON.parse(resolved.body) as WebhookBody;
    expect(body).toMatchObject({
      type: 'issue.resolved',
      issue: { id: issueId, failure_count: 2 },
      monitor: { id: monitor.id, slug: monitor.slug },
      environment: ENVIRONMENT,
      checkin: { status: 'ok' },
    });
    expect(body.event_id).not.toBe((JSON.parse(opened.body) as WebhookBody).event_id);
    expect(header(resolved, 'vigil-delivery')).toBe(body.event_id);

    await timeline.caughtUp();
    await feed.caughtUp();
    expect(feed.events.filter((event) => event.monitor_id === monitor.id).map((event) => event.kind)).toEqual(['issue.opened', 'issue.resolved']);
  });

  it('the two deliveries, read through the API: one successful attempt each, the ids the receiver saw; nothing else sent', async () => {
    let last: unknown = null;
    const settled = await waitFor(
      'two final deliveries',
      async () => {
        const { status, json } = await call<Delivery[] | null>('GET', `issues/${issueId}/deliveries/`);
        last = { status, json };
        return Array.isArray(json) && json.length === 2 && json.every((delivery) => delivery.status === 'succeeded') ? json : undefined;
      },
      { timeoutMs: 10000 },
    ).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; last answer: ${JSON.stringify(last)}`);
    });
    expect(
      settled
        .map((delivery) => [delivery.kind, delivery.status, delivery.attemptCount, delivery.integration.id, delivery.monitor.slug, delivery.environment])
        .sort(),
    ).toEqual([
      ['opened', 'succeeded', 1, integrationId, monitor.slug, ENVIRONMENT],
      ['resolved', 'succeeded', 1, integrationId, monitor.slug, ENVIRONMENT],
    ]);
    expect(settled.flatMap((delivery) => delivery.attempts.map((attempt) => [attempt.outcome, attempt.statusCode]))).toEqual([
      ['delivered', 200],
      ['delivered', 200],
    ]);
    const seen = receiver.to(hookPath).map((request) => header(request, 'vigil-delivery'));
    expect(seen).toHaveLength(2);
    expect([...seen].sort()).toEqual(settled.map((delivery) => delivery.id).sort());
    const perIntegration = (await call<Array<{ id: string }>>('GET', `integrations/${integrationId}/deliveries/`)).json;
    expect(perIntegration.map((delivery) => delivery.id).sort()).toEqual([...seen].sort());
    // Every webhook the receiver got went to this monitor's hook.
    expect(receiver.requests.map((request) => request.path)).toEqual([hookPath, hookPath]);
  });

  it('history saw the same runs: ok, missed, missed, ok', async () => {
    const runs = await vigil.api.waitForRuns(monitor.slug, 4, { environment: ENVIRONMENT, timeoutMs: 15000 });
    expect(runs.map((run) => run.status)).toEqual(['ok', 'missed', 'missed', 'ok']);
  });
});
