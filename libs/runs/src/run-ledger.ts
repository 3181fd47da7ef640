import type { CheckinMessageV1 } from '@vigil/contracts';

/** A run of one monitor-environment that has started and not yet finished. */
export interface OpenRun {
  checkinId: string;
  startedAt: number;
  /**
   * False when the client named no run at its start (a ping without rid, an all-zero check_in_id): a ping that
   * names none closes it with a duration. Left out: named (what a scheduler snapshot restores).
   */
  named?: boolean;
  /**
   * The latest `in_progress` of the run (a heartbeat: the same id sent again, or a start without an id that
   * re-touched it), when later than its start. Its max_runtime deadline counts from here. Left out: the start.
   */
  touchedAt?: number;
}

/**
 * Why a signal changes nothing, as Sentry's consumer ignores it:
 * - `late_start`: an `in_progress` for a run that already finished (it was overtaken by its own close);
 * - `finished`: an `ok`/`error` for a run that already finished (the first close stands; Sentry records the
 *   second as the processing error `checkin_finished`).
 */
export type IgnoredSignal = 'late_start' | 'finished';

/** The signal after resolution: the run it belongs to, and its duration when it closes one. */
export interface ResolvedSignal {
  checkinId: string;
  durationMs: number | null;
  /** True when the signal finished a run that was in progress (as opposed to a standalone result). */
  closedRun: boolean;
  /** Set when the signal changes nothing (see `IgnoredSignal`): consumers neither count nor store it as the run's. */
  ignored?: IgnoredSignal;
}

export type LedgerSignal = Pick<CheckinMessageV1, 'checkin_id' | 'run_match' | 'status' | 'duration_ms' | 'received_at'> &
  Partial<Pick<CheckinMessageV1, 'source'>>;

/** Longest a run can stay open and still be closed: Sentry's largest max_runtime, four weeks. */
export const MAX_OPEN_RUN_AGE_MS = 28 * 24 * 3600 * 1000;
/** Runs remembered per monitor-environment; a job that leaves more than this open is abandoning them. */
export const MAX_OPEN_RUNS = 20;
/**
 * Finished runs remembered per monitor-environment (most recent), so a start or a close arriving after a run
 * finished is recognised. Small, because the scheduler keeps it for every track: the overtaking and repeats it
 * catches are between neighbouring requests of one job.
 */
export const MAX_FINISHED_RUNS = 4;
const NONE_FINISHED: readonly string[] = [];

/**
 * The latest instant a run may still be open before it times out: max_runtime (`timeoutMs`) after its latest
 * `in_progress` (heartbeats extend it, as Sentry's `timeout_at`), but never past `MAX_OPEN_RUN_AGE_MS` after
 * its start.
 */
export function runDeadline(run: OpenRun, timeoutMs: number): number {
  return Math.min((run.touchedAt ?? run.startedAt) + timeoutMs, run.startedAt + MAX_OPEN_RUN_AGE_MS);
}

/**
 * The open runs of one monitor-environment track, folded from its signals in partition order. Every consumer
 * that needs resolved runs (history, scheduler, issues) applies the same rules to the same ordered stream, so
 * they agree without talking to each other:
 *
 * - `in_progress` opens a run (exact id), or re-touches the latest open run (latest_open), or opens one. A
 *   ping's start without rid (latest_open, source `ping`) always opens a run of its own. An `in_progress` for
 *   a run already open (its id again, or a re-touch) is a heartbeat: the run's deadline counts from it.
 * - `ok` / `error` close the named run (exact) or the latest open run (latest_open); the duration is the
 *   client's, or the time since the run started. With no open run to close, it is a standalone result.
 *   Healthchecks pings pair by rid: a ping without rid that closes a run started with one records no
 *   duration (Healthchecks' `last_duration` needs the same rid, or none on both).
 * - `log` and `ign` change nothing; a log without a run id attaches to the latest open run if there is one.
 * - A start that arrives after its own result (exact id; two requests of a short job overtaking each other)
 *   belongs to the run that already finished: it opens nothing that could later time out, and is `ignored`.
 * - A Sentry `ok`/`error` naming a run that already finished is `ignored` (the first close stands; Sentry's
 *   `checkin_finished`). A ping's is a standalone result, as Healthchecks counts every success and failure.
 * - The ledger remembers the last `MAX_FINISHED_RUNS` runs that finished (closed, or a standalone result), in
 *   the order of their latest result; history reloads them from its store the same way.
 */
export class TrackRuns {
  private open: OpenRun[];
  private finished: readonly string[];

  /** `finished`: the runs finished last, oldest first (one id: what snapshots before the list held). */
  constructor(open: readonly OpenRun[] = [], finished: string | readonly string[] | null = null) {
    this.open = [...open].sort((a, b) => a.startedAt - b.startedAt).slice(-MAX_OPEN_RUNS);
    this.finished = finished === null ? NONE_FINISHED : typeof finished === 'string' ? [finished] : finished.slice(-MAX_FINISHED_RUNS);
  }

  get openRuns(): readonly OpenRun[] {
    return this.open;
  }

  /** The id of the last run that finished (closed, or a standalone result). */
  get lastFinished(): string | null {
    return this.finished[this.finished.length - 1] ?? null;
  }

  /** The runs that finished last, oldest first (at most `MAX_FINISHED_RUNS`). */
  get finishedRuns(): readonly string[] {
    return this.finished;
  }

  apply(signal: LedgerSignal): ResolvedSignal {
    this.open = this.open.filter((run) => run.startedAt > signal.received_at - MAX_OPEN_RUN_AGE_MS);
    const latest = this.open[this.open.length - 1];
    const target = signal.run_match === 'latest_open' ? latest : this.open.find((run) => run.checkinId === signal.checkin_id);

    const ping = signal.source === 'ping';
    switch (signal.status) {
      case 'log':
        return { checkinId: target?.checkinId ?? signal.checkin_id, durationMs: null, closedRun: false };
      case 'ign':
        return { checkinId: signal.checkin_id, durationMs: null, closedRun: false };
      case 'in_progress': {
        if (!target && signal.run_match === 'exact' && this.finished.includes(signal.checkin_id)) {
          return { checkinId: signal.checkin_id, durationMs: null, closedRun: false, ignored: 'late_start' };
        }
        const opening = !target || (ping && signal.run_match === 'latest_open');
        if (opening) {
          this.open.push({ checkinId: signal.checkin_id, startedAt: signal.received_at, named: signal.run_match === 'exact' });
          if (this.open.length > MAX_OPEN_RUNS) this.open.shift();
          return { checkinId: signal.checkin_id, durationMs: null, closedRun: false };
        }
        if (signal.received_at > (target.touchedAt ?? target.startedAt)) {
          // Replaced, not mutated: a snapshot or a caller may hold the previous object.
          const touched: OpenRun = { ...target, touchedAt: signal.received_at };
          this.open = this.open.map((run) => (run === target ? touched : run));
        }
        return { checkinId: target.checkinId, durationMs: null, closedRun: false };
      }
      case 'ok':
      case 'error': {
        if (!target) {
          if (signal.run_match === 'exact' && !ping && this.finished.includes(signal.checkin_id)) {
            return { checkinId: signal.checkin_id, durationMs: signal.duration_ms, closedRun: false, ignored: 'finished' };
          }
          this.finish(signal.checkin_id);
          return { checkinId: signal.checkin_id, durationMs: signal.duration_ms, closedRun: false };
        }
        this.finish(target.checkinId);
        this.open = this.open.filter((run) => run !== target);
        const paired = !ping || signal.run_match === 'exact' || target.named === false;
        const durationMs = signal.duration_ms ?? (paired ? Math.max(0, signal.received_at - target.startedAt) : null);
        return { checkinId: target.checkinId, durationMs, closedRun: true };
      }
    }
  }

  /**
   * Remembers a run as the latest to finish (a repeated result of a ping moves it to the end). The list is built
   * at its exact length: the scheduler keeps one per track (a spread or a push reserves spare slots).
   */
  private finish(checkinId: string): void {
    const others = this.finished.filter((id) => id !== checkinId);
    const kept = others.length < MAX_FINISHED_RUNS ? others : others.slice(others.length - MAX_FINISHED_RUNS + 1);
    const next = new Array<string>(kept.length + 1);
    for (let index = 0; index < kept.length; index += 1) next[index] = kept[index]!;
    next[kept.length] = checkinId;
    this.finished = next;
  }
}
