import type { CheckinMessageV1, MonitorEventKind } from '@vigil/contracts';
import type { ResolvedSignal } from '@vigil/runs';
import type { ScheduleSpec } from '@vigil/schedule';

/**
 * What a monitor-environment track reports about itself (for a future versioned state topic):
 * - `new`: no check-in has counted yet; a new track is never missed.
 * - `ok`: the last result was a success (or the first check-in was a start), and no expected slot is overdue.
 * - `late`: the last result was `ok`, an expected slot has passed, its check-in margin has not.
 * - `missed`, `timeout`, `error`: the last result. They stay until a check-in changes them (Healthchecks keeps
 *   "down" the same way): a failed track does not go `late` again, and a start alone does not clear them.
 * - `paused`: the monitor is paused; it produces nothing.
 */
export const TRACK_STATES = ['new', 'ok', 'late', 'missed', 'timeout', 'error', 'paused'] as const;
export type TrackState = (typeof TRACK_STATES)[number];

/** `paused` reports the `paused` state; `disabled` is skipped altogether (no outcomes, no transitions). */
export const MONITOR_STATUSES = ['active', 'paused', 'disabled'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

/** A monitor's settings as configured (Postgres `monitors` row, or a Sentry `monitor_config`). */
export interface MonitorConfigInput {
  /** Crontab (wall time in its zone) or interval. An interval's `anchor` is ignored: see `SlotRule`. */
  schedule: ScheduleSpec;
  /** Minutes after a slot before it counts as missed; null → `DEFAULT_CHECKIN_MARGIN_MINUTES`. */
  checkinMarginMinutes: number | null;
  /** Minutes a started run may stay open before it times out; null → `DEFAULT_MAX_RUNTIME_MINUTES`. */
  maxRuntimeMinutes: number | null;
  status: MonitorStatus;
  /**
   * Healthchecks semantics (monitors created by ping): a start not followed by a result within the grace time
   * is a failure, so runs time out after the margin (grace) instead of max_runtime.
   */
  timeoutFromMargin?: boolean;
}

/** The check-in fields detection needs (a `CheckinMessageV1` fits). */
export type DetectionCheckin = Pick<
  CheckinMessageV1,
  'monitor_id' | 'environment' | 'checkin_id' | 'run_match' | 'status' | 'received_at' | 'duration_ms'
>;

interface OutcomeBase {
  kind: MonitorEventKind;
  /** Deterministic, so an outcome repeated after a restart or a partition move can be dropped downstream. */
  eventId: string;
  monitorId: string;
  environment: string;
  /** The expected run time the outcome is about (for a timeout: the slot the run's start counted for). */
  slot: number;
  /** The event time at which the outcome became due (slot + margin; run start + max runtime). */
  dueAt: number;
  /** The event time of the input that produced it: a pulse's T or a check-in's received_at. */
  emittedAt: number;
}

/** No check-in counted for `slot` before slot + margin. Event id `<monitor>:<environment>:<slot>:missed`. */
export interface MissedOutcome extends OutcomeBase {
  kind: 'missed';
  /**
   * Null for an ordinary miss. In a collapsed outage (see `MISS_STREAK_LIMIT`) the first slot this outcome
   * stands for: every slot from `coversFrom` to `slot` was missed, and only `slot` has its own event.
   */
  coversFrom: number | null;
}

/** A started run not closed in time. Event id `<monitor>:<environment>:<checkin_id>:timeout`. */
export interface TimeoutOutcome extends OutcomeBase {
  kind: 'timeout';
  /** The run that ran too long. */
  checkinId: string;
  startedAt: number;
  /**
   * True when the run was dropped from the open-run ledger (more than `MAX_OPEN_RUNS` newer runs opened)
   * before its max runtime ended: it can no longer be closed, so it times out at once.
   */
  abandoned: boolean;
}

export type Outcome = MissedOutcome | TimeoutOutcome;

/** A change of a track's reported state. Intermediate states inside one evaluation are not reported. */
export interface Transition {
  monitorId: string;
  environment: string;
  from: TrackState;
  to: TrackState;
  /** Event time of the input that caused it. */
  at: number;
}

export interface DetectionResult {
  outcomes: Outcome[];
  transitions: Transition[];
}

export interface CheckinResult extends DetectionResult {
  /** The run the signal resolved to (the same answer history computes with `TrackRuns`). */
  run: ResolvedSignal;
  /** The schedule slot the check-in counted for, or null (logs, closing signals, paused monitors). */
  creditedSlot: number | null;
  /** The signal closed a run that had already timed out: its duration is recorded, the timeout stands. */
  closedTimedOutRun: boolean;
}

/** A track's state as a small plain JSON object (changelog value; see `Track.snapshot`). */
export interface TrackSnapshotV1 {
  v: 1;
  monitor_id: string;
  environment: string;
  /** Latest event time the track was evaluated at. */
  clock: number;
  /** Every slot at or before this instant is settled (counted or missed); null while the track is new. */
  resolved: number | null;
  /** The instant the last counted check-in was credited at (an interval's anchor). */
  anchor: number | null;
  result: 'none' | 'ok' | 'error' | 'missed' | 'timeout';
  state: TrackState;
  streak: number;
  last_miss: number | null;
  collapsed_from: number | null;
  /** A counting check-in seen before the monitor's config was known, credited when it arrives. */
  held_credit: number | null;
  /** The key of the schedule rule the state was computed under, so a restore notices a changed schedule. */
  schedule_key: string | null;
  suspended: 'paused' | 'disabled' | null;
  configured: boolean;
  /** Open runs, oldest first: [checkin_id, started_at, 0 open | 1 timed out | 2 open across a pause, exempt]. */
  runs: Array<[string, number, 0 | 1 | 2]>;
}
