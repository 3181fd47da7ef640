import { randomInt, randomUUID } from 'node:crypto';
import { ClickHouse, toClickHouseDateTime } from '@vigil/clickhouse';
import { testConfig } from '@vigil/testing';
import { CheckinHistoryRepository } from '../checkins/checkin-history.repository';
import { CheckHistoryRepository } from '../healthchecks/check-history.repository';
import { ProcessingErrorRepository } from '../processing-errors/processing-error.repository';

/**
 * The API's other ClickHouse reads, with exact answers: the Healthchecks view (activity, pings, a ping's body,
 * flips), processing errors, the check-ins list narrowed to environments and paged by key, and the monitors of an
 * environment. Beside history-reads.int-spec.ts, it runs on 18.16 (integration) and on current ClickHouse
 * (integration-clickhouse-current), so each of these queries is proven on both with the same expectations.
 */
const MINUTE = 60_000;
const T0 = Math.floor((Date.now() - 60 * MINUTE) / 1000) * 1000;
const PROJECT_ID = randomInt(1_000_000, 2_000_000);
const monitorId = randomUUID();
const run = { a: randomUUID(), b: randomUUID(), c: randomUUID(), d: randomUUID(), e: randomUUID(), missed: randomUUID(), unknown: randomUUID() };

interface SignalOptions {
  durationMs?: number;
  environment?: string;
  source?: 'ping' | 'scheduler';
  eventId?: string;
  runMatch?: 'exact' | 'latest_open';
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
}

function signal(checkinId: string, status: string, at: number, options: SignalOptions = {}) {
  return {
    event_id: options.eventId ?? randomUUID(),
    checkin_id: checkinId,
    organization_id: 'org',
    project_id: PROJECT_ID,
    monitor_id: monitorId,
    monitor_slug: 'nightly',
    environment: options.environment ?? 'production',
    status,
    duration_ms: options.durationMs ?? null,
    received_at: toClickHouseDateTime(at),
    received_at_ms: at,
    release: '',
    trace_id: '',
    source: options.source ?? 'ping',
    exit_status: null,
    body: options.body ?? '',
    body_encoding: options.bodyEncoding ?? 'utf8',
    remote_addr: '192.0.2.7',
    user_agent: 'curl/8.5.0',
    run_match: options.runMatch ?? 'exact',
  };
}

function change(from: string, to: string, at: number, offset: number) {
  return {
    event_id: `${monitorId}:${offset}`,
    organization_id: 'org',
    project_id: PROJECT_ID,
    monitor_id: monitorId,
    environment: 'production',
    from_state: from,
    to_state: to,
    at: toClickHouseDateTime(at),
    at_ms: at,
    kafka_offset: offset,
  };
}

function processingError(errorId: string, slug: string, at: number) {
  return {
    error_id: errorId,
    organization_id: 'org',
    project_id: PROJECT_ID,
    monitor_slug: slug,
    environment: slug === '' ? '' : 'production',
    source: 'sentry_envelope',
    error_codes: ['invalid_field'],
    errors: JSON.stringify([{ code: 'invalid_field', field: 'status', message: `bad status from ${slug || 'nowhere'}` }]),
    payload: slug === '' ? '' : `{"monitor_slug":"${slug}"}`,
    received_at: toClickHouseDateTime(at),
    received_at_ms: at,
  };
}

const duplicate = randomUUID();
const SIGNALS = [
  signal(run.a, 'in_progress', T0),
  signal(run.a, 'ok', T0 + MINUTE, { durationMs: 60_000, body: 'hello' }),
  signal(run.b, 'log', T0 + 5 * MINUTE, { body: '/wA=', bodyEncoding: 'base64' }),
  // A slot Vigil could not judge (its own pipeline was down, decision 0023): the scheduler's run, no ping, and no
  // state change (the check stays as it was: no flip).
  signal(run.unknown, 'unknown', T0 + 12 * MINUTE, { source: 'scheduler' }),
  // Delivered twice: one ping.
  signal(run.c, 'in_progress', T0 + 10 * MINUTE, { eventId: duplicate, runMatch: 'latest_open' }),
  signal(run.c, 'in_progress', T0 + 10 * MINUTE, { eventId: duplicate, runMatch: 'latest_open' }),
  // The scheduler's outcome and another environment are not the check's pings.
  signal(run.missed, 'missed', T0 + 15 * MINUTE, { source: 'scheduler' }),
  signal(randomUUID(), 'ok', T0 + 16 * MINUTE, { environment: 'staging', durationMs: 5 }),
  signal(run.d, 'error', T0 + 20 * MINUTE, { durationMs: 2_000 }),
  signal(run.e, 'in_progress', T0 + 30 * MINUTE),
];
const STATES = [
  change('new', 'ok', T0 + MINUTE, 1),
  change('ok', 'late', T0 + 14 * MINUTE, 2), // late is still up: no flip
  change('late', 'missed', T0 + 15 * MINUTE, 3),
  change('missed', 'paused', T0 + 25 * MINUTE, 4),
  change('paused', 'new', T0 + 28 * MINUTE, 5),
];
const errorIds = { first: randomUUID(), second: randomUUID(), third: randomUUID() };
const ERRORS = [
  processingError(errorIds.first, 'alpha', T0),
  processingError(errorIds.second, 'beta', T0 + MINUTE),
  processingError(errorIds.second, 'beta', T0 + MINUTE),
  processingError(errorIds.third, '', T0 + 2 * MINUTE),
];

const clickhouse = ClickHouse.connect(testConfig());

beforeAll(async () => {
  await clickhouse.insert('checkins', SIGNALS);
  await clickhouse.insert('monitor_states', STATES);
  await clickhouse.insert('processing_errors', ERRORS);
});

afterAll(async () => {
  await clickhouse.close();
});

describe('the Healthchecks view', () => {
  const checks = () => new CheckHistoryRepository(clickhouse);

  it("a check's activity: pings counted once each, the last result, what counted last and the runs open since the resume", async () => {
    const expected = {
      nPings: 6,
      // The last result (the error) came before the resume at T0+28m; the latest start came after it.
      lastPingMs: null,
      lastCountedMs: T0 + 30 * MINUTE,
      openStartMs: T0 + 30 * MINUTE,
      lastDurationMs: 2_000,
      state: 'new',
    };
    expect(await checks().activity(PROJECT_ID, monitorId)).toEqual(new Map([[monitorId, expected]]));
    expect(await checks().activity(PROJECT_ID)).toEqual(new Map([[monitorId, expected]]));
  });

  it('the pings, newest first, numbered from the oldest', async () => {
    const pings = await checks().pings(PROJECT_ID, monitorId);
    expect(pings.map((ping) => [ping.n, ping.status, ping.receivedAtMs, ping.runId, ping.runNamed, ping.durationMs, ping.hasBody])).toEqual([
      [6, 'in_progress', T0 + 30 * MINUTE, run.e, true, null, false],
      [5, 'error', T0 + 20 * MINUTE, run.d, true, 2_000, false],
      [4, 'in_progress', T0 + 10 * MINUTE, run.c, false, null, false],
      [3, 'log', T0 + 5 * MINUTE, run.b, true, null, true],
      [2, 'ok', T0 + MINUTE, run.a, true, 60_000, true],
      [1, 'in_progress', T0, run.a, true, null, false],
    ]);
    expect(pings[0]).toMatchObject({ remoteAddr: '192.0.2.7', userAgent: 'curl/8.5.0' });
  });

  it("a ping's body, as the bytes it posted", async () => {
    expect(await checks().pingBody(PROJECT_ID, monitorId, 1)).toEqual(Buffer.alloc(0));
    expect(await checks().pingBody(PROJECT_ID, monitorId, 2)).toEqual(Buffer.from('hello'));
    expect(await checks().pingBody(PROJECT_ID, monitorId, 3)).toEqual(Buffer.from([0xff, 0x00]));
    expect(await checks().pingBody(PROJECT_ID, monitorId, 7)).toBeNull();
  });

  it('flips between stored statuses, newest first, within a window', async () => {
    expect(await checks().flips(PROJECT_ID, monitorId, { fromMs: null, untilMs: null })).toEqual([
      { atMs: T0 + 28 * MINUTE, to: 'new' },
      { atMs: T0 + 25 * MINUTE, to: 'paused' },
      { atMs: T0 + 15 * MINUTE, to: 'missed' },
      { atMs: T0 + MINUTE, to: 'ok' },
    ]);
    expect(await checks().flips(PROJECT_ID, monitorId, { fromMs: T0 + 15 * MINUTE, untilMs: T0 + 28 * MINUTE })).toEqual([
      { atMs: T0 + 25 * MINUTE, to: 'paused' },
      { atMs: T0 + 15 * MINUTE, to: 'missed' },
    ]);
  });
});

describe('processing errors', () => {
  const errors = () => new ProcessingErrorRepository(clickhouse);

  it('newest first, a redelivered one once, by slug and by page', async () => {
    const all = await errors().list(PROJECT_ID, null, 0, 10);
    expect(all.map((entry) => [entry.id, entry.monitorSlug, entry.environment, entry.dateCreated])).toEqual([
      [errorIds.third, null, null, new Date(T0 + 2 * MINUTE).toISOString()],
      [errorIds.second, 'beta', 'production', new Date(T0 + MINUTE).toISOString()],
      [errorIds.first, 'alpha', 'production', new Date(T0).toISOString()],
    ]);
    expect(all[1]).toMatchObject({
      source: 'sentry_envelope',
      errors: [{ code: 'invalid_field', field: 'status', message: 'bad status from beta' }],
      payload: '{"monitor_slug":"beta"}',
    });
    expect(all[0]!.payload).toBeNull();
    expect((await errors().list(PROJECT_ID, 'alpha', 0, 10)).map((entry) => entry.id)).toEqual([errorIds.first]);
    expect((await errors().list(PROJECT_ID, null, 1, 1)).map((entry) => entry.id)).toEqual([errorIds.second]);
  });
});

describe('the check-ins list and the monitors of an environment', () => {
  const history = () => new CheckinHistoryRepository(clickhouse);
  const range = { startMs: T0 - MINUTE, endMs: null };

  it('runs of the environments asked for, newest first, a page after a key', async () => {
    const first = await history().listForMonitor(PROJECT_ID, monitorId, {
      environments: ['production'],
      range,
      window: { key: null, inclusive: false, direction: 'older', fetch: 3, empty: false },
    });
    // The run of logs alone is no check-in; the miss is the scheduler's run.
    expect(first.map((entry) => [entry.checkin_id, entry.status, entry.duration_ms, entry.date_created_ms, entry.date_updated_ms])).toEqual([
      [run.e, 'in_progress', null, T0 + 30 * MINUTE, T0 + 30 * MINUTE],
      [run.d, 'error', 2_000, T0 + 20 * MINUTE, T0 + 20 * MINUTE],
      [run.missed, 'missed', null, T0 + 15 * MINUTE, T0 + 15 * MINUTE],
    ]);
    const key = { createdMs: T0 + 15 * MINUTE, checkinId: run.missed, environment: 'production' };
    const older = await history().listForMonitor(PROJECT_ID, monitorId, {
      environments: ['production'],
      range,
      window: { key, inclusive: false, direction: 'older', fetch: 3, empty: false },
    });
    expect(older.map((entry) => [entry.checkin_id, entry.status, entry.date_updated_ms])).toEqual([
      [run.unknown, 'unknown', T0 + 12 * MINUTE],
      [run.c, 'in_progress', T0 + 10 * MINUTE],
      [run.a, 'ok', T0 + MINUTE],
    ]);
    const newer = await history().listForMonitor(PROJECT_ID, monitorId, {
      environments: ['production', 'staging'],
      range,
      window: { key, inclusive: true, direction: 'newer', fetch: 2, empty: false },
    });
    expect(newer.map((entry) => [entry.checkin_id, entry.environment])).toEqual([
      [run.missed, 'production'],
      [expect.any(String), 'staging'],
    ]);
  });

  it('the monitors that checked in from an environment', async () => {
    expect(await history().monitorsIn([PROJECT_ID], ['staging'])).toEqual([monitorId]);
    expect(await history().monitorsIn([PROJECT_ID, PROJECT_ID + 1], ['nowhere'])).toEqual([]);
  });
});
