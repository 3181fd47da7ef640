import type { MonitorStatus } from '@vigil/db';
import type { TrackState } from '@vigil/contracts';

/** Healthchecks' check statuses as API v3 reports them. */
export const CHECK_STATUSES = ['new', 'up', 'grace', 'down', 'paused'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/**
 * Healthchecks' stored statuses, which its flips move between: `grace` is not one (it is `up` past its
 * expected time), and neither is `started`.
 */
export type StoredStatus = 'new' | 'up' | 'down' | 'paused';

/** The Healthchecks status a scheduler track state stands for (`late` is still `up`: the grace time runs). */
export const STORED_STATUS_OF: Readonly<Record<TrackState, StoredStatus>> = {
  new: 'new',
  ok: 'up',
  late: 'up',
  missed: 'down',
  timeout: 'down',
  error: 'down',
  paused: 'paused',
};

/**
 * A check's status from what Vigil stores: the monitor's own status in Postgres (paused now, whatever the
 * scheduler has seen yet) and the latest state the scheduler published for its `production` track
 * (`monitor_states`, null: none yet).
 * - `paused` or `disabled` monitor: `paused` (neither is watched).
 * - no state yet, `new`: `new`. A `paused` state of a monitor that is active again: `new`, which is what the
 *   scheduler makes of a resumed track (its change may still be on the way).
 * - `ok`: `up`; `late` (the expected time passed, the margin runs): `grace`; `missed`, `timeout`, `error`: `down`.
 */
export function checkStatus(monitorStatus: MonitorStatus, state: TrackState | null): CheckStatus {
  if (monitorStatus !== 'active') return 'paused';
  if (state === null || state === 'new' || state === 'paused') return 'new';
  if (state === 'late') return 'grace';
  return STORED_STATUS_OF[state] === 'up' ? 'up' : 'down';
}

/** A state change is a Healthchecks flip when it moves between stored statuses (ok → late is none). */
export function isFlip(from: TrackState, to: TrackState): boolean {
  return STORED_STATUS_OF[from] !== STORED_STATUS_OF[to];
}
