// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createDataSource } from '@vigil/db';
import type { MonitorEventV1 } from '@vigil/contracts';
import { monitorEnvironmentKey } from '@vigil/contracts';
import { createKafkaClient, kafkaConnection, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { REPO_ROOT, resetTestTopics, ServiceProcess, testConfig } from '@vigil/testing';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createOrganization, EventTimeline, IssueFeed, pageLinks, SETUP_ENVIRONMENT, uniqueSlug, Vigil, waitForGroupCommit } from './support';

/**
 * Vigil's own read endpoints on the real stack: issues, the state of each monitor-environment with its next
 * expected and scheduled times, and the timeline from ClickHouse. Check-ins go through ingest (Sentry
 * envelopes, received at the wall clock); the scheduler runs without its own pulses and the test writes one
 * pulse ahead of the wall clock, past the next slot's margin, so it detects a miss and a timeout at once.
 * ingest, history, api, scheduler and issues run as processes.
 *
 * Monitor A: hourly at minute 0 in Asia/Kolkata (+05:30, so its slots are at :30 UTC), margin 5 min, max
 * runtime 1 min, thresholds 1. In `production`: a run (start, ok 4 s), ok 1 s, error 2 s (opens issue 1),
 * ok 3 s (resolves it), a start never finished. In `staging`: ok 10 s. The pulse at the next slot + 40 min
 * times the start out (due a minute after it) and misses that slot in both environments: issue 2
 * (timeout, then missed) in production, issue 3 (missed) in staging.
 * Monitor B: every 10 minutes (UTC), one ok; the pulse misses the slots since. In `outage`, a run the scheduler
 * recorded as `unknown` (a miss while Vigil's own pipeline was down, decision 0023), written by the test to
 * `vigil.monitor-events.v1` as the scheduler writes it.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const KOLKATA_OFFSET = 5 * HOUR + 30 * MINUTE;

let vigil: Vigil;
let db: DataSource;
let timeline: EventTimeline;
let feed: IssueFeed;
let admin: Admin;
const services: ServiceProcess[] = [];
const slugA = uniqueSlug('reads-hourly');
const slugB = uniqueSlug('reads-interval');
let monitorA = '';
/** Monitor B's unknown run in `outage`. */
let unknownEvent: MonitorEventV1;
let other: { slug: string; token: string };

/** Run ids as the test sent them (32 hex digits, as SDKs send them). */
const runs = { a: hexId(), b: hexId(), c: hexId(), d: hexId(), e: hexId(), f: hexId(), g: hexId() };
/** received_at of each run's first signal, from the API's check-ins list. */
const began: Record<string, number> = {};
/** The slot at or before the check-ins (minute 30 of a UTC hour), the next one, and the pulse. */
let slot0 = 0;
let slot1 = 0;
let pulseAt = 0;

function hexId(): string {
  return randomUUID().replace(/-/g, '');
}

/** A run id as the API shows it (a UUID). */
function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function envelope(item: Record<string, unknown>): Promise<void> {
  const key = new URL(vigil.credentials.VIGIL_DSN).username;
  const response = await fetch(`${vigil.ingestUrl}/api/${vigil.credentials.VIGIL_PROJECT_ID}/envelope/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${key}, sentry_client=vigil-e2e/1.0` },
    body: [JSON.stringify({}), JSON.stringify({ type: 'check_in' }), JSON.stringify(item)].join('\n'),
  });
  if (response.status !== 200) throw new Error(`envelope ${JSON.stringify(item)}: ${response.status} ${await response.text()}`);
}

const checkin = (slug: string, checkInId: string, status: 'in_progress' | 'ok' | 'error', environment: string, duration?: number) =>
  envelope({ check_in_id: checkInId, monitor_slug: slug, status, environment, ...(duration === undefined ? {} : { duration }) });

/**
 * The committed OpenAPI document's schema of each answer of these endpoints (`/issues/`, `/monitors/{slug}/...`),
 * so every answer the tests read is also checked against what the document promises, error answers included.
 */
const DOCUMENT = JSON.parse(readFileSync(join(REPO_ROOT, 'docs/openapi.json'), 'utf8')) as {
  paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema: object }> }> } }>;
};
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const validators = new Map<string, ValidateFunction>();

function documented(path: string, status: number): ValidateFunction {
  const template = path
    .replace(/\?.*$/, '')
    .replace(/\/$/, '')
    .replace(/^issues\/[^/]+$/, 'issues/{issueId}')
    .replace(/^monitors\/[^/]+\//, 'monitors/{slug}/')
    .replace(/^(monitors\/\{slug\}\/environments)\/[^/]+$/, '$1/{environment}');
  const key = `/api/0/organizations/{org}/${template} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = DOCUMENT.paths[`/api/0/organizations/{org}/${template}`]?.get?.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`the document promises no ${status} answer for GET ${key}`);
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/** An issue as the API shows it: the fields these tests read (the document's schema checked all of them). */
interface Issue {
  id: string;
  status: string;
  environment: string;
  dateOpened: string;
  checkIns: unknown;
}

interface ApiError {
  error: { code: string; field: string };
}

interface Timeline {
  resolution: string;
  buckets: Array<{ start: string; counts: unknown }>;
  totals: Record<string, number>;
}

/** The answer, its body read as `T` once the OpenAPI document's schema for it accepted it. */
async function get<T = unknown>(
  path: string,
  token = vigil.credentials.VIGIL_API_TOKEN,
  org = vigil.credentials.VIGIL_ORG,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${vigil.api.url}/api/0/organizations/${org}/${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body: unknown = await response.json();
  const validate = documented(path, response.status);
  if (!validate(body))
    throw new Error(
      `GET ${path} answered ${response.status} with what the document does not promise: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  return { status: response.status, body: body as T, headers: response.headers };
}

async function ok<T = unknown>(path: string): Promise<T> {
  const answer = await get<T>(path);
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Slots of A: minute 30 of every UTC hour (minute 0 in Kolkata). */
const slotAtOrBefore = (t: number) => Math.floor((t - 30 * MINUTE) / HOUR) * HOUR + 30 * MINUTE;

/** Waits until `t` is not within `guard` before a slot or a UTC hour, so the check-ins share both. */
async function clearOfBoundaries(guard: number): Promise<void> {
  for (;;) {
    const now = Date.now();
    const nextBoundary = Math.min(slotAtOrBefore(now) + HOUR, Math.floor(now / HOUR) * HOUR + HOUR);
    if (nextBoundary - now > guard) return;
    await new Promise((resolve) => setTimeout(resolve, nextBoundary - now + 2 * SECOND));
  }
}

beforeAll(async () => {
  // The scheduler's partition clocks only move forward, and this test moves them ahead of the wall clock.
  await resetTestTopics(testConfig());
  vigil = await Vigil.start();
  db = createDataSource(testConfig(), { poolSize: 1 });
  await db.initialize();
  admin = createKafkaClient(testConfig(), 'vigil-reads-e2e', createLogger('vigil-reads-e2e', 'silent')).admin();
  await admin.connect();
  const organization = await createOrganization(db, 'reads-other');
  other = { slug: organization.slug, token: organization.ownerToken };

  await clearOfBoundaries(3 * MINUTE);
  // Created before the scheduler starts (it begins at the latest offsets), so the setup check-ins are not judged.
  await vigil.createMonitor(slugA, {
    schedule: { type: 'crontab', value: '0 * * * *' },
    timezone: 'Asia/Kolkata',
    checkin_margin: 5,
    max_runtime: 1,
    failure_issue_threshold: 1,
    recovery_threshold: 1,
  });
  await vigil.createMonitor(slugB, { schedule: { type: 'interval', value: 10, unit: 'minute' }, checkin_margin: 1 });
  monitorA = await vigil.monitorId(slugA);
  const monitorB = await vigil.monitorId(slugB);

  timeline = await EventTimeline.start(testConfig());
  feed = await IssueFeed.start(testConfig());
  const schedulerEnv = {
    ...vigil.env,
    VIGIL_SCHEDULER_PULSE_MS: '0',
    VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS: String(24 * HOUR),
    // The test's pulse runs ahead of the beats of the ingest it started: the outage guard would read that as
    // ingest's silence (decision 0023; outage-guard.e2e-spec.ts tests it).
    VIGIL_OUTAGE_GUARD: 'off',
  };
  services.push(...(await Promise.all([ServiceProcess.start('scheduler', schedulerEnv), ServiceProcess.start('issues', vigil.env)])));
  await timeline.waitForSchedulerGroup(1);

  await checkin(slugA, runs.a, 'in_progress', 'production');
  await checkin(slugA, runs.a, 'ok', 'production', 4);
  await checkin(slugA, runs.b, 'ok', 'production', 1);
  await checkin(slugA, runs.c, 'error', 'production', 2);
  await checkin(slugA, runs.d, 'ok', 'production', 3);
  await checkin(slugA, runs.e, 'in_progress', 'production');
  await checkin(slugA, runs.f, 'ok', 'staging', 10);
  await checkin(slugB, runs.g, 'ok', 'production');

  // When each run began, as history recorded it (received_at at ingest).
  const listed = await vigil.api.waitForRuns(slugA, 7, { settled: (found) => found.length === 7 });
  for (const run of listed) began[run.id] = Date.parse(run.dateCreated);
  began[uuidOf(runs.g)] = Date.parse(
    (await vigil.api.waitForRuns(slugB, 2, { settled: (found) => found.length === 2 })).find((run) => run.id === uuidOf(runs.g))!.dateCreated,
  );
  slot0 = slotAtOrBefore(began[uuidOf(runs.a)]!);
  slot1 = slot0 + HOUR;
  pulseAt = slot1 + 40 * MINUTE;
  // After the check-ins in every partition (the setup check-ins' partitions too, which the scheduler started past).
  await timeline.pulse(pulseAt);
  await timeline.caughtUp();
  await feed.caughtUp();
  const prefix = testConfig().VIGIL_KAFKA_TOPIC_PREFIX;
  const [project] = await db.query<Array<{ organization_id: string }>>('SELECT organization_id FROM projects WHERE id = $1', [
    Number(vigil.credentials.VIGIL_PROJECT_ID),
  ]);
  const unknownSlot = pulseAt - 20 * MINUTE;
  unknownEvent = {
    version: 1,
    event_id: `${monitorB}:outage:${unknownSlot}:unknown`,
    kind: 'unknown',
    organization_id: project!.organization_id,
    project_id: Number(vigil.credentials.VIGIL_PROJECT_ID),
    monitor_id: monitorB,
    monitor_slug: slugB,
    environment: 'outage',
    slot: unknownSlot,
    checkin_id: randomUUID(),
    emitted_at: pulseAt,
  };
  const producer = new TopicProducer(kafkaConnection(testConfig(), 'vigil-reads-e2e'), createLogger('vigil-reads-e2e', 'silent'), { prefix, lingerMs: 0 });
  await producer.connect();
  await producer.produce('vigil.monitor-events.v1', monitorEnvironmentKey(monitorB, 'outage'), unknownEvent);
  await producer.close();
  for (const topic of ['checkins', 'monitor-events', 'monitor-states']) {
    await waitForGroupCommit(admin, `${prefix}vigil-history`, `${prefix}vigil.${topic}.v1`, `history to write every ${topic} record`, 30000);
  }
}, 360_000);

afterAll(async () => {
  await Promise.allSettled([feed?.stop(), timeline?.stop(), admin?.disconnect(), ...services.map((service) => service.stop())]);
  await vigil?.stop();
  await db?.destroy();
  // Leave no clock ahead of the wall clock for the tests after this one.
  await resetTestTopics(testConfig());
}, 120_000);

const iso = (ms: number) => new Date(ms).toISOString();
/** An instant as Kolkata shows it (+05:30, no daylight saving time). */
const kolkata = (ms: number) => `${new Date(ms + KOLKATA_OFFSET).toISOString().slice(0, 19)}+05:30`;
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
const beganAt = (hex: string) => began[uuidOf(hex)]!;
/** The run the scheduler minted for a miss of monitor A. */
const missedRun = (environment: string, slot: number) => feed.result(`${monitorA}:${environment}:${slot}:missed`).checkin_id;

describe('issues', () => {
  const byOpening = (issues: Issue[]) => [...issues].sort((x, y) => y.dateOpened.localeCompare(x.dateOpened) || x.environment.localeCompare(y.environment));

  function expectedIssues(): unknown[] {
    const project = { id: vigil.credentials.VIGIL_PROJECT_ID, slug: vigil.credentials.VIGIL_PROJECT };
    const monitor = { id: monitorA, slug: slugA, name: slugA };
    const common = { id: expect.any(String), project, monitor };
    return [
      {
        ...common,
        status: 'open',
        environment: 'production',
        failureCount: 2,
        openingStatus: 'timeout',
        openingCheckInId: uuidOf(runs.e),
        resolvingCheckInId: null,
        dateOpened: iso(pulseAt),
        dateLastFailure: iso(pulseAt),
        dateResolved: null,
      },
      {
        ...common,
        status: 'open',
        environment: 'staging',
        failureCount: 1,
        openingStatus: 'missed',
        openingCheckInId: missedRun('staging', slot1),
        resolvingCheckInId: null,
        dateOpened: iso(pulseAt),
        dateLastFailure: iso(pulseAt),
        dateResolved: null,
      },
      {
        ...common,
        status: 'resolved',
        environment: 'production',
        failureCount: 1,
        openingStatus: 'error',
        openingCheckInId: uuidOf(runs.c),
        resolvingCheckInId: uuidOf(runs.d),
        dateOpened: iso(beganAt(runs.c)),
        dateLastFailure: iso(beganAt(runs.c)),
        dateResolved: iso(beganAt(runs.d)),
      },
    ];
  }

  it("lists a monitor's issues, open and resolved, newest opened first (ties by id)", async () => {
    const issues = await ok<Issue[]>(`issues/?monitor=${slugA}`);
    expect(byOpening(issues)).toEqual(expectedIssues());
    expect(issues.map((issue) => `${issue.dateOpened} ${issue.id}`)).toEqual(
      issues
        .map((issue) => `${issue.dateOpened} ${issue.id}`)
        .sort()
        .reverse(),
    );
  });

  it('filters by status, environment and project', async () => {
    const environments = async (query: string) =>
      (await ok<Issue[]>(`issues/?monitor=${slugA}&${query}`)).map((issue) => `${issue.status} ${issue.environment}`).sort();
    expect(await environments('status=open')).toEqual(['open production', 'open staging']);
    expect(await environments('status=resolved')).toEqual(['resolved production']);
    expect(await environments('environment=staging')).toEqual(['open staging']);
    expect(await environments('environment=production&status=open')).toEqual(['open production']);
    expect(await environments(`project=${vigil.credentials.VIGIL_PROJECT}`)).toHaveLength(3);
    expect(await environments(`project=${vigil.credentials.VIGIL_PROJECT_ID}&status=resolved`)).toEqual(['resolved production']);
  });

  it('pages with per_page and the Link header cursors, as every list does: forward to the end and back again', async () => {
    const all = (await ok<Issue[]>(`issues/?monitor=${slugA}`)).map((issue) => issue.id);
    expect(all).toHaveLength(3);
    const pages: string[][] = [];
    const more: boolean[] = [];
    let path = `issues/?monitor=${slugA}&per_page=1`;
    let links: ReturnType<typeof pageLinks> | undefined;
    for (let page = 0; page < 3; page += 1) {
      const answer = await get<Issue[]>(path);
      expect(answer.status).toBe(200);
      pages.push(answer.body.map((issue) => issue.id));
      links = pageLinks(answer.headers.get('link'));
      expect(links.previous.results).toBe(page > 0);
      more.push(links.next.results);
      const next = new URL(links.next.url);
      expect(next.searchParams.get('cursor')).toBe(links.next.cursor);
      expect(next.searchParams.get('monitor')).toBe(slugA);
      path = `issues/${next.search}`;
    }
    expect(pages.flat()).toEqual(all);
    expect(more).toEqual([true, true, false]);
    const back = await get<Issue[]>(`issues/${new URL(links!.previous.url).search}`);
    expect(back.body.map((issue) => issue.id)).toEqual([all[1]]);
  });

  it('one issue with its opening and resolving runs and the failures it counted', async () => {
    const issues = byOpening(await ok<Issue[]>(`issues/?monitor=${slugA}`));
    const open = await ok(`issues/${issues[0]!.id}/`);
    expect(open).toEqual({
      ...(expectedIssues()[0] as object),
      id: issues[0]!.id,
      checkIns: {
        opening: { id: uuidOf(runs.e), status: 'timeout', duration: null, dateCreated: iso(beganAt(runs.e)), dateUpdated: iso(pulseAt) },
        resolving: null,
        failures: [
          { id: uuidOf(runs.e), status: 'timeout', duration: null, dateCreated: iso(beganAt(runs.e)), dateUpdated: iso(pulseAt) },
          { id: missedRun('production', slot1), status: 'missed', duration: null, dateCreated: iso(slot1), dateUpdated: iso(slot1) },
        ],
      },
    });
    const resolved = await ok<Issue>(`issues/${issues[2]!.id}/`);
    const errorRun = { id: uuidOf(runs.c), status: 'error', duration: 2000, dateCreated: iso(beganAt(runs.c)), dateUpdated: iso(beganAt(runs.c)) };
    expect(resolved.checkIns).toEqual({
      opening: errorRun,
      resolving: { id: uuidOf(runs.d), status: 'ok', duration: 3000, dateCreated: iso(beganAt(runs.d)), dateUpdated: iso(beganAt(runs.d)) },
      failures: [errorRun],
    });
  });

  it('another organization sees none of them: 404 for this organization and for the issue', async () => {
    const issues = await ok<Issue[]>(`issues/?monitor=${slugA}`);
    const foreign = await get<ApiError>('issues/', other.token);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'unknown_organization']);
    const byId = await get<ApiError>(`issues/${issues[0]!.id}/`, other.token, other.slug);
    expect([byId.status, byId.body.error.code, byId.body.error.field]).toEqual([404, 'unknown_issue', 'issue']);
    expect((await get('issues/', other.token, other.slug)).body).toEqual([]);
    expect((await get('issues/not-an-id/')).status).toBe(404);
    expect((await get(`issues/${randomUUID()}/`)).status).toBe(404);
  });

  it('refuses bad filters with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['status=closed', 'status'],
      ['per_page=0', 'per_page'],
      ['per_page=101', 'per_page'],
      ['cursor=0:100:0', 'cursor'],
      ['project=no-such-project', 'project'],
      ['project=987654', 'project'],
      [`monitor=no-such-monitor-${randomUUID().slice(0, 6)}`, 'monitor'],
      ['environment=a%00b', 'environment'],
    ] as const) {
      const answer = await get<Partial<ApiError>>(`issues/?${query}`);
      expect([query, answer.status, answer.body.error?.field]).toEqual([query, 400, field]);
    }
  });
});

describe('monitor environments', () => {
  function runView(hex: string, status: string, duration: number | null, updated: number) {
    return { id: uuidOf(hex), status, duration, dateCreated: iso(beganAt(hex)), dateUpdated: iso(updated) };
  }

  it('each environment: the scheduler state, the last check-in, the next expected and the next five scheduled times in the monitor zone', async () => {
    const issues = await ok<Issue[]>(`issues/?monitor=${slugA}&status=open`);
    const openIssue = (environment: string) => issues.find((issue) => issue.environment === environment)?.id;
    const setupRun = (await vigil.api.checkins(slugA, { environment: SETUP_ENVIRONMENT }))[0]!;
    // After the pulse, event time is the pulse: slot 1 is settled (missed), slot 2 is expected.
    const afterPulse = [1, 2, 3, 4, 5].map((hours) => kolkata(slot1 + hours * HOUR));
    // The setup environment's event time is the wall clock: its slot 0 is settled by its check-in, and every
    // slot whose margin passed by now.
    const now = Date.now();
    const setupNext = Math.max(slot0, slotAtOrBefore(now - 5 * MINUTE)) + HOUR;
    const environments = await ok<unknown[]>(`monitors/${slugA}/environments/`);
    expect(environments).toEqual([
      {
        // Never judged (its check-in came before the scheduler started): no state, but its check-in counted for slot 0.
        name: SETUP_ENVIRONMENT,
        state: null,
        dateStateChanged: null,
        isMuted: false,
        openIssueId: null,
        lastCheckIn: setupRun.dateCreated,
        lastCheckInRun: { id: setupRun.id, status: 'ok', duration: null, dateCreated: setupRun.dateCreated, dateUpdated: setupRun.dateUpdated },
        nextCheckIn: iso(setupNext),
        nextCheckInLatest: iso(setupNext + 5 * MINUTE),
        timezone: 'Asia/Kolkata',
        nextScheduled: [1, 2, 3, 4, 5].map((hours) => kolkata(slotAtOrBefore(now) + hours * HOUR)),
      },
      {
        name: 'production',
        state: 'missed',
        dateStateChanged: iso(pulseAt),
        isMuted: false,
        openIssueId: openIssue('production'),
        lastCheckIn: iso(beganAt(runs.e)),
        lastCheckInRun: runView(runs.e, 'timeout', null, pulseAt),
        nextCheckIn: iso(slot1 + HOUR),
        nextCheckInLatest: iso(slot1 + HOUR + 5 * MINUTE),
        timezone: 'Asia/Kolkata',
        nextScheduled: afterPulse,
      },
      {
        name: 'staging',
        state: 'missed',
        dateStateChanged: iso(pulseAt),
        isMuted: false,
        openIssueId: openIssue('staging'),
        lastCheckIn: iso(beganAt(runs.f)),
        lastCheckInRun: runView(runs.f, 'ok', 10_000, beganAt(runs.f)),
        nextCheckIn: iso(slot1 + HOUR),
        nextCheckInLatest: iso(slot1 + HOUR + 5 * MINUTE),
        timezone: 'Asia/Kolkata',
        nextScheduled: afterPulse,
      },
    ]);
    expect(await ok(`monitors/${slugA}/environments/production/`)).toEqual(environments[1]);
  });

  it('an interval monitor counts from the minute of its check-in (no zone: UTC)', async () => {
    const anchor = Math.floor(beganAt(runs.g) / MINUTE) * MINUTE;
    const period = 10 * MINUTE;
    // Every slot whose one-minute margin passed by the pulse was missed; the next one is expected.
    const next = anchor + (Math.floor((pulseAt - MINUTE - anchor) / period) + 1) * period;
    const upcoming = anchor + (Math.floor((pulseAt - anchor) / period) + 1) * period;
    const production = await ok(`monitors/${slugB}/environments/production/`);
    expect(production).toMatchObject({
      state: 'missed',
      dateStateChanged: iso(pulseAt),
      lastCheckIn: iso(beganAt(runs.g)),
      nextCheckIn: iso(next),
      nextCheckInLatest: iso(next + MINUTE),
      timezone: 'UTC',
      nextScheduled: [0, 1, 2, 3, 4].map((k) => utc(upcoming + k * period)),
    });
  });

  it('404 for an unknown environment or monitor and for another organization', async () => {
    const unknownEnvironment = await get<ApiError>(`monitors/${slugA}/environments/nowhere/`);
    expect([unknownEnvironment.status, unknownEnvironment.body.error.field]).toEqual([404, 'environment']);
    expect((await get(`monitors/no-such-monitor/environments/`)).status).toBe(404);
    // Names no row can have (Postgres text holds no NUL) are unknown too, not a server error.
    expect((await get(`monitors/${slugA}/environments/a%00b/`)).status).toBe(404);
    expect((await get(`monitors/a%00b/environments/`)).status).toBe(404);
    expect((await get(`monitors/a%00b/timeline/`)).status).toBe(404);
    expect((await get(`monitors/${slugA}/environments/`, other.token)).status).toBe(404);
    expect((await get(`monitors/${slugA}/environments/`, other.token, other.slug)).status).toBe(404);
  });
});

describe('check-ins', () => {
  it('lists a run Vigil could not judge (its own pipeline was down) as unknown, dated at its slot', async () => {
    const listed = await ok<Array<Record<string, unknown>>>(`monitors/${slugB}/checkins/?environment=outage`);
    expect(listed).toEqual([
      expect.objectContaining({
        id: unknownEvent.checkin_id,
        environment: 'outage',
        status: 'unknown',
        duration: null,
        dateCreated: iso(unknownEvent.slot),
        dateUpdated: iso(unknownEvent.slot),
        expectedTime: iso(unknownEvent.slot),
      }),
    ]);
  });
});

describe('timeline', () => {
  const STATUSES = ['ok', 'error', 'missed', 'timeout', 'in_progress', 'unknown'] as const;
  type Entry = [at: number, status: (typeof STATUSES)[number], duration: number | null];

  /** Nearest rank, as the API documents it: the value at floor(level × n) of the sorted durations. */
  function percentiles(durations: number[]) {
    const sorted = [...durations].sort((a, b) => a - b);
    const at = (level: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(level * sorted.length))]!);
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
  }

  function counts(entries: Entry[]) {
    return Object.fromEntries(STATUSES.map((status) => [status, entries.filter((entry) => entry[1] === status).length]));
  }

  function expected(start: number, buckets: number, environment: string | null, entries: Entry[]) {
    const durations = (list: Entry[]) => list.flatMap((entry) => (entry[2] === null ? [] : [entry[2]]));
    return {
      start: iso(start),
      end: iso(start + buckets * HOUR),
      resolution: '1h',
      environment,
      totals: counts(entries),
      duration: percentiles(durations(entries)),
      buckets: Array.from({ length: buckets }, (_, index) => {
        const inside = entries.filter((entry) => entry[0] >= start + index * HOUR && entry[0] < start + (index + 1) * HOUR);
        return { start: iso(start + index * HOUR), counts: counts(inside), duration: percentiles(durations(inside)) };
      }),
    };
  }

  const range = () => ({ start: slot0 - 30 * MINUTE, end: slot1 + 30 * MINUTE });
  const query = (extra = '') =>
    `monitors/${slugA}/timeline/?start=${encodeURIComponent(iso(range().start))}&end=${encodeURIComponent(iso(range().end))}&resolution=1h${extra}`;
  const production = (): Entry[] => [
    [beganAt(runs.a), 'ok', 4000],
    [beganAt(runs.b), 'ok', 1000],
    [beganAt(runs.c), 'error', 2000],
    [beganAt(runs.d), 'ok', 3000],
    [beganAt(runs.e), 'timeout', null],
    [slot1, 'missed', null],
  ];

  it('one environment per hour: runs per status in the bucket where they began, empty buckets included, exact percentiles', async () => {
    expect(await ok(query('&environment=production'))).toEqual(expected(range().start, 2, 'production', production()));
  });

  it('every environment', async () => {
    const setupRun = (await vigil.api.checkins(slugA, { environment: SETUP_ENVIRONMENT }))[0]!;
    const all: Entry[] = [...production(), [beganAt(runs.f), 'ok', 10_000], [slot1, 'missed', null], [Date.parse(setupRun.dateCreated), 'ok', null]];
    const answer = await ok<Timeline>(query());
    expect(answer).toEqual(expected(range().start, 2, null, all));
    expect(answer.totals).toEqual({ ok: 5, error: 1, missed: 2, timeout: 1, in_progress: 0, unknown: 0 });
  });

  it('a range per day, and the default range (the last 24 hours per hour)', async () => {
    const daily = await ok<Timeline>(
      `monitors/${slugA}/timeline/?start=${encodeURIComponent(iso(range().start))}&end=${encodeURIComponent(iso(range().end))}&resolution=1d&environment=staging`,
    );
    expect(daily.buckets.map((bucket) => bucket.counts)).toEqual(
      daily.buckets.map((bucket) => {
        const start = Date.parse(bucket.start);
        const inside = (
          [
            [beganAt(runs.f), 'ok', 10_000],
            [slot1, 'missed', null],
          ] as Entry[]
        ).filter((entry) => entry[0] >= start && entry[0] < start + 24 * HOUR);
        return counts(inside);
      }),
    );
    const recent = await ok<Timeline>(`monitors/${slugA}/timeline/?environment=production`);
    expect([recent.resolution, recent.buckets.length]).toEqual(['1h', 25]);
    expect(recent.totals.error).toBe(1);
  });

  it('refuses a range too large or incomplete with a 400 naming the field', async () => {
    for (const [search, field] of [
      ['statsPeriod=91d', 'statsPeriod'],
      ['statsPeriod=60d&resolution=1h', 'resolution'],
      ['statsPeriod=yesterday', 'statsPeriod'],
      ['resolution=1m', 'resolution'],
      [`start=${encodeURIComponent(iso(range().start))}`, 'end'],
      [`start=${encodeURIComponent(iso(range().start))}&end=${encodeURIComponent(iso(range().start - HOUR))}`, 'end'],
      ['start=2026-01-01&end=2026-01-02', 'start'],
      ['environment=a%00b', 'environment'],
    ] as const) {
      const answer = await get<Partial<ApiError>>(`monitors/${slugA}/timeline/?${search}`);
      expect([search, answer.status, answer.body.error?.field]).toEqual([search, 400, field]);
    }
    expect((await get(`monitors/${slugA}/timeline/`, other.token, other.slug)).status).toBe(404);
    expect((await get(`monitors/${slugA}/timeline/`, other.token)).status).toBe(404);
  });
});
