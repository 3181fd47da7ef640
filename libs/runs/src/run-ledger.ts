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
}

/** The signal after resolution: the run it belongs to, and its duration when it closes one. */
export interface ResolvedSignal {
  checkinId: string;
  durationMs: number | null;
  /** True when the signal finished a run that was in progress (as opposed to a standalone result). */
  closedRun: boolean;
}

export type LedgerSignal = Pick<CheckinMessageV1, 'checkin_id' | 'run_match' | 'status' | 'duration_ms' | 'received_at'> &
  Partial<Pick<CheckinMessageV1, 'source'>>;

/** Longest a run can stay open and still be closed: Sentry's largest max_runtime, four weeks. */
export const MAX_OPEN_RUN_AGE_MS = 28 * 24 * 3600 * 1000;
/** Runs remembered per monitor-environment; a job that leaves more than this open is abandoning them. */
export const MAX_OPEN_RUNS = 20;

/**
 * The open runs of one monitor-environment track, folded from its signals in partition order. Every consumer
 * that needs resolved runs (history, scheduler, issues) applies the same rules to the same ordered stream, so
 * they agree without talking to each other:
 *
 * - `in_progress` opens a run (exact id), or re-touches the latest open run (latest_open), or opens one. A
 *   ping's start without rid (latest_open, source `ping`) always opens a run of its own.
 * - `ok` / `error` close the named run (exact) or the latest open run (latest_open); the duration is the
 *   client's, or the time since the run started. With no open run to close, it is a standalone result.
 *   Healthchecks pings pair by rid: a ping without rid that closes a run started with one records no
 *   duration (Healthchecks' `last_duration` needs the same rid, or none on both).
 * - `log` and `ign` change nothing; a log without a run id attaches to the latest open run if there is one.
 * - A start that arrives after its own result (exact id; two requests of a short job overtaking each other)
 *   belongs to the run that already finished: it opens nothing that could later time out. The ledger
 *   remembers the last finished run id for this (one id: the overtaking is between neighbours).
 */
export class TrackRuns {
  private open: OpenRun[];
  private finished: string | null;

  constructor(open: readonly OpenRun[] = [], lastFinished: string | null = null) {
    this.open = [...open].sort((a, b) => a.startedAt - b.startedAt).slice(-MAX_OPEN_RUNS);
    this.finished = lastFinished;
  }

  get openRuns(): readonly OpenRun[] {
    return this.open;
  }

  /** The id of the last run finished by an exact-id result (closed, or a standalone result). */
  get lastFinished(): string | null {
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
        if (!target && signal.run_match === 'exact' && signal.checkin_id === this.finished) {
          return { checkinId: signal.checkin_id, durationMs: null, closedRun: false };
        }
        const opening = !target || (ping && signal.run_match === 'latest_open');
        if (opening) {
          this.open.push({ checkinId: signal.checkin_id, startedAt: signal.received_at, named: signal.run_match === 'exact' });
          if (this.open.length > MAX_OPEN_RUNS) this.open.shift();
        }
        return { checkinId: opening ? signal.checkin_id : target.checkinId, durationMs: null, closedRun: false };
      }
      case 'ok':
      case 'error': {
        if (signal.run_match === 'exact') this.finished = signal.checkin_id;
        if (!target) return { checkinId: signal.checkin_id, durationMs: signal.duration_ms, closedRun: false };
        this.open = this.open.filter((run) => run !== target);
        const paired = !ping || signal.run_match === 'exact' || target.named === false;
        const durationMs = signal.duration_ms ?? (paired ? Math.max(0, signal.received_at - target.startedAt) : null);
        return { checkinId: target.checkinId, durationMs, closedRun: true };
      }
    }
  }
}
