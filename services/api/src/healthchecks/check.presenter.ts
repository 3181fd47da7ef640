import type { TrackState } from '@vigil/contracts';
import type { IntervalUnit, MonitorStatus, ScheduleType } from '@vigil/db';
import { parseSchedule, ScheduleError } from '@vigil/schedule';
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
}

/** What history knows of the check's `production` environment (ClickHouse). */
export interface CheckActivity {
  /** Every check-in received, of any kind (Healthchecks counts starts and logs too). */
  nPings: number;
  /** The latest success or failure (Healthchecks' last_ping); null: none. */
  lastPingMs: number | null;
  /** The latest start, when it is the latest signal (a run is open: Healthchecks' `started`); else null. */
  openStartMs: number | null;
  /** The duration history resolved for the latest success or failure; null when it closed no start. */
  lastDurationMs: number | null;
  /** The latest state the scheduler published; null: none yet. */
  state: TrackState | null;
}

export const NO_ACTIVITY: CheckActivity = { nPings: 0, lastPingMs: null, openStartMs: null, lastDurationMs: null, state: null };

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

/**
 * When the next ping is expected, as Healthchecks computes it: for a check that is up (or in its grace time),
 * the last ping plus the period, or the next cron time after the last ping in the check's zone; a run still
 * open brings it forward to its start (the grace time then counts from the start). Null otherwise.
 */
export function nextPingMs(record: CheckRecord, activity: CheckActivity): number | null {
  const status = checkStatus(record.status, activity.state);
  if (status !== 'up' && status !== 'grace') return null;
  let next: number | null = null;
  if (activity.lastPingMs !== null) {
    const timeout = timeoutSeconds(record);
    if (timeout !== null) next = activity.lastPingMs + timeout * 1000;
    else if (record.scheduleCrontab) next = nextCronTime(record.scheduleCrontab, record.timezone, activity.lastPingMs);
  }
  if (activity.openStartMs !== null) next = next === null ? activity.openStartMs : Math.min(next, activity.openStartMs);
  return next;
}

/**
 * The next slot of a stored crontab, or null when there is none (a wildcard expression every match of which DST
 * skips) or the expression no longer parses (stored before the grammar became cronsim's; decision 0017).
 */
function nextCronTime(expression: string, timezone: string, after: number): number | null {
  try {
    const next = parseSchedule({ type: 'crontab', value: expression, timezone }).nextAfter(after);
    return Number.isFinite(next) ? next : null;
  } catch (error) {
    if (error instanceof ScheduleError) return null;
    throw error;
  }
}

/**
 * A check in Healthchecks' API v3 shape. A read-write key sees the uuid (the ping credential), the URLs and
 * the channels; a read-only key sees `unique_key` instead. Fields Vigil does not model are shown with the
 * value that means "off" (it refuses any other when they are written). No `badge_url`: Vigil has no badges.
 */
export function presentCheck(record: CheckRecord, activity: CheckActivity, readOnly: boolean, links: CheckLinks): Record<string, unknown> {
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
