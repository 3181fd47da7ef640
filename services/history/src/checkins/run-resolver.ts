import { monitorEnvironmentKey, type CheckinMessageV1 } from '@vigil/contracts';
import { runKey, TrackRuns, type OpenRun, type ResolvedSignal } from '@vigil/runs';

export interface Track {
  projectId: number;
  monitorId: string;
  environment: string;
}

/** What the resolver needs from the check-in store (ClickHouse in production, a map in unit tests). */
export interface RunStore {
  /** Open runs of each track, as stored so far, keyed by `monitorEnvironmentKey`. */
  openRuns(tracks: readonly Track[], now: number): Promise<Map<string, OpenRun[]>>;
  /** The runs of each track that finished last, oldest first (libs/runs `MAX_FINISHED_RUNS`), keyed the same way. */
  finishedRuns(tracks: readonly Track[], now: number): Promise<Map<string, string[]>>;
  /** Which of these event ids are already stored: a batch redelivered after a crash or rebalance. */
  storedEventIds(messages: readonly CheckinMessageV1[]): Promise<Set<string>>;
}

export interface ResolvedCheckin {
  message: CheckinMessageV1;
  resolved: ResolvedSignal;
}

/**
 * Resolves each check-in to its run (`run_match: latest_open` → the latest open run) and fills in durations,
 * applying `TrackRuns` in partition order. Tracks are remembered between batches and loaded from the store
 * the first time they are seen; `forget()` drops everything (on a rebalance or a failed batch) so the store
 * is again the truth. Messages already stored are left out, so a redelivered batch is not resolved twice, and
 * so are unconfirmed check-ins (`monitor_existence`), whose confirmed copies come later in the partition.
 */
export class RunResolver {
  private readonly tracks = new Map<string, TrackRuns>();

  constructor(
    private readonly store: RunStore,
    private readonly maxTracks = 500_000,
  ) {}

  forget(): void {
    this.tracks.clear();
  }

  get size(): number {
    return this.tracks.size;
  }

  async resolve(messages: readonly CheckinMessageV1[], now: number = Date.now()): Promise<ResolvedCheckin[]> {
    // An unconfirmed check-in is the scheduler's to judge: what is stored is its confirmed copy, where that
    // copy stands in the partition (decision 0021).
    const applicable = messages.filter((message) => message.monitor_existence !== 'unconfirmed');
    const stored = await this.store.storedEventIds(applicable);
    const fresh = applicable.filter((message) => !stored.has(message.event_id));
    const cold = new Map<string, Track>();
    for (const message of fresh) {
      const key = monitorEnvironmentKey(message.monitor_id, message.environment);
      if (!this.tracks.has(key)) cold.set(key, { projectId: message.project_id, monitorId: message.monitor_id, environment: message.environment });
    }
    if (cold.size > 0) {
      if (this.tracks.size + cold.size > this.maxTracks) this.tracks.clear();
      const [loaded, finished] = await Promise.all([this.store.openRuns([...cold.values()], now), this.store.finishedRuns([...cold.values()], now)]);
      for (const key of cold.keys()) this.tracks.set(key, new TrackRuns(loaded.get(key) ?? [], (finished.get(key) ?? []).map(runKey)));
    }
    return fresh.map((message) => {
      const track = this.tracks.get(monitorEnvironmentKey(message.monitor_id, message.environment))!;
      return { message, resolved: track.apply(message) };
    });
  }
}
