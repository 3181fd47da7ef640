import { ClickHouse, sql } from '@vigil/clickhouse';
import type { VigilConfig } from '@vigil/config';
import { runFails, runOfCheckinId, type StepLoad } from './protocol';

export interface HistoryCheck {
  /** Check-ins ingest accepted in the step (starts and finishes). */
  accepted: number;
  /** Of those, in ClickHouse exactly once with the status sent. */
  exactlyOnce: number;
  missing: number;
  /** Accepted check-ins stored more than once. */
  duplicated: number;
  /** Rows of the step's runs that match no accepted check-in (a status not sent, or a request that failed on the client's side but was published). */
  unexpected: number;
  /** Whether history's consumer group had caught up (lag 0) before the count. */
  caughtUp: boolean;
}

/**
 * Counts the step's check-ins in ClickHouse: the `checkins` table (one row per signal; a run's start is an
 * `in_progress` row and its finish an `ok` or `error` row under the same `checkin_id`), rows whose `checkin_id`
 * is one of the step's (`checkinIdOf`: the bench run's prefix and the step number), grouped by `checkin_id` and
 * `status`. Without `FINAL`: a repeated insert would still be visible as a second row until a merge folds it, so
 * the count shows what history wrote rather than what merges left. Run numbers of the accepted starts and
 * finishes come from the load generator.
 */
export async function checkHistory(config: VigilConfig, projectId: number, prefix: string, load: StepLoad, caughtUp: boolean): Promise<HistoryCheck> {
  const clickhouse = ClickHouse.connect(config);
  const head = `${prefix}-${load.step.toString(16).padStart(4, '0')}-`;
  let rows: Array<{ checkin_id: string; status: string; n: string | number }>;
  try {
    rows = await clickhouse.query(
      sql`SELECT checkin_id, toString(status) AS status, count() AS n FROM checkins
          WHERE project_id = ${projectId} AND checkin_id LIKE ${`${head}%`}
          GROUP BY checkin_id, status`,
    );
  } finally {
    await clickhouse.close();
  }
  // Per run: how many rows of its start, and of its finish (with the status it was sent with).
  const starts = new Map<number, number>();
  const finishes = new Map<number, number>();
  let unexpected = 0;
  for (const row of rows) {
    const run = runOfCheckinId(prefix, load.step, row.checkin_id);
    const count = Number(row.n);
    if (run === undefined) {
      unexpected += count;
    } else if (row.status === 'in_progress') {
      starts.set(run, (starts.get(run) ?? 0) + count);
    } else if (row.status === (runFails(run) ? 'error' : 'ok')) {
      finishes.set(run, (finishes.get(run) ?? 0) + count);
    } else {
      unexpected += count;
    }
  }
  let exactlyOnce = 0;
  let missing = 0;
  let duplicated = 0;
  const tally = (accepted: readonly number[], stored: Map<number, number>) => {
    const acceptedSet = new Set(accepted);
    for (const run of acceptedSet) {
      const count = stored.get(run) ?? 0;
      if (count === 1) exactlyOnce += 1;
      else if (count === 0) missing += 1;
      else duplicated += 1;
    }
    for (const [run, count] of stored) if (!acceptedSet.has(run)) unexpected += count;
  };
  tally(load.acceptedStarts, starts);
  tally(load.acceptedFinishes, finishes);
  return { accepted: load.acceptedStarts.length + load.acceptedFinishes.length, exactlyOnce, missing, duplicated, unexpected, caughtUp };
}
