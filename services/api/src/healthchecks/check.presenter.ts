import type { TrackState } from '@vigil/contracts';
import type { IntervalUnit, MonitorStatus, ScheduleType } from '@vigil/db';
import { expectationOf, ScheduleRegistry, type ScheduleSpec, type SlotRule } from '@vigil/schedule';
import { secondsOfInterval } from './check-spec';
import { checkStatus } from './check-status';
import { uniqueKeyOf } from './unique-key';

/** A monitor as the Healthchecks API shows it, from Postgres. */
export interface CheckRecord {
  id: string;
  projectId: number;
  pingUuid: string;
  name: string;
  slug: string;
  tags: string;
  description: string;
  status: MonitorStatus;
  manualResume: boolean;
  scheduleType: ScheduleType;
  scheduleCrontab: string | null;
  scheduleIntervalValue: number | null;
  scheduleIntervalUnit: IntervalUnit | null;
  /** Minutes; null: the scheduler's default of one minute. */
  checkinMargin: number | null;
  timezone: string;
  /** Ids of the integrations that alert for its `production` environment. */
  channels: string[];
  /** Healthchecks' rules (`timeout_from_margin`: made by a ping URL or this API): see the scheduler's `Track`, rule 8. */
  healthchecksRules: boolean;
}

/** What history stored of the check's `production` environment (ClickHouse), before the pause rules apply. */
export interface ActivityFacts {
  nPings: number;
  /** The latest success or failure. */
  lastPingMs: number | null;
  /** The first signal of the latest run (what the scheduler counted last for crontab and Sentry intervals). */
  lastCountedMs: number | null;
  lastDurationMs: number | null;
  /** The latest start of each run still open (not closed, not timed out by the scheduler). */
  openStartsMs: number[];
  state: TrackState | null;
  /** The scheduler's latest change to or from `paused`; null: none. */
  pausedOrResumedMs: number | null;
  /** The scheduler's latest change from `paused` (a resume); null: none. */
  resumedMs: number | null;
}

/** What the API shows of the check's `production` environment. */
export interface CheckActivity {
  /** Every check-in received, of any kind (Healthchecks counts starts, logs and ignored pings too). */
  nPings: number;
  /** The latest success or failure since the check was last resumed (Healthchecks' last_ping); null: none. */
  lastPingMs: number | null;
  /** When the scheduler's deadline counts from: see `ActivityFacts.lastCountedMs`, since the last resume. */
  lastCountedMs: number | null;
  /** The earliest start of a run still open, since the check was last paused or resumed (Healthchecks' `started`); else null. */
  openStartMs: number | null;
  /** The duration history resolved for the latest success or failure; null when it closed no start. */
  lastDurationMs: number | null;
  /** The latest state the scheduler published; null: none yet. */
  state: TrackState | null;
}

export const NO_ACTIVITY: CheckActivity = { nPings: 0, lastPingMs: null, lastCountedMs: null, openStartMs: null, lastDurationMs: null, state: null };

/**
 * Healthchecks' pause and resume rules over what history stored: resuming clears `last_ping` (the check is
 * `new` again), and pausing or resuming clears a running start (the scheduler never times out a run that was
 * open across a pause). The boundaries are the scheduler's own changes to and from `paused`, dated at the
 * track's clock, which is never behind a check-in the track applied before the change: a start at or before
 * it was open across it. A check-in the scheduler counted since the resume (it is up, late or down by a
 * missed slot) is a last ping whatever its time says.
 */
export function activityFrom(facts: ActivityFacts): CheckActivity {
  const countedSinceResume = facts.state !== null && facts.state !== 'new' && facts.state !== 'paused' && facts.state !== 'timeout';
  const sinceResume = (at: number | null): number | null =>
    at !== null && (facts.resumedMs === null || at > facts.resumedMs || countedSinceResume) ? at : null;
  const open = facts.openStartsMs.filter((at) => facts.pausedOrResumedMs === null || at > facts.pausedOrResumedMs);
  return {
    nPings: facts.nPings,
    lastPingMs: sinceResume(facts.lastPingMs),
    lastCountedMs: sinceResume(facts.lastCountedMs),
    openStartMs: open.length > 0 ? Math.min(...open) : null,
    lastDurationMs: facts.lastDurationMs,
    state: facts.state,
  };
}

export interface CheckLinks {
  /** VIGIL_PUBLIC_INGEST_URL: ping URLs. */
  ingestUrl: string;
  /** VIGIL_PUBLIC_API_URL: update, pause and resume URLs. */
  apiUrl: string;
}

/** Healthchecks writes times as Python's isoformat: `2026-01-02T03:04:05+00:00`, milliseconds only where it keeps them. */
export function hcTime(epochMs: number, withMilliseconds = false): string {
  const iso = new Date(epochMs).toISOString();
  return `${withMilliseconds ? iso.slice(0, 23) : iso.slice(0, 19)}+00:00`;
}

/** Healthchecks' `grace` in seconds. */
export function graceSeconds(record: Pick<CheckRecord, 'checkinMargin'>): number {
  return (record.checkinMargin ?? 1) * 60;
}

/** Healthchecks' `timeout` of an interval monitor in seconds; null for a cron monitor. */
export function timeoutSeconds(record: Pick<CheckRecord, 'scheduleType' | 'scheduleIntervalValue' | 'scheduleIntervalUnit'>): number | null {
  if (record.scheduleType !== 'interval') return null;
  return secondsOfInterval(record.scheduleIntervalValue ?? 1, record.scheduleIntervalUnit ?? 'day');
}

/** Rules shared with the scheduler (the same objects its tracks use), so next_ping is its deadline. */
const rules = new ScheduleRegistry();

/** The schedule as the scheduler reads it; null when the stored one cannot be (never written so). */
function ruleOf(record: CheckRecord): SlotRule | null {
  const spec: ScheduleSpec | null =
    record.scheduleType === 'crontab'
      ? record.scheduleCrontab === null
        ? null
        : { type: 'crontab', value: record.scheduleCrontab, timezone: record.timezone }
      : { type: 'interval', value: record.scheduleIntervalValue ?? 1, unit: record.scheduleIntervalUnit ?? 'day' };
  if (spec === null) return null;
  try {
    return rules.rule(spec, { exactIntervals: record.healthchecksRules });
  } catch {
    return null;
  }
}

/**
 * When the grace time starts (Healthchecks' `next_ping`), as the scheduler judges it: for a check that is up
 * (or in its grace time), the slot after the last counted check-in under the scheduler's own rule (for a
 * Healthchecks period: the last success or failure plus the period, to the millisecond; for a cron schedule,
 * its next time); a run still open brings it forward to its start (the grace time then counts from the
 * start), also for a check that is still `new`. Null otherwise.
 */
export function nextPingMs(record: CheckRecord, activity: CheckActivity): number | null {
  const status = checkStatus(record.status, activity.state);
  if (status === 'new') return activity.openStartMs;
  if (status !== 'up' && status !== 'grace') return null;
  let next: number | null = null;
  const counted = record.healthchecksRules && record.scheduleType === 'interval' ? activity.lastPingMs : activity.lastCountedMs;
  const rule = ruleOf(record);
  if (counted !== null && rule !== null) {
    // No settling of misses: a check that is up or in its grace time has had none since its last counted check-in.
    const expectation = expectationOf({ rule, countedAt: [counted], marginMs: 0, now: counted });
    if (expectation !== null) next = expectation.nextExpected;
  }
  if (activity.openStartMs !== null) next = next === null ? activity.openStartMs : Math.min(next, activity.openStartMs);
  return next;
}

/**
 * The pause and resume rules before the scheduler has published its change: a check just paused has no
 * running start, and an active check whose latest state is still `paused` was just resumed (no last ping, no
 * start). Once the change is published, `activityFrom` applies them from its time.
 */
export function withPauseRules(record: Pick<CheckRecord, 'status'>, activity: CheckActivity): CheckActivity {
  if (record.status !== 'active') return activity.state === 'paused' || activity.openStartMs === null ? activity : { ...activity, openStartMs: null };
  if (activity.state === 'paused') return { ...activity, lastPingMs: null, lastCountedMs: null, openStartMs: null };
  return activity;
}

/**
 * A check in Healthchecks' API v3 shape. A read-write key sees the uuid (the ping credential), the URLs and
 * the channels; a read-only key sees `unique_key` instead. Fields Vigil does not model are shown with the
 * value that means "off" (it refuses any other when they are written). No `badge_url`: Vigil has no badges.
 */
export function presentCheck(record: CheckRecord, seen: CheckActivity, readOnly: boolean, links: CheckLinks): Record<string, unknown> {
  const activity = withPauseRules(record, seen);
  const next = nextPingMs(record, activity);
  const check: Record<string, unknown> = {
    name: record.name,
    slug: record.slug,
    tags: record.tags,
    desc: record.description,
    grace: graceSeconds(record),
    n_pings: activity.nPings,
    status: checkStatus(record.status, activity.state),
    started: activity.openStartMs !== null,
    last_ping: activity.lastPingMs === null ? null : hcTime(activity.lastPingMs),
    next_ping: next === null ? null : hcTime(next),
    manual_resume: record.manualResume,
    methods: '',
    subject: '',
    subject_fail: '',
    start_kw: '',
    success_kw: '',
    failure_kw: '',
    filter_subject: false,
    filter_body: false,
    filter_http_body: false,
    filter_default_fail: false,
  };
  if (activity.lastDurationMs !== null && activity.lastDurationMs > 0) check['last_duration'] = Math.floor(activity.lastDurationMs / 1000);
  if (readOnly) {
    check['unique_key'] = uniqueKeyOf(record.pingUuid);
  } else {
    const updateUrl = `${links.apiUrl.replace(/\/+$/, '')}/api/v3/checks/${record.pingUuid}`;
    check['uuid'] = record.pingUuid;
    check['ping_url'] = `${links.ingestUrl.replace(/\/+$/, '')}/ping/${record.pingUuid}`;
    check['update_url'] = updateUrl;
    check['pause_url'] = `${updateUrl}/pause`;
    check['resume_url'] = `${updateUrl}/resume`;
    check['channels'] = [...record.channels].sort().join(',');
  }
  const timeout = timeoutSeconds(record);
  if (timeout !== null) {
    check['timeout'] = timeout;
  } else {
    check['schedule'] = record.scheduleCrontab ?? '';
    check['tz'] = record.timezone;
  }
  return check;
}
