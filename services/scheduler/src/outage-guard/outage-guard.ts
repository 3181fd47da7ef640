/**
 * The outage guard's decision (docs/decisions/0023-outage-guard.md): is Vigil's own pipeline the likely reason
 * check-ins stopped arriving? It sees what the scheduler sees, in event time: the accepted check-ins of the
 * partitions it owns, the beats ingest instances write into those partitions, and the clock. It keeps no wall
 * clock and does no I/O, so a backlog replayed after an outage is judged as it was live.
 *
 * An incident is open while either holds:
 * - **ingest is silent**: no ingest beat for `ingestSilenceMs` (every ingest instance writes one per partition
 *   every second; none means no ingest runs, or none reaches Kafka);
 * - **the volume collapsed**: the check-ins of the last minute are fewer than `collapseRatio` times the baseline,
 *   and the baseline is at least `minBaseline` (too few check-ins say nothing). The baseline is the median of the
 *   same minute in the previous hours (hourly and more frequent jobs repeat there), or, with less than
 *   `minHours` of history, of the previous minutes. Minutes inside an incident are never learnt from.
 * A collapse with ingest alive closes after `maxCollapseMs` anyway (a real, lasting drop: monitors deleted or
 * paused en masse) and the guard re-learns from there; silence of ingest has no such bound.
 */
export interface OutageGuardSettings {
  ingestSilenceMs: number;
  collapseRatio: number;
  minBaseline: number;
  minHours: number;
  maxCollapseMs: number;
}

export const DEFAULT_OUTAGE_GUARD_SETTINGS: OutageGuardSettings = {
  ingestSilenceMs: 10_000,
  collapseRatio: 0.3,
  minBaseline: 30,
  minHours: 3,
  maxCollapseMs: 30 * 60_000,
};

export type IncidentCause = 'ingest_silent' | 'volume_collapsed';

/** A time the guard held Vigil responsible, [from, to); `to` null while open. */
export interface Incident {
  from: number;
  to: number | null;
  cause: IncidentCause;
}

export interface GuardChange {
  kind: 'opened' | 'closed';
  incident: Incident;
}

const BUCKET_MS = 10_000;
const WINDOW_BUCKETS = 6; // one minute
const HOUR_MS = 3_600_000;
const HISTORY_HOURS = 6;
const HISTORY_MS = (HISTORY_HOURS + 1) * HOUR_MS;
const RECENT_MINUTES = 10;
const MIN_RECENT_MINUTES = 5;

export class OutageGuard {
  private readonly settings: OutageGuardSettings;
  /** Accepted check-ins per 10 s bucket of event time (bucket start → count). */
  private readonly buckets = new Map<number, number>();
  /** Buckets inside an incident: never part of a baseline. */
  private readonly tainted = new Set<number>();
  private lastIngestBeat: number | null = null;
  private firstSeen: number | null = null;
  private clock = Number.NEGATIVE_INFINITY;
  private open: Incident | null = null;
  private readonly closed: Incident[] = [];
  /** After a collapse closed by `maxCollapseMs`, volumes before this are not a baseline. */
  private learnFrom = Number.NEGATIVE_INFINITY;
  /** The baseline when the open incident began: it stays the measure until the volume is back. */
  private frozenBaseline: number | null = null;
  private prunedAt = 0;
  /** Buckets up to this one (index) are already marked for the open incident. */
  private taintedTo = 0;

  constructor(settings: Partial<OutageGuardSettings> = {}) {
    this.settings = { ...DEFAULT_OUTAGE_GUARD_SETTINGS, ...settings };
  }

  /** An accepted check-in, at its `received_at`. */
  checkin(at: number): void {
    const bucket = Math.floor(at / BUCKET_MS) * BUCKET_MS;
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.firstSeen ??= at;
  }

  /** A beat an ingest instance wrote, at its event time. */
  ingestBeat(at: number): void {
    if (this.lastIngestBeat === null || at > this.lastIngestBeat) this.lastIngestBeat = at;
    this.firstSeen ??= at;
  }

  /** The open incident, if any. */
  get current(): Incident | null {
    return this.open;
  }

  /** The clock moved to `now` (a pulse): opens or closes the incident; returns what changed. */
  advance(now: number): GuardChange[] {
    if (now <= this.clock) return [];
    // A jump (a backlog applied at once, partitions catching up) is judged at every bucket boundary it crosses, as
    // if it had come in steps: the check-ins before `now` are all counted by then.
    const changes: GuardChange[] = [];
    let at = Number.isFinite(this.clock) ? (Math.floor(this.clock / BUCKET_MS) + 1) * BUCKET_MS : now;
    at = Math.max(at, Math.floor((now - HISTORY_MS) / BUCKET_MS) * BUCKET_MS);
    for (; at < now; at += BUCKET_MS) changes.push(...this.evaluate(at));
    changes.push(...this.evaluate(now));
    return changes;
  }

  private evaluate(now: number): GuardChange[] {
    this.clock = now;
    const changes: GuardChange[] = [];
    const cause = this.causeAt(now);
    if (
      this.open &&
      (cause === null || (this.open.cause === 'volume_collapsed' && cause === 'volume_collapsed' && now - this.open.from >= this.settings.maxCollapseMs))
    ) {
      if (cause !== null) this.learnFrom = now; // a lasting drop: re-learn from here
      this.open.to = now;
      this.frozenBaseline = null;
      this.closed.push(this.open);
      changes.push({ kind: 'closed', incident: { ...this.open } });
      this.open = null;
    } else if (!this.open && cause !== null && now >= this.learnFrom + WINDOW_BUCKETS * BUCKET_MS) {
      this.frozenBaseline = this.baseline(now);
      this.open = {
        from: cause === 'ingest_silent' ? Math.min(now, (this.lastIngestBeat ?? now) + BUCKET_MS / 10) : now - WINDOW_BUCKETS * BUCKET_MS,
        to: null,
        cause,
      };
      changes.push({ kind: 'opened', incident: { ...this.open } });
    }
    if (this.open) for (let b = Math.max(Math.floor(this.open.from / BUCKET_MS), this.taintedTo) * BUCKET_MS; b <= now; b += BUCKET_MS) this.tainted.add(b);
    if (this.open) this.taintedTo = Math.floor(now / BUCKET_MS);
    this.prune(now);
    return changes;
  }

  /**
   * True when an incident overlaps [from, to]: a miss whose window for a check-in (its slot to its deadline) is
   * such is recorded as `unknown`, not missed.
   */
  covers(from: number, to: number, cause?: IncidentCause): boolean {
    const overlaps = (incident: Incident) =>
      (cause === undefined || incident.cause === cause) && from < (incident.to ?? Number.POSITIVE_INFINITY) && to >= incident.from;
    return (this.open !== null && overlaps(this.open)) || this.closed.some(overlaps);
  }

  /** The baseline check-ins per minute at `now`, or null when there is not enough history (for metrics and logs). */
  baseline(now: number): number | null {
    const end = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    const hourly: number[] = [];
    for (let hour = 1; hour <= HISTORY_HOURS; hour += 1) {
      const volume = this.volume(end - hour * HOUR_MS);
      if (volume !== null) hourly.push(volume);
    }
    if (hourly.length >= this.settings.minHours) return median(hourly);
    const recent: number[] = [];
    for (let minute = 1; minute <= RECENT_MINUTES; minute += 1) {
      const volume = this.volume(end - minute * WINDOW_BUCKETS * BUCKET_MS);
      if (volume !== null) recent.push(volume);
    }
    return recent.length >= MIN_RECENT_MINUTES ? median(recent) : null;
  }

  private causeAt(now: number): IncidentCause | null {
    if (this.lastIngestBeat !== null && now - this.lastIngestBeat > this.settings.ingestSilenceMs) return 'ingest_silent';
    const baseline = this.frozenBaseline ?? this.baseline(now);
    if (baseline === null || baseline < this.settings.minBaseline) return null;
    const end = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    const current = this.sum(end);
    return current < this.settings.collapseRatio * baseline ? 'volume_collapsed' : null;
  }

  /** Check-ins in the minute of buckets ending before `end`, or null when that minute is not usable as history. */
  private volume(end: number): number | null {
    const start = end - WINDOW_BUCKETS * BUCKET_MS;
    if (this.firstSeen === null || start < this.firstSeen || start < this.learnFrom) return null;
    for (let b = start; b < end; b += BUCKET_MS) if (this.tainted.has(b)) return null;
    return this.sum(end);
  }

  private sum(end: number): number {
    let total = 0;
    for (let b = end - WINDOW_BUCKETS * BUCKET_MS; b < end; b += BUCKET_MS) total += this.buckets.get(b) ?? 0;
    return total;
  }

  private prune(now: number): void {
    // Pulses come several times a second per partition: a pass per bucket is enough.
    const bucket = Math.floor(now / BUCKET_MS);
    if (bucket === this.prunedAt) return;
    this.prunedAt = bucket;
    const oldest = now - HISTORY_MS;
    for (const bucket of this.buckets.keys()) if (bucket < oldest) this.buckets.delete(bucket);
    for (const bucket of this.tainted) if (bucket < oldest) this.tainted.delete(bucket);
    while (this.closed.length > 0 && (this.closed[0]!.to ?? now) < now - 24 * HOUR_MS) this.closed.shift();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
