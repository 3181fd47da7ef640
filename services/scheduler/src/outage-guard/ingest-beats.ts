import { MAX_INGEST_SILENCES, type IngestBeatsV1 } from '@vigil/contracts';

export interface IngestBeatsSettings {
  /** Event time without a beat after which ingest counts as down (VIGIL_OUTAGE_GUARD_INGEST_SILENCE_MS). */
  silenceMs: number;
  /** Event time without a beat that is still ordinary (beats every second, pulses dated behind them). */
  freshMs: number;
}

/** The freshness a beat interval allows: two beats may be late, plus a second for produce latency and skew. */
export function freshMsFor(beatMs: number, silenceMs: number): number {
  return Math.min(2 * beatMs + 1000, Math.floor(silenceMs / 2));
}

/**
 * One check-ins partition's view of ingest's beats (decision 0023), in the partition's order, so a replay after a
 * restore decides exactly as the first pass did. Before any beat it knows nothing and changes nothing.
 *
 * While beats are fresh a pulse moves the partition's clock as it comes. Once they are overdue but ingest is not
 * yet declared down, the clock is held at the last beat + `freshMs`: misses due after that wait (at most
 * `silenceMs`) until a beat says ingest is alive (they are misses) or the silence says it is not (they are
 * `unknown`). A silence runs from the last beat + `freshMs` to the next beat.
 */
export class PartitionIngestBeats {
  private last: number | null = null;
  private readonly silences: Array<{ from: number; to: number | null }> = [];

  constructor(private readonly settings: IngestBeatsSettings) {}

  static restore(settings: IngestBeatsSettings, snapshot: IngestBeatsV1 | undefined): PartitionIngestBeats {
    const beats = new PartitionIngestBeats(settings);
    if (snapshot) {
      beats.last = snapshot.last;
      for (const [from, to] of snapshot.silences) beats.silences.push({ from, to });
    }
    return beats;
  }

  snapshot(): IngestBeatsV1 | undefined {
    if (this.last === null) return undefined;
    return { last: this.last, silences: this.silences.map(({ from, to }) => [from, to]) };
  }

  /** A beat at event time `at`: ends a silence. */
  beat(at: number): void {
    if (this.last !== null && at <= this.last) return;
    const open = this.openSilence();
    if (open) open.to = Math.max(open.from, at);
    this.last = at;
  }

  /** True while ingest counts as down. */
  get silent(): boolean {
    return this.openSilence() !== null;
  }

  /** The clock a pulse at event time `at` may move the partition to: `at`, or less while ingest is in doubt. */
  admit(at: number): number {
    if (this.last === null || this.openSilence()) return at;
    const quiet = at - this.last;
    if (quiet <= this.settings.freshMs) return at;
    if (quiet > this.settings.silenceMs) {
      this.silences.push({ from: this.last + this.settings.freshMs, to: null });
      while (this.silences.length > MAX_INGEST_SILENCES) this.silences.shift();
      return at;
    }
    return this.last + this.settings.freshMs;
  }

  /** True when a silence overlaps [from, to]: a miss with that window for a check-in is `unknown`. */
  covers(from: number, to: number): boolean {
    return this.silences.some((silence) => from < (silence.to ?? Number.POSITIVE_INFINITY) && to >= silence.from);
  }

  private openSilence(): { from: number; to: number | null } | null {
    const latest = this.silences[this.silences.length - 1];
    return latest && latest.to === null ? latest : null;
  }
}
