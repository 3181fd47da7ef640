import { sql, type SqlFragment } from './sql';

/**
 * A run's status from its rows in `checkins`, as an aggregate over one run's rows (GROUP BY checkin_id,
 * environment): the one rule every reader of runs uses, whatever order the rows were received in (Sentry's
 * consumer rules, issue #13):
 * - a run that timed out stays `timeout`: a close that comes later only records its duration;
 * - otherwise its first close (`ok`, `error`; `missed` for a missed slot's row) stands: a second close of a
 *   finished run is ignored;
 * - otherwise `in_progress` while it has a start: a start received after its own close (the two requests of a
 *   job that finishes at once overtaking each other) does not reopen it;
 * - otherwise '' (a run of `log` and `ign` signals only is not a run).
 * Runs on ClickHouse 18.16 and current releases.
 */
export const RUN_STATUS: SqlFragment = sql`multiIf(
  countIf(status = 'timeout') > 0, 'timeout',
  countIf(status IN ('ok', 'error', 'missed')) > 0, argMinIf(toString(status), received_at_ms, status IN ('ok', 'error', 'missed')),
  countIf(status = 'in_progress') > 0, 'in_progress',
  '')`;
