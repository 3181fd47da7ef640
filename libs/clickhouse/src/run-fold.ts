import { identifier, joinSql, sql } from './sql';

/**
 * How the signals of one run in the `checkins` table (grouped by `checkin_id`, and environment where several are
 * read) fold into the run's status and duration: one definition for every reader, so the check-ins list, the
 * timeline, issues and environments agree. The rules are Sentry's consumer's (`update_existing_check_in`):
 *
 * - a timeout the scheduler recorded stands: a close that came after it brings only its duration;
 * - otherwise the first `ok`/`error` stands: a second close of a finished run changes nothing, and an
 *   `in_progress` that arrived after the close (it was overtaken) never reopens the run;
 * - otherwise the latest other signal (`in_progress`, `missed`, `unknown`); logs and ignored pings never count, and a
 *   run of nothing else folds to `''`.
 *
 * A miss or an unknown (a miss while Vigil's own pipeline was down, decision 0023) is a run of its own, one row under
 * the check-in id the scheduler minted for it: it folds to its status, a closed run (never open, no duration) that
 * is neither a success nor a failure for `unknown`.
 *
 * The SQL runs on ClickHouse 18.16 and current releases.
 */
export const RUN_STATUS = sql`multiIf(countIf(status = 'timeout') > 0, 'timeout',
             countIf(status IN ('ok', 'error')) > 0, argMinIf(toString(status), received_at_ms, status IN ('ok', 'error')),
             argMaxIf(toString(status), received_at_ms, status NOT IN ('log', 'ign')))`;

/** The run's duration: the one history resolved for its first close (after a timeout, the late close's). */
export const RUN_DURATION = sql`argMinIf(duration_ms, received_at_ms, status IN ('ok', 'error'))`;

/**
 * The run is open: started, and neither closed nor timed out. (History's run ledger keeps a timed-out run open
 * until its late close; see `RUN_STARTED_NOT_CLOSED`.)
 */
export const RUN_OPEN = sql`(countIf(status = 'in_progress') > 0 AND countIf(status IN ('ok', 'error', 'timeout')) = 0)`;

/** The run started and no `ok`/`error` closed it yet, timed out or not: open in the runs ledger (libs/runs). */
export const RUN_STARTED_NOT_CLOSED = sql`(countIf(status = 'in_progress') > 0 AND countIf(status IN ('ok', 'error')) = 0)`;

/**
 * Every status a run folds to (`RUN_STATUS`), in the order the API lists runs per status (the timeline's counts,
 * the stats endpoint's `statuses`): `unknown` (a miss while Vigil's own pipeline was down, decision 0023) came last,
 * so the positions of the others never moved.
 */
export const RUN_STATUSES = ['ok', 'error', 'missed', 'timeout', 'in_progress', 'unknown'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunStatusCounts = Record<RunStatus, number>;

/** `countIf(run_status = 'ok') AS ok, ...`: runs per status over folded runs (a `run_status` column), one column per status. */
export const RUN_STATUS_COUNTS = joinSql(
  RUN_STATUSES.map((status) => sql`countIf(run_status = ${status}) AS ${identifier(status)}`),
  ', ',
);

/** The counts `RUN_STATUS_COUNTS` selected, from a result row (UInt64 arrives as a string from 18.16, a number from current releases). */
export function runStatusCounts(row: Readonly<Record<RunStatus, string | number>>): RunStatusCounts {
  return Object.fromEntries(RUN_STATUSES.map((status) => [status, Number(row[status])])) as RunStatusCounts;
}

/** No run of any status. */
export function zeroRunStatusCounts(): RunStatusCounts {
  // A literal, not built from RUN_STATUSES: pages make thousands of these (the type lists every status).
  return { ok: 0, error: 0, missed: 0, timeout: 0, in_progress: 0, unknown: 0 };
}
