// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { monitorEnvironmentKey, type IssueEventV1, type NotificationDeadLetterV1 } from '@vigil/contracts';
import { createDataSource, hashSecret } from '@vigil/db';
import { verifyWebhookSignature } from '@vigil/integrations';
import { createKafkaClient, kafkaConnection, TopicConsumer, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { ServiceProcess, testConfig, testEnv, waitFor } from '@vigil/testing';
import { HttpReceiver, pageLinks, seed, SmtpSink, uniqueSlug, type Credentials } from './support';

/**
 * The notifier as a process on real Kafka and Postgres, fed issue transitions the way the issues service writes
 * them (IssueEventV1 on vigil.issues.v1), delivering to loopback receivers (Slack, PagerDuty, webhooks) and a
 * real SMTP server; integrations and alert rules are made through the API, and every attempt is read back
 * through it. Retries are fast here: 3 attempts, waits under 200 ms and 800 ms, 2 s per attempt.
 */

const WEBHOOK_SECRET = 'vigil_whsec_e2e-secret-0123456789abcdef';
const ROUTING_KEY = 'R0123456789abcdef0123456789ABCDE';
const SLACK_TOKEN_PATH = '/slack/services/T000/B000/e2e-slack-credential';

const config = testConfig();
const logger = createLogger('notifier-e2e', 'silent');
const kafka = createKafkaClient(config, 'notifier-e2e', logger);
const producer = new TopicProducer(kafkaConnection(config, 'notifier-e2e'), logger, { prefix: config.VIGIL_KAFKA_TOPIC_PREFIX, lingerMs: 0 });
const db = createDataSource(config, { poolSize: 2 });
const receiver = new HttpReceiver();
const smtp = new SmtpSink();
const deadLetters: NotificationDeadLetterV1[] = [];
let deadLetterConsumer: TopicConsumer<'vigil.notifications-dead-letter.v1'>;

let env: Record<string, string>;
let credentials: Credentials;
let api: ServiceProcess;
let notifier: ServiceProcess;
let projectId: number;
let organizationId: string;

interface ApiAttempt {
  attempt: number;
  outcome: string | null;
  statusCode: number | null;
  errorCode: string | null;
  error: string | null;
  durationMs: number | null;
  target: string | null;
}

interface ApiDelivery {
  id: string;
  kind: string;
  status: string;
  issueId: string | null;
  integration: { id: string; name: string; type: string };
  attemptCount: number;
  deadReason: string | null;
  attempts: ApiAttempt[];
}

/** A JSON body the receiver got, read as `T` (the assertions check it). */
function bodyOf<T>(request: { body: string }): T {
  return JSON.parse(request.body) as T;
}

interface PagerEvent {
  dedup_key: string;
  event_action: string;
  routing_key: string;
  payload: unknown;
}

interface WebhookBody {
  event_id: string;
  type: string;
}

interface ApiError {
  error: { code: string; field: string };
}

/** The API's answer, its JSON read as `T` (the assertions check it). */
async function call<T = unknown>(method: string, path: string, body?: unknown, token = credentials.VIGIL_API_TOKEN): Promise<{ status: number; json: T }> {
  const response = await fetch(`${api.url}/api/0/organizations/${credentials.VIGIL_ORG}/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as T };
}

async function createIntegration(name: string, type: string, integrationConfig: Record<string, unknown>): Promise<string> {
  const { status, json } = await call<{ id: string }>('POST', 'integrations/', { name, type, config: integrationConfig });
  expect({ status, json }).toMatchObject({ status: 201 });
  return json.id;
}

async function createRule(rule: Record<string, unknown>): Promise<string> {
  const { status, json } = await call<{ id: string }>('POST', 'alert-rules/', { project: credentials.VIGIL_PROJECT, ...rule });
  expect({ status, json }).toMatchObject({ status: 201 });
  return json.id;
}

/** A monitor of the default project, written to Postgres directly (the notifier only reads its name). */
async function createMonitor(name: string): Promise<{ id: string; slug: string }> {
  const id = randomUUID();
  const slug = uniqueSlug('notify');
  await db.query(
    `INSERT INTO monitors (id, project_id, slug, name, ping_uuid, schedule_type, schedule_crontab) VALUES ($1, $2, $3, $4, $5, 'crontab', '0 3 * * *')`,
    [id, projectId, slug, name, randomUUID()],
  );
  return { id, slug };
}

/** An issue transition as the issues service would write it. */
function issueEvent(monitor: { id: string; slug: string }, kind: IssueEventV1['kind'], issueId: string, overrides: Partial<IssueEventV1> = {}): IssueEventV1 {
  const openedAt = Date.UTC(2026, 10, 4, 3, 5);
  const runId = randomUUID();
  return {
    version: 1,
    event_id: `${issueId}:${kind}:${runId}`,
    kind,
    issue_id: issueId,
    organization_id: organizationId,
    project_id: projectId,
    monitor_id: monitor.id,
    monitor_slug: monitor.slug,
    environment: 'production',
    status: kind === 'issue.resolved' ? 'ok' : 'missed',
    checkin_id: randomUUID(),
    slot: Date.UTC(2026, 10, 4, 3, 0),
    failure_count: kind === 'issue.resolved' ? 3 : 2,
    opened_at: openedAt,
    resolved_at: kind === 'issue.resolved' ? openedAt + 3_600_000 : null,
    muted: false,
    ...overrides,
  };
}

function publish(event: IssueEventV1): Promise<void> {
  return producer.produce('vigil.issues.v1', monitorEnvironmentKey(event.monitor_id, event.environment), event);
}

async function issueDeliveries(issueId: string): Promise<ApiDelivery[]> {
  const { status, json } = await call('GET', `issues/${issueId}/deliveries/`);
  expect(status).toBe(200);
  return json as ApiDelivery[];
}

/** Waits until every delivery of the issue is final and there are `count` of them. */
async function settledDeliveries(issueId: string, count: number, timeoutMs = 20000): Promise<ApiDelivery[]> {
  let last: ApiDelivery[] = [];
  try {
    return await waitFor(
      `${count} final deliveries of issue ${issueId}`,
      async () => {
        last = await issueDeliveries(issueId);
        return last.length === count && last.every((delivery) => delivery.status === 'succeeded' || delivery.status === 'dead') ? last : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nlast seen: ${JSON.stringify(last, null, 2)}\n--- notifier ---\n${notifier.logs}`,
    );
  }
}

function header(request: { headers: Record<string, string | string[] | undefined> }, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

beforeAll(async () => {
  await Promise.all([receiver.start(), smtp.start()]);
  env = testEnv({
    VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8',
    VIGIL_PAGERDUTY_EVENTS_URL: receiver.url('/pagerduty/v2/enqueue'),
    VIGIL_SMTP_HOST: '127.0.0.1',
    VIGIL_SMTP_PORT: String(smtp.port),
    VIGIL_SMTP_TLS: 'none',
    VIGIL_SMTP_FROM: 'Vigil <alerts@vigil.test>',
    VIGIL_NOTIFIER_MAX_ATTEMPTS: '3',
    VIGIL_NOTIFIER_RETRY_BASE_MS: '200',
    VIGIL_NOTIFIER_RETRY_MAX_DELAY_MS: '1000',
    VIGIL_NOTIFIER_ATTEMPT_TIMEOUT_MS: '2000',
    VIGIL_NOTIFIER_POLL_MS: '100',
    VIGIL_PUBLIC_APP_URL: 'https://vigil.example.test',
  });
  credentials = seed(env);
  projectId = Number(credentials.VIGIL_PROJECT_ID);
  await db.initialize();
  organizationId = (await db.query<Array<{ organization_id: string }>>('SELECT organization_id FROM projects WHERE id = $1', [projectId]))[0]!.organization_id;
  await producer.connect();
  deadLetterConsumer = new TopicConsumer(kafka, logger, {
    groupId: `notifier-e2e-dead-letters-${randomUUID()}`,
    topics: ['vigil.notifications-dead-letter.v1'],
    prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
    handleBatch: async (messages) => {
      deadLetters.push(...messages.map((message) => message.payload));
    },
  });
  await deadLetterConsumer.start();
  [api, notifier] = await Promise.all([ServiceProcess.start('api', env), ServiceProcess.start('notifier', env)]);
});

afterAll(async () => {
  await deadLetterConsumer?.stop();
  await producer.close();
  await Promise.all([api?.stop(), notifier?.stop()]);
  await db.destroy();
  await Promise.all([receiver.stop(), smtp.stop()]);
});

describe('notifier: integrations and rules through the API', () => {
  it('refuses invalid configs with a 400 naming the field, and never shows a credential', async () => {
    const refused = async (body: Record<string, unknown>) => (await call<ApiError>('POST', 'integrations/', body)).json.error;
    expect(await refused({ name: 'x', type: 'fax', config: {} })).toMatchObject({ code: 'invalid_type', field: 'type' });
    expect(await refused({ name: 'x', type: 'slack', config: { webhook_url: 'hooks.slack.com/no-scheme' } })).toMatchObject({ field: 'config.webhook_url' });
    expect(await refused({ name: 'x', type: 'pagerduty', config: { severity: 'error' } })).toMatchObject({ field: 'config.routing_key' });
    expect(await refused({ name: 'x', type: 'webhook', config: { url: 'https://ops.example.com/hook' } })).toMatchObject({ field: 'config.secret' });
    expect(await refused({ name: 'x', type: 'email', config: { to: ['not-an-address'] } })).toMatchObject({ field: 'config.to[0]' });
    expect((await call('POST', 'integrations/', { name: 'x', type: 'fax', config: {} })).status).toBe(400);
    expect((await call('GET', 'integrations/', undefined, 'vgl_not-a-token')).status).toBe(401);

    const slack = await createIntegration('Redaction check', 'slack', { webhook_url: receiver.url(SLACK_TOKEN_PATH) });
    const hook = await createIntegration('Redaction hook', 'webhook', { url: receiver.url('/hook/redaction'), secret: WEBHOOK_SECRET });
    const pager = await createIntegration('Redaction pager', 'pagerduty', { routing_key: ROUTING_KEY });
    const listed = JSON.stringify((await call('GET', 'integrations/')).json);
    expect(listed).not.toContain('e2e-slack-credential');
    expect(listed).not.toContain(WEBHOOK_SECRET);
    expect(listed).not.toContain(ROUTING_KEY);
    expect((await call('GET', `integrations/${hook}/`)).json).toMatchObject({
      type: 'webhook',
      config: { url: receiver.url('/hook/redaction'), secret: '[REDACTED]' },
    });
    expect((await call<{ config: unknown }>('GET', `integrations/${pager}/`)).json.config).toEqual({ routing_key: '[REDACTED]BCDE', severity: 'critical' });
    // A redacted value sent back would break the integration: refused, naming the field.
    expect(
      (await call<ApiError>('PUT', `integrations/${slack}/`, { config: { webhook_url: `http://127.0.0.1:${receiver.port}/[REDACTED]` } })).json.error,
    ).toMatchObject({ field: 'config.webhook_url' });
    // A rename keeps the credentials.
    expect((await call('PUT', `integrations/${hook}/`, { name: 'Renamed hook' })).json).toMatchObject({
      name: 'Renamed hook',
      config: { secret: '[REDACTED]' },
    });

    const rule = async (body: Record<string, unknown>) => (await call<ApiError>('POST', 'alert-rules/', body)).json.error;
    expect(await rule({ project: 'no-such-project', integration: hook })).toMatchObject({ code: 'unknown_project', field: 'project' });
    expect(await rule({ project: credentials.VIGIL_PROJECT, integration: randomUUID() })).toMatchObject({ code: 'unknown_integration', field: 'integration' });
    expect(await rule({ project: credentials.VIGIL_PROJECT, integration: hook, monitor: 'no-such-monitor' })).toMatchObject({
      code: 'unknown_monitor',
      field: 'monitor',
    });
    expect(await rule({ project: credentials.VIGIL_PROJECT, integration: hook, environments: [] })).toMatchObject({ field: 'environments' });
    expect(await rule({ project: credentials.VIGIL_PROJECT, integration: hook, on_open: false, on_resolve: false })).toMatchObject({ field: 'on_open' });
    expect((await call('DELETE', `integrations/${slack}/`)).status).toBe(204);
    expect((await call('GET', `integrations/${slack}/`)).status).toBe(404);
  });

  it('alert rules: create, read, change, delete; a read-only token may look but not change', async () => {
    const monitor = await createMonitor('Rule target');
    const hook = await createIntegration('Rule hook', 'webhook', { url: receiver.url('/hook/rules'), secret: WEBHOOK_SECRET });
    const created = await call<{ id: string }>('POST', 'alert-rules/', {
      project: projectId,
      monitor: monitor.slug,
      integration: hook,
      environments: ['production'],
      on_resolve: false,
    });
    expect(created).toMatchObject({
      status: 201,
      json: {
        project: { id: String(projectId), slug: credentials.VIGIL_PROJECT },
        monitor: { id: monitor.id, slug: monitor.slug },
        integration: { id: hook, name: 'Rule hook', type: 'webhook' },
        environments: ['production'],
        on_open: true,
        on_resolve: false,
      },
    });
    const id = created.json.id;
    expect((await call('GET', `alert-rules/${id}/`)).json).toEqual(created.json);
    const changed = await call('PUT', `alert-rules/${id}/`, { monitor: null, environments: null, on_resolve: true });
    expect(changed).toMatchObject({ status: 200, json: { monitor: null, environments: null, on_open: true, on_resolve: true, integration: { id: hook } } });
    expect((await call<ApiError>('PUT', `alert-rules/${id}/`, { on_open: false, on_resolve: false })).json.error).toMatchObject({ field: 'on_open' });
    expect(((await call('GET', `alert-rules/?project=${credentials.VIGIL_PROJECT}`)).json as Array<{ id: string }>).map((rule) => rule.id)).toContain(id);

    const readToken = `vgl_${randomUUID().replace(/-/g, '')}`;
    await db.query(`INSERT INTO api_tokens (id, organization_id, name, token_hash, scope) VALUES ($1, $2, 'read only', $3, 'read')`, [
      randomUUID(),
      organizationId,
      hashSecret(readToken),
    ]);
    expect((await call('GET', `alert-rules/${id}/`, undefined, readToken)).status).toBe(200);
    expect(await call('DELETE', `alert-rules/${id}/`, undefined, readToken)).toMatchObject({ status: 403, json: { error: { code: 'insufficient_scope' } } });
    expect((await call('POST', 'integrations/', { name: 'x', type: 'slack', config: {} }, readToken)).status).toBe(403);

    expect((await call('DELETE', `alert-rules/${id}/`)).status).toBe(204);
    expect((await call('GET', `alert-rules/${id}/`)).status).toBe(404);
    expect((await call('GET', 'alert-rules/not-a-rule/')).status).toBe(404);
  });
});

describe('notifier: delivering issue transitions', () => {
  it('delivers an opened and a resolved issue to Slack, PagerDuty, a signed webhook and email, once each', async () => {
    const monitor = await createMonitor('Nightly backup');
    const slack = await createIntegration('Ops Slack', 'slack', { webhook_url: receiver.url(`${SLACK_TOKEN_PATH}/${monitor.slug}`) });
    const pager = await createIntegration('Ops pager', 'pagerduty', { routing_key: ROUTING_KEY, severity: 'error' });
    const hook = await createIntegration('Ops hook', 'webhook', { url: receiver.url(`/hook/${monitor.slug}`), secret: WEBHOOK_SECRET });
    const email = await createIntegration('Ops mail', 'email', { to: [`ops+${monitor.slug}@example.com`] });
    for (const integration of [slack, pager, hook, email]) await createRule({ monitor: monitor.slug, integration });

    const issueId = randomUUID();
    await publish(issueEvent(monitor, 'issue.opened', issueId));
    await publish(issueEvent(monitor, 'issue.resolved', issueId));
    const deliveries = await settledDeliveries(issueId, 8);
    expect(deliveries.map((delivery) => [delivery.integration.type, delivery.kind, delivery.status, delivery.attempts.length]).sort()).toEqual(
      [
        ['email', 'opened', 'succeeded', 1],
        ['email', 'resolved', 'succeeded', 1],
        ['pagerduty', 'opened', 'succeeded', 1],
        ['pagerduty', 'resolved', 'succeeded', 1],
        ['slack', 'opened', 'succeeded', 1],
        ['slack', 'resolved', 'succeeded', 1],
        ['webhook', 'opened', 'succeeded', 1],
        ['webhook', 'resolved', 'succeeded', 1],
      ].sort(),
    );
    expect(deliveries.flatMap((delivery) => delivery.attempts.map((attempt) => attempt.outcome))).toEqual(Array(8).fill('delivered'));

    // Slack: the Block Kit message, naming the monitor.
    const slackRequests = receiver.to(`${SLACK_TOKEN_PATH}/${monitor.slug}`);
    expect(slackRequests).toHaveLength(2);
    expect(bodyOf<{ text: string }>(slackRequests[0]!).text).toContain('Nightly backup missed its run');
    expect(bodyOf<{ text: string }>(slackRequests[1]!).text).toContain('Nightly backup recovered');

    // PagerDuty: a trigger, then a resolve of the same alert.
    const pagerEvents = receiver
      .to('/pagerduty/v2/enqueue')
      .map((request) => bodyOf<PagerEvent>(request))
      .filter((event) => event.dedup_key === `vigil-issue-${issueId}`);
    expect(pagerEvents.map((event) => [event.event_action, event.routing_key])).toEqual([
      ['trigger', ROUTING_KEY],
      ['resolve', ROUTING_KEY],
    ]);
    expect(pagerEvents[0]?.payload).toMatchObject({ severity: 'error', component: monitor.slug });

    // Webhook: signed with the integration's secret, one delivery id per transition.
    const hookRequests = receiver.to(`/hook/${monitor.slug}`);
    expect(hookRequests).toHaveLength(2);
    for (const request of hookRequests) {
      expect(verifyWebhookSignature(WEBHOOK_SECRET, header(request, 'vigil-signature'), request.body)).toMatchObject({ valid: true });
      expect(bodyOf<WebhookBody>(request).event_id).toBe(header(request, 'vigil-delivery'));
    }
    expect(hookRequests.map((request) => bodyOf<WebhookBody>(request).type)).toEqual(['issue.opened', 'issue.resolved']);
    expect(JSON.parse(hookRequests[0]!.body)).toMatchObject({
      issue: { id: issueId, failure_count: 2 },
      monitor: {
        id: monitor.id,
        slug: monitor.slug,
        name: 'Nightly backup',
        url: `https://vigil.example.test/${credentials.VIGIL_ORG}/monitors/${monitor.slug}?environment=production`,
      },
      environment: 'production',
      checkin: { status: 'missed', expected_at: '2026-11-04T03:00:00Z' },
    });
    const webhookDeliveries = deliveries
      .filter((delivery) => delivery.integration.type === 'webhook')
      .map((delivery) => delivery.id)
      .sort();
    expect(hookRequests.map((request) => header(request, 'vigil-delivery')).sort()).toEqual(webhookDeliveries);

    // Email: through the real SMTP server.
    const mails = smtp.messages.filter((message) => message.to.includes(`ops+${monitor.slug}@example.com`));
    expect(mails).toHaveLength(2);
    expect(mails.map((mail) => SmtpSink.header(mail, 'subject'))).toEqual([
      '[Vigil] Missed: Nightly backup (production) missed its run',
      '[Vigil] Resolved: Nightly backup (production) recovered',
    ]);
    expect(mails.map((mail) => SmtpSink.header(mail, 'x-vigil-issue'))).toEqual([issueId, issueId]);
  });

  it('a receiver that fails twice then succeeds: one success, three attempts, readable through the API', async () => {
    const monitor = await createMonitor('Flaky receiver');
    const hook = await createIntegration('Flaky hook', 'webhook', { url: receiver.url(`/flaky/${monitor.slug}`), secret: WEBHOOK_SECRET });
    await createRule({ monitor: monitor.id, integration: hook });
    const issueId = randomUUID();
    await publish(issueEvent(monitor, 'issue.opened', issueId));
    const [delivery] = await settledDeliveries(issueId, 1);
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 3, deadReason: null });
    expect(delivery!.attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.statusCode, attempt.errorCode])).toEqual([
      [1, 'retryable', 500, 'http_status'],
      [2, 'retryable', 500, 'http_status'],
      [3, 'delivered', 200, null],
    ]);
    expect(
      delivery!.attempts.every((attempt) => typeof attempt.durationMs === 'number' && attempt.target === `webhook:http://127.0.0.1:${receiver.port}`),
    ).toBe(true);
    const requests = receiver.to(`/flaky/${monitor.slug}`);
    expect(requests.map((request) => header(request, 'vigil-attempt'))).toEqual(['1', '2', '3']);
    expect(new Set(requests.map((request) => header(request, 'vigil-delivery')))).toEqual(new Set([delivery!.id]));
    // The same history, per integration.
    const perIntegration = (await call('GET', `integrations/${hook}/deliveries/`)).json as ApiDelivery[];
    expect(perIntegration.map((entry) => [entry.id, entry.status, entry.attempts.length])).toEqual([[delivery!.id, 'succeeded', 3]]);
  });

  it('a receiver that always fails is dead after the last attempt, with a record on the dead-letter topic; a 404 is dead at once', async () => {
    const monitor = await createMonitor('Broken receiver');
    const failing = await createIntegration('Failing hook', 'webhook', { url: receiver.url(`/fail/${monitor.slug}`), secret: WEBHOOK_SECRET });
    const gone = await createIntegration('Gone hook', 'slack', { webhook_url: receiver.url(`/gone/${monitor.slug}`) });
    await createRule({ monitor: monitor.slug, integration: failing });
    await createRule({ monitor: monitor.slug, integration: gone, environments: ['production'] });
    const issueId = randomUUID();
    const event = issueEvent(monitor, 'issue.opened', issueId);
    await publish(event);
    const deliveries = await settledDeliveries(issueId, 2);
    const byType = new Map(deliveries.map((delivery) => [delivery.integration.type, delivery]));
    expect(byType.get('webhook')).toMatchObject({ status: 'dead', deadReason: 'exhausted', attemptCount: 3 });
    expect(byType.get('webhook')!.attempts.map((attempt) => attempt.outcome)).toEqual(['retryable', 'retryable', 'retryable']);
    expect(byType.get('slack')).toMatchObject({ status: 'dead', deadReason: 'permanent', attemptCount: 1 });
    expect(byType.get('slack')!.attempts).toEqual([expect.objectContaining({ outcome: 'permanent', statusCode: 404, errorCode: 'http_status' })]);
    expect(receiver.to(`/fail/${monitor.slug}`)).toHaveLength(3);

    // The issue's deliveries a page at a time: one, then the other through the Link header's next page.
    const headers = { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}` };
    const first = await fetch(`${api.url}/api/0/organizations/${credentials.VIGIL_ORG}/issues/${issueId}/deliveries/?per_page=1`, { headers });
    const firstPage = (await first.json()) as ApiDelivery[];
    const firstLinks = pageLinks(first.headers.get('link'));
    expect({ items: firstPage.length, next: firstLinks.next.results }).toEqual({ items: 1, next: true });
    const second = await fetch(firstLinks.next.url, { headers });
    const secondPage = (await second.json()) as ApiDelivery[];
    expect({ items: secondPage.length, next: pageLinks(second.headers.get('link')).next.results }).toEqual({ items: 1, next: false });
    expect(new Set([...firstPage, ...secondPage].map((delivery) => delivery.id))).toEqual(new Set(deliveries.map((delivery) => delivery.id)));

    const letters = await waitFor('two dead letters', () => {
      const mine = deadLetters.filter((letter) => letter.issue_id === issueId);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(letters.map((letter) => [letter.integration_type, letter.reason, letter.attempts, letter.last_status_code]).sort()).toEqual([
      ['slack', 'permanent', 1, 404],
      ['webhook', 'exhausted', 3, 500],
    ]);
    expect(letters.find((letter) => letter.integration_id === failing)).toMatchObject({
      delivery_id: byType.get('webhook')!.id,
      event_id: event.event_id,
      idempotency_key: `${event.event_id}:${failing}`,
      kind: 'issue.opened',
      monitor_id: monitor.id,
      environment: 'production',
      last_error_code: 'http_status',
    });
  });

  it('the same event twice makes one delivery; muted, updated and other environments notify nobody', async () => {
    const monitor = await createMonitor('Quiet checks');
    const hook = await createIntegration('Quiet hook', 'webhook', { url: receiver.url(`/hook/${monitor.slug}`), secret: WEBHOOK_SECRET });
    await createRule({ monitor: monitor.slug, integration: hook, environments: ['production'] });
    const twice = issueEvent(monitor, 'issue.opened', randomUUID());
    const muted = issueEvent(monitor, 'issue.opened', randomUUID(), { muted: true });
    const updated = issueEvent(monitor, 'issue.updated', twice.issue_id, { failure_count: 3 });
    const staging = issueEvent(monitor, 'issue.opened', randomUUID(), { environment: 'staging' });
    const mutedResolve = issueEvent(monitor, 'issue.resolved', muted.issue_id, { muted: true });
    for (const event of [twice, twice, muted, updated, staging, mutedResolve]) await publish(event);
    // A last transition on the same partition: once it is delivered, every event before it has been handled.
    const sentinel = issueEvent(monitor, 'issue.resolved', twice.issue_id);
    await publish(sentinel);
    await settledDeliveries(twice.issue_id, 2);
    // Nobody was notified about these, and their issues exist only on the topic: the API knows neither (404).
    for (const quiet of [muted.issue_id, staging.issue_id]) {
      expect(await db.query<Array<{ n: number }>>('SELECT count(*)::integer AS n FROM deliveries WHERE issue_id = $1', [quiet])).toEqual([{ n: 0 }]);
      expect((await call('GET', `issues/${quiet}/deliveries/`)).status).toBe(404);
    }
    const requests = receiver.to(`/hook/${monitor.slug}`);
    expect(requests.map((request) => bodyOf<WebhookBody>(request).type)).toEqual(['issue.opened', 'issue.resolved']);
    // Publishing the first transition again, after it was delivered, still changes nothing.
    await publish(twice);
    await publish(issueEvent(monitor, 'issue.opened', randomUUID(), { muted: true }));
    const late = issueEvent(monitor, 'issue.opened', randomUUID());
    await publish(late);
    await settledDeliveries(late.issue_id, 1);
    expect(await issueDeliveries(twice.issue_id)).toHaveLength(2);
    expect(receiver.to(`/hook/${monitor.slug}`)).toHaveLength(3);
  });

  it('killed while the receiver holds its request: after a restart, exactly one success per transition, repeats with the same delivery id', async () => {
    const monitor = await createMonitor('Crash test');
    const path = `/hold/${monitor.slug}`;
    const hook = await createIntegration('Held hook', 'webhook', { url: receiver.url(path), secret: WEBHOOK_SECRET });
    await createRule({ monitor: monitor.slug, integration: hook });
    const issueId = randomUUID();
    const opening = issueEvent(monitor, 'issue.opened', issueId);
    await publish(opening);
    await waitFor('the receiver to hold the first request', () => receiver.to(path).length === 1, { timeoutMs: 15000 });
    await notifier.kill();
    receiver.release(path);
    // While it is down, the opening comes again (as Kafka redelivers a batch whose offsets were not committed)
    // and the issue resolves: both wait in Kafka.
    await publish(opening);
    await publish(issueEvent(monitor, 'issue.resolved', issueId));
    notifier = await ServiceProcess.start('notifier', env);

    // The crashed attempt's lease (2 x 2 s + 5 s) runs out, the attempt is recorded as interrupted, and the next
    // one goes out with the same delivery id.
    const deliveries = await settledDeliveries(issueId, 2, 40000);
    const opened = deliveries.find((delivery) => delivery.kind === 'opened')!;
    const resolved = deliveries.find((delivery) => delivery.kind === 'resolved')!;
    expect(opened).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(opened.attempts.map((attempt) => [attempt.attempt, attempt.outcome, attempt.errorCode])).toEqual([
      [1, 'interrupted', 'interrupted'],
      [2, 'delivered', null],
    ]);
    expect(resolved).toMatchObject({ status: 'succeeded', attemptCount: 1 });
    expect(deliveries.filter((delivery) => delivery.status === 'succeeded')).toHaveLength(2);

    const seen = receiver.to(path).map((request) => ({ delivery: header(request, 'vigil-delivery'), type: bodyOf<WebhookBody>(request).type }));
    expect(seen).toEqual([
      { delivery: opened.id, type: 'issue.opened' },
      { delivery: opened.id, type: 'issue.opened' },
      { delivery: resolved.id, type: 'issue.resolved' },
    ]);
    const rows: Array<{ n: number }> = await db.query(`SELECT count(*)::integer AS n FROM deliveries WHERE issue_id = $1 AND status = 'succeeded'`, [issueId]);
    expect(rows[0]!.n).toBe(2);
  });

  it('sends a test notification on request and answers with its attempts', async () => {
    const path = `/hook/test-${randomUUID()}`;
    const hook = await createIntegration('Test target', 'webhook', { url: receiver.url(path), secret: WEBHOOK_SECRET });
    const { status, json } = await call<ApiDelivery>('POST', `integrations/${hook}/test/`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      kind: 'test',
      status: 'succeeded',
      issueId: null,
      attemptCount: 1,
      attempts: [expect.objectContaining({ outcome: 'delivered', statusCode: 200 })],
    });
    const [request] = receiver.to(path);
    expect(verifyWebhookSignature(WEBHOOK_SECRET, header(request!, 'vigil-signature'), request!.body)).toMatchObject({ valid: true });
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'test', event_id: json.id });

    const failing = await createIntegration('Test failing', 'slack', { webhook_url: receiver.url(`/fail/test-${randomUUID()}`) });
    const failed = await call<ApiDelivery>('POST', `integrations/${failing}/test/`, { environment: 'staging' });
    expect(failed.json).toMatchObject({ kind: 'test', status: 'dead', deadReason: 'exhausted', attemptCount: 3, environment: 'staging' });
    expect(((await call('GET', `integrations/${failing}/deliveries/`)).json as ApiDelivery[])[0]).toMatchObject({ id: failed.json.id, status: 'dead' });

    const mail = await createIntegration('Test mail', 'email', { to: ['test-notification@example.com'] });
    expect((await call('POST', `integrations/${mail}/test/`)).json).toMatchObject({ status: 'succeeded' });
    const message = smtp.messages.find((entry) => entry.to.includes('test-notification@example.com'));
    expect(message && SmtpSink.header(message, 'subject')).toMatch(/^\[Vigil\] Test: Example monitor \(production\)/);
  });

  it('logs no credential', () => {
    for (const logs of [api.logs, notifier.logs]) {
      expect(logs).not.toContain(WEBHOOK_SECRET);
      expect(logs).not.toContain(ROUTING_KEY);
      expect(logs).not.toContain('e2e-slack-credential');
    }
  });
});
