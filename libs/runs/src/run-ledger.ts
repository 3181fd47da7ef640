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
const NONE_FINISHED: readonly number[] = [];

/**
 * A finished run as the ledger remembers it: a 53-bit hash of its check-in id (lower-case, without dashes), held
 * unboxed in a number array. The scheduler keeps the list for every track: four ids as strings cost about 240
 * bytes a track more (measured), four numbers about 25. The whole id is hashed, as clients' ids (a ping's rid)
 * may differ in their last digits only; two of one track's last runs sharing a key is a 1-in-10^15 event.
 */
export function runKey(checkinId: string): number {
  const id = checkinId.replace(/-/g, '').toLowerCase();
  // Two FNV-1a style 32-bit hashes with different primes: 21 bits of one and 32 of the other.
  let high = 0x811c9dc5;
  let low = 0x9747b28c;
  for (let index = 0; index < id.length; index += 1) {
    const code = id.charCodeAt(index);
    high = Math.imul(high ^ code, 0x01000193);
    low = Math.imul(low ^ code, 0x5bd1e995);
  }
  return (high >>> 11) * 0x1_0000_0000 + (low >>> 0);
}

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
  private finished: readonly number[];

  /** `finished`: the keys (`runKey`) of the runs finished last, oldest first. */
  constructor(open: readonly OpenRun[] = [], finished: readonly number[] | null = null) {
    this.open = [...open].sort((a, b) => a.startedAt - b.startedAt).slice(-MAX_OPEN_RUNS);
    this.finished = finished === null || finished.length === 0 ? NONE_FINISHED : exactCopy(finished.slice(-MAX_FINISHED_RUNS));
  }

  get openRuns(): readonly OpenRun[] {
    return this.open;
  }

  /** The keys (`runKey`) of the runs that finished last, oldest first (at most `MAX_FINISHED_RUNS`). */
  get finishedRuns(): readonly number[] {
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
        if (!target && signal.run_match === 'exact' && this.finished.includes(runKey(signal.checkin_id))) {
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
          if (signal.run_match === 'exact' && !ping && this.finished.includes(runKey(signal.checkin_id))) {
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

  /** Remembers a run as the latest to finish (a repeated result of a ping moves it to the end). */
  private finish(checkinId: string): void {
    const key = runKey(checkinId);
    const others = this.finished.filter((finished) => finished !== key);
    const kept = others.length < MAX_FINISHED_RUNS ? others : others.slice(others.length - MAX_FINISHED_RUNS + 1);
    this.finished = exactCopy([...kept, key]);
  }
}

/** A copy at its exact length (a spread or a push reserves spare slots). */
function exactCopy(values: readonly number[]): number[] {
  const copy = new Array<number>(values.length);
  for (let index = 0; index < values.length; index += 1) copy[index] = values[index]!;
  return copy;
}
