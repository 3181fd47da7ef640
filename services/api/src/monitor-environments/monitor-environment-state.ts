import type { TrackState } from '@vigil/contracts';
import type { MonitorEntity } from '@vigil/db';
import { checkinMarginMs, expectationOf, isoInZone, ScheduleRegistry, upcomingSlots, type ScheduleSpec, type SlotRule } from '@vigil/schedule';
import type { EnvironmentFacts, EnvironmentRun } from './monitor-environment.repository';

/** How many scheduled times the API shows ahead. */
export const UPCOMING_SLOTS = 5;

/** The monitor settings the state of an environment depends on. */
export type MonitorTiming = Pick<
  MonitorEntity,
  'status' | 'scheduleType' | 'scheduleCrontab' | 'scheduleIntervalValue' | 'scheduleIntervalUnit' | 'checkinMargin' | 'timezone'
> &
  Partial<Pick<MonitorEntity, 'timeoutFromMargin'>>;

export interface EnvironmentState {
  name: string;
  /** The scheduler's latest judgement; null when it has published none for this environment. */
  state: TrackState | null;
  stateChangedAt: number | null;
  isMuted: boolean;
  openIssueId: string | null;
  /** When the open issue opened (Sentry's activeIncident.startingTimestamp). */
  openIssueAt: number | null;
  lastCheckIn: EnvironmentRun | null;
  nextCheckIn: number | null;
  nextCheckInLatest: number | null;
  /** The next scheduled times after now, as RFC 3339 strings in the monitor's time zone. */
  nextScheduled: string[];
}

/** The monitor's schedule as the scheduler reads it; null when the stored one cannot be (never written so). */
export function scheduleSpecOf(monitor: MonitorTiming): ScheduleSpec | null {
  if (monitor.scheduleType === 'crontab')
    return monitor.scheduleCrontab === null ? null : { type: 'crontab', value: monitor.scheduleCrontab, timezone: monitor.timezone };
  if (monitor.scheduleIntervalValue === null || monitor.scheduleIntervalUnit === null) return null;
  return { type: 'interval', value: monitor.scheduleIntervalValue, unit: monitor.scheduleIntervalUnit };
}

/** The scheduler's slot rule for the monitor's schedule; null when it cannot be made. */
export function ruleOf(monitor: MonitorTiming, registry: ScheduleRegistry): SlotRule | null {
  const spec = scheduleSpecOf(monitor);
  if (!spec) return null;
  try {
    return registry.rule(spec, { exactIntervals: monitor.timeoutFromMargin === true });
  } catch {
    return null;
  }
}

/**
 * An environment's state as the API shows it, from what history recorded (`facts`) and the monitor's settings.
 * Pure: `now` is the wall clock, and event time is never behind the latest change the scheduler published or
 * the latest check-in (clocks of hosts differ; tests run ahead).
 * - Nothing is expected of a paused or disabled monitor, of a track the scheduler judges `new` or `paused`,
 *   or of one without a counted check-in.
 * - The next expected check-in and the time it is missed come from `expectationOf` (libs/schedule), with the
 *   scheduler's slot rules and margin defaults.
 * - `upcoming` scheduled times are listed (none where they are not shown: the monitor serializer has no field for them).
 */
export function environmentState(
  name: string,
  facts: EnvironmentFacts,
  monitor: MonitorTiming,
  now: number,
  registry = new ScheduleRegistry(),
  upcoming = UPCOMING_SLOTS,
): EnvironmentState {
  // Healthchecks' rules for a period count each success or failure, not starts (the scheduler's `Track`, rule 8).
  const resultsCount = monitor.timeoutFromMargin === true && monitor.scheduleType === 'interval';
  const countedAt = facts.runs
    .map((run) => (resultsCount ? run.resultAtMs : run.countedAtMs))
    .filter((at): at is number => at !== null)
    .sort((a, b) => a - b);
  const eventTime = Math.max(now, facts.state?.at ?? -Infinity, countedAt.at(-1) ?? -Infinity);
  const rule = ruleOf(monitor, registry);
  const expectation = rule ? expectationOf({ rule, countedAt, marginMs: checkinMarginMs(monitor.checkinMargin), now: eventTime }) : null;
  const state = facts.state?.state ?? null;
  const expecting = monitor.status === 'active' && state !== 'new' && state !== 'paused' && expectation !== null;
  const slots = upcoming > 0 && rule && (rule.kind === 'crontab' || expectation) ? upcomingSlots(rule, expectation?.anchor ?? null, eventTime, upcoming) : [];
  return {
    name,
    state,
    stateChangedAt: facts.state?.at ?? null,
    isMuted: facts.settings.isMuted,
    openIssueId: facts.settings.openIssue?.id ?? null,
    openIssueAt: facts.settings.openIssue?.openedAt.getTime() ?? null,
    lastCheckIn: facts.runs[0] ?? null,
    nextCheckIn: expecting ? expectation.nextExpected : null,
    nextCheckInLatest: expecting ? expectation.nextExpectedLatest : null,
    nextScheduled: slots.map((slot) => isoInZone(slot, monitor.timezone)),
  };
}

/**
 * The time a run was expected at (Sentry's `expectedTime`), by the scheduler's rules: the slot its first signal
 * is credited at. A miss or an unknown is history's run of the slot itself (dated at it, whatever the schedule
 * says now), so it is its own start. An interval run is credited at its own minute unless it came on time for the
 * coming slot, which a reader without the track cannot tell: it shows that minute. Null without a usable schedule.
 */
export function expectedTimeOf(rule: SlotRule | null, status: string, startedAtMs: number): number | null {
  if (!rule) return null;
  if (status === 'missed' || status === 'unknown') return startedAtMs;
  const slot = rule.creditFor(startedAtMs, NaN);
  return Number.isFinite(slot) ? slot : null;
}
