import { DueQueue } from './due-queue';
import { MonitorSettingsRegistry, type MonitorSettings } from './settings';
import { MonitorHandle, Track } from './track';
import type { CheckinResult, DetectionCheckin, DetectionResult, MonitorConfigInput, OutageVerdict, TrackSnapshotV1 } from './types';

/**
 * Where a detector finds the settings of a monitor it meets for the first time (a check-in, a restored track):
 * the service's monitor directory. Null: not known (yet).
 */
export type SettingsSource = (monitorId: string) => MonitorSettings | null;

/** A track whose persisted state changed since the last `drainChanges`: its new snapshot, or null when deleted. */
export interface TrackChange {
  monitorId: string;
  environment: string;
  snapshot: TrackSnapshotV1 | null;
}

/**
 * The detection core of one check-ins partition. Apply its inputs in partition order, one at a time:
 * - `checkin(message)`: a check-in from the partition;
 * - `pulse(T)`: a clock pulse from the partition carrying event time T (epoch ms). It is processed after every
 *   check-in that entered the partition before it, so a pipeline that lags never turns an acknowledged
 *   check-in into a miss;
 * - `setMonitor(id, config)`: a monitor's configuration (created, changed, paused, deleted), applied at the
 *   partition's current event time.
 * Each returns the outcomes to publish (`missed`/`timeout`, see `toMonitorEventV1`) and the state transitions.
 *
 * Time only moves forward, by pulses (for every track, through a due-time queue: a pulse touches only the
 * tracks that have something due) and by a check-in's received_at (for its own track only, so one ingest
 * instance's clock skew cannot make other tracks' deadlines fire early). Nothing here reads a wall clock,
 * does I/O or keeps per-slot objects.
 */
export class PartitionDetector {
  private readonly monitors = new Map<string, MonitorHandle>();
  /** Environment names, one string each: tracks would otherwise each keep the copy from their first message. */
  private readonly environments = new Map<string, string>();
  private readonly queue = new DueQueue<Track>();
  private readonly changed = new Map<Track, true>();
  private readonly deleted: TrackChange[] = [];
  private time = -Infinity;
  private count = 0;
  /** The outage guard's verdict on a miss's window (decision 0023); null: every miss is a miss. */
  outage: OutageVerdict | null = null;

  /**
   * Monitors come from `setMonitor`, or, when a `source` is given, are looked up the first time the partition
   * meets them: a partition then holds only its own monitors, not a copy of every monitor.
   */
  constructor(
    readonly settings: MonitorSettingsRegistry = new MonitorSettingsRegistry(),
    private readonly source: SettingsSource | null = null,
  ) {}

  /** The partition's event time: the latest pulse (or restored clock). */
  get clock(): number {
    return this.time;
  }

  get trackCount(): number {
    return this.count;
  }

  /** Tracks waiting in the due-time queue, stale entries included (for metrics). */
  get queuedCount(): number {
    return this.queue.length;
  }

  track(monitorId: string, environment: string): Track | undefined {
    return this.monitors.get(monitorId)?.track(environment);
  }

  /**
   * Sets (or with null, deletes) a monitor's configuration. Throws `ScheduleError` for an invalid schedule,
   * before changing anything. Configuration changes come from Postgres, outside the partition: they apply at
   * the partition's current event time and re-evaluate on the next pulse.
   */
  setMonitor(monitorId: string, config: MonitorConfigInput | null): DetectionResult {
    return this.applySettings(monitorId, config === null ? null : this.settings.resolve(config));
  }

  /** Whether the partition has met this monitor (it has tracks, or was told its settings). */
  knows(monitorId: string): boolean {
    return this.monitors.has(monitorId);
  }

  /** `setMonitor` with settings already resolved (by this detector's registry). Null deletes the monitor. */
  applySettings(monitorId: string, settings: MonitorSettings | null): DetectionResult {
    const out: DetectionResult = { outcomes: [], transitions: [], ...(this.outage ? { outage: this.outage } : {}) };
    if (settings === null) {
      const handle = this.monitors.get(monitorId);
      if (!handle) return out;
      for (const track of handle.tracks) {
        track.dueAt = NaN;
        this.changed.delete(track);
        this.deleted.push({ monitorId, environment: track.environment, snapshot: null });
      }
      this.count -= handle.tracks.length;
      this.monitors.delete(monitorId);
      return out;
    }
    const handle = this.handle(monitorId);
    if (handle.settings === settings) return out;
    handle.settings = settings;
    for (const track of handle.tracks) {
      track.reconfigure(this.time, out);
      this.touched(track);
    }
    return out;
  }

  checkin(signal: DetectionCheckin): CheckinResult {
    const out: DetectionResult = { outcomes: [], transitions: [], ...(this.outage ? { outage: this.outage } : {}) };
    const handle = this.handle(signal.monitor_id);
    let track = handle.track(signal.environment);
    if (!track) {
      track = new Track(handle, this.intern(signal.environment));
      handle.add(track);
      this.count += 1;
      track.reconfigure(this.time, out);
    }
    const result = track.checkin(signal, out);
    this.touched(track);
    return result;
  }

  /**
   * Advances the partition's event time to T and evaluates every track with something due by then, in a
   * canonical order (due time, monitor id, environment) so the output does not depend on the queue's history
   * (a restored detector returns exactly what the original would have).
   */
  pulse(at: number): DetectionResult {
    const out: DetectionResult = { outcomes: [], transitions: [], ...(this.outage ? { outage: this.outage } : {}) };
    if (at > this.time) this.time = at;
    const due: Array<{ due: number; track: Track }> = [];
    for (let track = this.queue.popDue(this.time); track; track = this.queue.popDue(this.time)) {
      due.push({ due: track.nextDue(), track });
    }
    if (due.length > 1) due.sort(byDue);
    for (const { track } of due) {
      track.advance(this.time, out);
      this.touched(track);
    }
    return out;
  }

  /**
   * Sets the partition's event time after a state rebuild: the T of the last pulse applied before the
   * snapshots were taken (persist `clock` with them). Time never moves backwards.
   */
  restoreClock(at: number): void {
    if (at > this.time) this.time = at;
  }

  /**
   * Restores a track from its snapshot (state rebuild after a partition moves), under its monitor's current
   * settings: set the monitors first. Replaces a track with the same key. Returns transitions (a monitor
   * resumed or paused while the partition moved); outcomes come with the next pulse.
   */
  restore(snapshot: TrackSnapshotV1): DetectionResult {
    const out: DetectionResult = { outcomes: [], transitions: [], ...(this.outage ? { outage: this.outage } : {}) };
    const handle = this.handle(snapshot.monitor_id);
    const existing = handle.track(snapshot.environment);
    const track = Track.restore({ ...snapshot, environment: this.intern(snapshot.environment) }, handle);
    if (existing) {
      existing.dueAt = NaN;
      handle.tracks[handle.tracks.indexOf(existing)] = track;
    } else {
      handle.add(track);
      this.count += 1;
    }
    track.reconfigure(track.clock, out);
    this.queue.schedule(track, track.nextDue());
    this.bound();
    return out;
  }

  /** After a rebuild (many tracks replaced by later snapshots of themselves): drops the queue's stale entries. */
  finishRestore(): void {
    this.queue.compact();
  }

  /**
   * Drops one track (its environment was deleted through the API): nothing more is judged for it, and the
   * next `drainChanges` reports it deleted, so the changelog gets a tombstone and a rebuild does not bring it
   * back. Returns whether there was one.
   */
  dropTrack(monitorId: string, environment: string): boolean {
    const track = this.monitors.get(monitorId)?.track(environment);
    if (!track) return false;
    this.forget(monitorId, environment);
    this.deleted.push({ monitorId, environment: track.environment, snapshot: null });
    return true;
  }

  /** Drops one track without reporting it (a deletion read back from the changelog during a restore). */
  forget(monitorId: string, environment: string): void {
    const handle = this.monitors.get(monitorId);
    const track = handle?.track(environment);
    if (!handle || !track) return;
    track.dueAt = NaN;
    this.changed.delete(track);
    handle.tracks = handle.tracks.filter((other) => other !== track);
    this.count -= 1;
  }

  /** Snapshots of the tracks changed since the last call (and deletions), for the changelog. */
  drainChanges(): TrackChange[] {
    const changes: TrackChange[] = this.deleted.splice(0);
    for (const track of this.changed.keys()) {
      changes.push({ monitorId: track.monitorId, environment: track.environment, snapshot: track.snapshot() });
    }
    this.changed.clear();
    return changes;
  }

  /** Every track's snapshot (a full dump, e.g. for a compacted changelog's first write). */
  *snapshots(): IterableIterator<TrackSnapshotV1> {
    for (const handle of this.monitors.values()) for (const track of handle.tracks) yield track.snapshot();
  }

  private intern(environment: string): string {
    const known = this.environments.get(environment);
    if (known !== undefined) return known;
    if (this.environments.size < 10_000) this.environments.set(environment, environment);
    return environment;
  }

  private handle(monitorId: string): MonitorHandle {
    let handle = this.monitors.get(monitorId);
    if (!handle) {
      handle = new MonitorHandle(monitorId);
      handle.settings = this.source?.(monitorId) ?? null;
      this.monitors.set(monitorId, handle);
    }
    return handle;
  }

  private touched(track: Track): void {
    this.changed.set(track, true);
    this.queue.schedule(track, track.nextDue());
    this.bound();
  }

  /** Keeps the due queue's stale entries (re-queued or replaced tracks) from outnumbering the live ones. */
  private bound(): void {
    if (this.queue.length > 2 * this.count + 1024) this.queue.compact();
  }
}

function byDue(a: { due: number; track: Track }, b: { due: number; track: Track }): number {
  if (a.due !== b.due) return a.due - b.due;
  if (a.track.monitorId !== b.track.monitorId) return a.track.monitorId < b.track.monitorId ? -1 : 1;
  return a.track.environment < b.track.environment ? -1 : a.track.environment > b.track.environment ? 1 : 0;
}
