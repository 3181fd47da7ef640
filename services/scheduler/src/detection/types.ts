import type { CheckinMessageV1, MonitorEventKind, TrackState } from '@vigil/contracts';
import type { ResolvedSignal } from '@vigil/runs';
import type { ScheduleSpec } from '@vigil/schedule';

/** Track states and snapshots are part of the scheduler's topics: see libs/contracts. */
export { TRACK_STATES, type TrackSnapshotV1, type TrackState } from '@vigil/contracts';

/** `paused` reports the `paused` state; `disabled` is skipped altogether (no outcomes, no transitions). */
export type { MonitorStatus } from '@vigil/db';
import type { MonitorStatus } from '@vigil/db';

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
   * Healthchecks semantics (checks made by a ping URL or the Healthchecks API): a start not followed by a
   * result within the grace time is a failure, so runs time out after the margin (grace) instead of
   * max_runtime; a start leaves a new check new; an interval (period) runs from the exact instant of the last
   * success or failure. See `Track`, rules 4 and 8.
   */
  timeoutFromMargin?: boolean;
}

/** The check-in fields detection needs (a `CheckinMessageV1` fits). */
export type DetectionCheckin = Pick<CheckinMessageV1, 'monitor_id' | 'environment' | 'checkin_id' | 'run_match' | 'status' | 'received_at' | 'duration_ms'> &
  Partial<Pick<CheckinMessageV1, 'source'>>;

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
  /** The earliest a check-in counts for the (first) slot: with `dueAt`, the window a check-in could have come in. */
  opensAt: number;
  /** Set when the outage guard covers the window: published as `unknown`, and the track's result stays as it was. */
  unknown?: true;
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
  /**
   * The outage guard's verdict (decision 0023), given by the detector's owner: true when an outage of Vigil itself
   * overlaps a miss's window for a check-in [opensAt, dueAt]. Such a miss is marked `unknown` and does not change
   * the track's result (a monitor that was up stays up).
   */
  outage?: OutageVerdict;
}

export type OutageVerdict = (opensAt: number, dueAt: number) => boolean;

export interface CheckinResult extends DetectionResult {
  /** The run the signal resolved to (the same answer history computes with `TrackRuns`). */
  run: ResolvedSignal;
  /** The schedule slot the check-in counted for, or null (logs, closing signals, paused monitors). */
  creditedSlot: number | null;
  /** The signal closed a run that had already timed out: its duration is recorded, the timeout stands. */
  closedTimedOutRun: boolean;
  /**
   * The run result this check-in reports, for failure and recovery counting: its `ok` or `error`, or null (a
   * start, a log, a result for a run that already timed out, a paused or disabled monitor).
   */
  finished: 'ok' | 'error' | null;
}
