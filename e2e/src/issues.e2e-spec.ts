import { randomUUID } from 'node:crypto';
import type { IssueEventV1, RunResultKind } from '@vigil/contracts';
import { createDataSource } from '@vigil/db';
import { resetTestTopics, ServiceProcess, testConfig } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { EventTimeline, IssueFeed, uniqueSlug, Vigil, type SentryMonitorConfig } from './support';

/**
 * Issues from failure and recovery thresholds, end to end: ingest, scheduler, history and issues run as real
 * processes; monitors are created through ingest with `failure_issue_threshold` and `recovery_threshold` in
 * their monitor_config. The clock is the test's (as in scheduler-scenarios.e2e-spec.ts): the scheduler writes no
 * pulses, the test writes check-ins and pulses with chosen event times, so thirteen hours pass in seconds.
 *
 * Every track lives the same hours, one run result each: ok, error, missed, ok, timeout, missed, error, ok, ok,
 * error, ok, ok, ok. Misses come from pulses (nothing checked in before slot + margin), errors and oks from
 * check-ins (some as a start and a finish: starts count for nothing), the timeout from a start never finished.
 * Thresholds 1, 2 and 3 each see a different story; a muted monitor and a muted environment see threshold 1's,
 * muted. Run results are also written again straight to the topic, as a retrying scheduler would: they must not
 * count twice.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Hourly, missed 5 minutes after the hour, timed out 30 minutes after a start. */
const HOURLY: SentryMonitorConfig = { schedule: { type: 'crontab', value: '0 * * * *' }, checkin_margin: 5, max_runtime: 30 };
/** The result of each hour: O ok, E error, M missed, T timeout. */
const HOURS = ['O', 'E', 'M', 'O', 'T', 'M', 'E', 'O', 'O', 'E', 'O', 'O', 'O'] as const;
/** The scheduler records no `unknown` here: no outage guard incident happens in this timeline. */
const KIND: Record<(typeof HOURS)[number], Exclude<RunResultKind, 'unknown'>> = { O: 'ok', E: 'error', M: 'missed', T: 'timeout' };
/** Hours whose ok or error is a run with a start (in_progress first, the result a minute later). */
const STARTED_RUNS = new Set([7, 9]);
/** The pulse closing hour h: past its miss deadline (+5 min) and past the timeout of a start at +10 s (+30 min). */
const PULSE_AFTER = 40 * MINUTE;
/** Written again after hour 6 and after hour 12 (the run results that opened or grew an issue). */
const REPEATED_AFTER_HOUR_6 = [5, 6];
const REPEATED_AT_END = [9];

/** One issue as a threshold sees this timeline: the hours of the results that opened, grew and resolved it. */
interface ExpectedIssue {
  opened: number;
  updated: number[];
  resolved: number;
}

const EXPECTED: Record<1 | 2 | 3, ExpectedIssue[]> = {
  // Every failure opens or grows an issue, every ok resolves it.
  1: [
    { opened: 1, updated: [2], resolved: 3 },
    { opened: 4, updated: [5, 6], resolved: 7 },
    { opened: 9, updated: [], resolved: 10 },
  ],
  // Error and missed open it; the ok at 3 is one short of recovery; the error at 9 alone opens nothing.
  2: [{ opened: 2, updated: [4, 5, 6], resolved: 8 }],
  // Error and missed (1, 2) are broken by the ok at 3; timeout, missed, error (4 to 6) open it; the error at 9
  // breaks the first recovery streak, 10 to 12 complete the second.
  3: [{ opened: 6, updated: [9], resolved: 12 }],
};

/** A row of `issues` as the test reads it. */
interface IssueRow {
  id: string;
  status: string;
  failure_count: number;
  opening_checkin_id: string;
  opening_status: string;
  opened_at: Date;
  last_failure_at: Date;
  resolving_checkin_id: string | null;
  resolved_at: Date | null;
}

interface TrackSpec {
  label: string;
  monitor: 'threshold-1' | 'threshold-2' | 'threshold-3' | 'muted';
  threshold: 1 | 2 | 3;
  environment: string;
  muted: boolean;
}

const TRACKS: TrackSpec[] = [
  { label: 'threshold 1', monitor: 'threshold-1', threshold: 1, environment: 'production', muted: false },
  { label: 'threshold 2', monitor: 'threshold-2', threshold: 2, environment: 'production', muted: false },
  { label: 'threshold 3', monitor: 'threshold-3', threshold: 3, environment: 'production', muted: false },
  { label: 'muted monitor', monitor: 'muted', threshold: 1, environment: 'production', muted: true },
  { label: 'muted environment', monitor: 'threshold-1', threshold: 1, environment: 'quiet', muted: true },
];

/** What one hour of one track produced: the run result the issues service should have counted. */
interface HourResult {
  hour: number;
  kind: RunResultKind;
  eventId: string;
  checkinId: string;
  at: number;
}

interface Track extends TrackSpec {
  monitorId: string;
  slug: string;
  results: HourResult[];
}

let vigil: Vigil;
let db: DataSource;
let timeline: EventTimeline;
let feed: IssueFeed;
const services: ServiceProcess[] = [];
const monitors = new Map<TrackSpec['monitor'], { id: string; slug: string }>();
let tracks: Track[] = [];
let base = 0;

function offsetLabel(at: number): string {
  const ms = at - base;
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.floor((ms - hours * HOUR) / MINUTE);
  const seconds = Math.round((ms - hours * HOUR - minutes * MINUTE) / SECOND);
  return `+${hours}h${String(minutes).padStart(2, '0')}m${String(seconds).padStart(2, '0')}s`;
}

/** Writes hour h of every track: its check-ins (none for a miss), then the pulse that closes the hour. */
async function writeHour(hour: number): Promise<void> {
  const slot = base + hour * HOUR;
  const kind = KIND[HOURS[hour]!];
  await Promise.all(
    tracks.map(async (track) => {
      const checkin = (status: 'in_progress' | 'ok' | 'error', at: number, checkinId: string) =>
        timeline.checkin({
          projectId: Number(vigil.credentials.VIGIL_PROJECT_ID),
          monitorId: track.monitorId,
          slug: track.slug,
          environment: track.environment,
          status,
          checkinId,
          at,
        });
      const checkinId = randomUUID();
      if (kind === 'missed') {
        track.results.push({
          hour,
          kind,
          eventId: `${track.monitorId}:${track.environment}:${slot}:missed`,
          checkinId: '(minted by the scheduler)',
          at: slot + PULSE_AFTER,
        });
      } else if (kind === 'timeout') {
        await checkin('in_progress', slot + 10 * SECOND, checkinId);
        track.results.push({ hour, kind, eventId: `${track.monitorId}:${track.environment}:${checkinId}:timeout`, checkinId, at: slot + PULSE_AFTER });
      } else if (STARTED_RUNS.has(hour)) {
        await checkin('in_progress', slot + 10 * SECOND, checkinId);
        const finish = await checkin(kind, slot + 70 * SECOND, checkinId);
        track.results.push({ hour, kind, eventId: finish.event_id, checkinId, at: finish.received_at });
      } else {
        const heartbeat = await checkin(kind, slot + 10 * SECOND, checkinId);
        track.results.push({ hour, kind, eventId: heartbeat.event_id, checkinId, at: heartbeat.received_at });
      }
    }),
  );
  await timeline.pulse(slot + PULSE_AFTER);
}

async function caughtUp(): Promise<void> {
  await timeline.caughtUp();
  await feed.caughtUp();
}

/** Writes the run results of these hours of every track to the topic again, as the scheduler published them. */
async function repeatResults(hours: readonly number[]): Promise<void> {
  for (const track of tracks) {
    for (const hour of hours) await feed.repeat(feed.result(track.results[hour]!.eventId));
  }
  await feed.caughtUp();
}

function result(track: Track, hour: number): HourResult {
  const found = track.results[hour];
  if (!found) throw new Error(`${track.label}: no result for hour ${hour}`);
  return found;
}

/** An event as a line to compare: kind, the hour and kind of its result, the count, the issue's times, the mute. */
function describeEvent(track: Track, event: IssueEventV1): string {
  const cause = track.results.find((candidate) => candidate.checkinId === event.checkin_id);
  const resolved = event.resolved_at === null ? '' : ` resolved ${offsetLabel(event.resolved_at)}`;
  return `${event.kind} by ${cause ? `h${cause.hour} ${cause.kind}` : `unknown run ${event.checkin_id}`} count ${event.failure_count}, opened ${offsetLabel(event.opened_at)}${resolved}${event.muted ? ', muted' : ''}`;
}

function expectedEvents(track: Track): { lines: string[]; eventIds: string[] } {
  const lines: string[] = [];
  const eventIds: string[] = [];
  for (const issue of EXPECTED[track.threshold]) {
    const opening = result(track, issue.opened);
    const muted = track.muted ? ', muted' : '';
    const opened = offsetLabel(opening.at);
    let count = track.threshold;
    lines.push(`issue.opened by h${issue.opened} ${opening.kind} count ${count}, opened ${opened}${muted}`);
    eventIds.push(`issue.opened:${opening.eventId}`);
    for (const hour of issue.updated) {
      count += 1;
      lines.push(`issue.updated by h${hour} ${result(track, hour).kind} count ${count}, opened ${opened}${muted}`);
      eventIds.push(`issue.updated:${result(track, hour).eventId}`);
    }
    const resolving = result(track, issue.resolved);
    lines.push(`issue.resolved by h${issue.resolved} ok count ${count}, opened ${opened} resolved ${offsetLabel(resolving.at)}${muted}`);
    eventIds.push(`issue.resolved:${resolving.eventId}`);
  }
  return { lines, eventIds };
}

function eventsOf(track: Track): IssueEventV1[] {
  return feed.events.filter((event) => event.monitor_id === track.monitorId && event.environment === track.environment);
}

beforeAll(async () => {
  // The scheduler's partition clocks only move forward: start from empty topics, whatever ran before.
  await resetTestTopics(testConfig());
  vigil = await Vigil.start();
  db = createDataSource(testConfig(), { poolSize: 1 });
  await db.initialize();
  // Created before the scheduler starts (at the latest offset), so their setup check-ins are not judged.
  for (const [name, threshold] of [
    ['threshold-1', 1],
    ['threshold-2', 2],
    ['threshold-3', 3],
    ['muted', 1],
  ] as const) {
    const slug = uniqueSlug(`issues-${name}`);
    await vigil.createMonitor(slug, { ...HOURLY, failure_issue_threshold: threshold, recovery_threshold: threshold });
    monitors.set(name, { id: await vigil.monitorId(slug), slug });
  }
  await db.query('UPDATE monitors SET is_muted = true WHERE id = $1', [monitors.get('muted')!.id]);
  await db.query(`INSERT INTO monitor_environments (monitor_id, environment, is_muted) VALUES ($1, 'quiet', true)`, [monitors.get('threshold-1')!.id]);
  tracks = TRACKS.map((spec) => ({ ...spec, monitorId: monitors.get(spec.monitor)!.id, slug: monitors.get(spec.monitor)!.slug, results: [] }));

  timeline = await EventTimeline.start(testConfig());
  feed = await IssueFeed.start(testConfig());
  const schedulerEnv = {
    ...vigil.env,
    VIGIL_SCHEDULER_PULSE_MS: '0',
    // The test's clock runs days ahead of the beats of the ingest it started: the outage guard would rightly read
    // that as ingest's silence and record every miss as unknown (decision 0023; outage-guard.e2e-spec.ts tests it).
    VIGIL_OUTAGE_GUARD: 'off',
    VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS: String(90 * DAY),
  };
  services.push(...(await Promise.all([ServiceProcess.start('scheduler', schedulerEnv), ServiceProcess.start('issues', vigil.env)])));
  base = Math.ceil((Date.now() + 2 * DAY) / (2 * HOUR)) * 2 * HOUR;

  for (let hour = 0; hour <= 6; hour += 1) await writeHour(hour);
  await caughtUp();
  await repeatResults(REPEATED_AFTER_HOUR_6);
  for (let hour = 7; hour < HOURS.length; hour += 1) await writeHour(hour);
  await caughtUp();
  await repeatResults(REPEATED_AT_END);

  // Misses got their check-in ids from the scheduler: take them from the run results it published.
  for (const track of tracks) {
    for (const hour of track.results.filter((candidate) => candidate.kind === 'missed')) hour.checkinId = feed.result(hour.eventId).checkin_id;
  }
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([feed?.stop(), timeline?.stop(), ...services.map((service) => service.stop())]);
  await vigil?.stop();
  await db?.destroy();
  // Leave no clock thirteen hours into the future for the tests after this one.
  await resetTestTopics(testConfig());
}, 120_000);

describe('issues from failure and recovery thresholds', () => {
  it.each(TRACKS.map((spec) => [spec.label, spec] as const))('%s: the issue events, in order, with their deterministic ids', (_label, spec) => {
    const track = tracks.find((candidate) => candidate.label === spec.label)!;
    const events = eventsOf(track);
    const expected = expectedEvents(track);
    try {
      expect(events.map((event) => describeEvent(track, event))).toEqual(expected.lines);
    } catch (error) {
      console.log(
        `${track.label}: issue events read, in order:\n${events.map((event) => `  ${event.event_id}`).join('\n') || '  none'}\n${services.map((service) => `--- ${service.name} ---\n${service.logs}`).join('\n')}`,
      );
      throw error;
    }
    // `<issue_id>:<kind>:<run result event_id>`, one issue id per issue.
    expect(events.map((event) => event.event_id)).toEqual(events.map((event, index) => `${event.issue_id}:${expected.eventIds[index]}`));
    expect(new Set(events.map((event) => event.issue_id)).size).toBe(EXPECTED[track.threshold].length);
  });

  it.each(TRACKS.map((spec) => [spec.label, spec] as const))(
    '%s: the issues in Postgres, with their opening and resolving runs and times',
    async (_label, spec) => {
      const track = tracks.find((candidate) => candidate.label === spec.label)!;
      const rows = await db.query<IssueRow[]>(
        `SELECT id, status, failure_count, opening_checkin_id, opening_status, opened_at, last_failure_at, resolving_checkin_id, resolved_at
         FROM issues WHERE monitor_id = $1 AND environment = $2 ORDER BY opened_at`,
        [track.monitorId, track.environment],
      );
      const observed = rows.map((row) => ({
        status: row.status,
        failure_count: row.failure_count,
        opening: `${row.opening_status} ${row.opening_checkin_id}`,
        opened_at: offsetLabel(row.opened_at.getTime()),
        last_failure_at: offsetLabel(row.last_failure_at.getTime()),
        resolving_checkin_id: row.resolving_checkin_id,
        resolved_at: row.resolved_at === null ? null : offsetLabel(row.resolved_at.getTime()),
      }));
      const wanted = EXPECTED[track.threshold].map((issue) => {
        const opening = result(track, issue.opened);
        const lastFailure = result(track, issue.updated.at(-1) ?? issue.opened);
        const resolving = result(track, issue.resolved);
        return {
          status: 'resolved',
          failure_count: track.threshold + issue.updated.length,
          opening: `${opening.kind} ${opening.checkinId}`,
          opened_at: offsetLabel(opening.at),
          last_failure_at: offsetLabel(lastFailure.at),
          resolving_checkin_id: resolving.checkinId,
          resolved_at: offsetLabel(resolving.at),
        };
      });
      expect(observed).toEqual(wanted);
      // The rows are the issues the events name.
      expect(rows.map((row) => row.id).sort()).toEqual([...new Set(eventsOf(track).map((event) => event.issue_id))].sort());
      const [trackRow] = await db.query<Array<Record<string, unknown>>>(
        'SELECT consecutive_failures, consecutive_oks, open_issue_id FROM issue_tracks WHERE monitor_id = $1 AND environment = $2',
        [track.monitorId, track.environment],
      );
      expect(trackRow).toEqual({ consecutive_failures: 0, consecutive_oks: 3, open_issue_id: null });
    },
  );

  it('run results written to the topic again were on it twice, and counted once', () => {
    for (const track of tracks) {
      for (const hour of [...REPEATED_AFTER_HOUR_6, ...REPEATED_AT_END]) {
        const eventId = result(track, hour).eventId;
        expect(`${track.label} h${hour}: ${feed.results.filter((candidate) => candidate.event_id === eventId).length} on the topic`).toBe(
          `${track.label} h${hour}: 2 on the topic`,
        );
      }
    }
    // Counted once: the event sequences above have no extra update, and no result caused two events of one kind.
    const causes = feed.events.filter((event) => tracks.some((track) => track.monitorId === event.monitor_id)).map((event) => event.event_id);
    expect(causes.length).toBe(new Set(causes).size);
  });
});
