import { HOUR_MS } from './civil';
import { ScheduleError } from './errors';

// A time zone's UTC offsets as a table of transitions, built lazily from Intl one chunk of time at a time and
// cached per zone, so that the hot path (offset of an instant, instant of a wall time) is arithmetic and never
// calls Intl.

/** Chunk length: 400 days, a whole number of seconds, minutes and days. */
const CHUNK_MS = 400 * 24 * HOUR_MS;
/**
 * Offsets are sampled every 12 hours and transitions found by bisection to the second. Two transitions less than
 * 12 hours apart that cancel out would be missed; the tz database has none since 1970.
 */
const SAMPLE_MS = 12 * HOUR_MS;
/** Larger than any offset and any backward jump (fold) the tz database has ever had. */
const MAX_SHIFT_MS = 48 * HOUR_MS;

interface Chunk {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  /** Instants at which the offset changes, ascending, all within (start, end). */
  readonly transitions: number[];
  /** offsets[0] is in force from `start`; offsets[k + 1] from transitions[k]. */
  readonly offsets: number[];
}

export class Zone {
  private readonly format: Intl.DateTimeFormat;
  private readonly fastFormat: Intl.DateTimeFormat;
  private readonly chunks = new Map<number, Chunk>();
  private last: Chunk | undefined;
  /** Set by `offsetAt`: the stretch [segmentStart, segmentEnd) around the instant with the same offset. */
  segmentStart = 0;
  segmentEnd = 0;

  private constructor(readonly name: string) {
    this.fastFormat = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  private static readonly cache = new Map<string, Zone>();

  /** The zone named `name` (an IANA name, or anything else Intl accepts such as `UTC`), cached. */
  static get(name: string): Zone {
    const cached = Zone.cache.get(name);
    if (cached) return cached;
    const canonical = canonicalZoneName(name);
    if (canonical === null) throw new ScheduleError('timezone', `unknown time zone ${JSON.stringify(name)}`);
    let zone = Zone.cache.get(canonical);
    if (!zone) {
      zone = new Zone(canonical);
      Zone.cache.set(canonical, zone);
    }
    Zone.cache.set(name, zone);
    return zone;
  }

  /** UTC offset (wall minus UTC, in ms) in force at instant `t`; also sets segmentStart/segmentEnd. */
  offsetAt(t: number): number {
    let chunk = this.last;
    if (chunk === undefined || t < chunk.start || t >= chunk.end) {
      chunk = this.chunk(Math.floor(t / CHUNK_MS));
      this.last = chunk;
    }
    const transitions = chunk.transitions;
    let k = 0;
    while (k < transitions.length && transitions[k]! <= t) k++;
    this.segmentStart = k === 0 ? chunk.start : transitions[k - 1]!;
    this.segmentEnd = k < transitions.length ? transitions[k]! : chunk.end;
    return chunk.offsets[k]!;
  }

  /**
   * The latest wall-clock reading (naive ms) shown at or before instant `t`. It is the wall time of `t` except
   * in the second pass through a repeated hour, where the clock already showed later times before it fell back.
   */
  maxWallAtOrBefore(t: number): number {
    let best = t + this.offsetAt(t);
    let start = this.segmentStart;
    const horizon = t - MAX_SHIFT_MS;
    while (start > horizon) {
      const before = start - 1;
      const wall = before + this.offsetAt(before);
      if (wall > best) best = wall;
      start = this.segmentStart;
    }
    return best;
  }

  /**
   * The first instant whose wall-clock reading is at or after `wall` (naive ms). For a wall time that exists once
   * it is that instant; for one skipped by a forward jump it is the jump (the first valid moment after the gap);
   * for one repeated by a backward jump it is its first occurrence.
   */
  firstInstantAtOrAfterWall(wall: number): number {
    let t = wall - MAX_SHIFT_MS;
    for (;;) {
      const offset = this.offsetAt(t);
      const end = this.segmentEnd;
      if (end + offset > wall) return Math.max(this.segmentStart, wall - offset);
      t = end;
    }
  }

  private chunk(index: number): Chunk {
    const cached = this.chunks.get(index);
    if (cached) return cached;
    const start = index * CHUNK_MS;
    const end = start + CHUNK_MS;
    const transitions: number[] = [];
    const offsets: number[] = [this.slowOffset(start)];
    let previous = start;
    let previousOffset = offsets[0]!;
    for (let sample = start + SAMPLE_MS; sample <= end; sample += SAMPLE_MS) {
      const sampleOffset = this.slowOffset(sample);
      // Find every change in (previous, sample]; each bisection finds the first one after `previous`.
      while (sampleOffset !== previousOffset) {
        let lo = previous; // offset previousOffset
        let hi = sample; // a different offset
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.slowOffset(mid) === previousOffset) lo = mid;
          else hi = mid;
        }
        if (hi >= end) break; // belongs to the next chunk
        const offset = this.slowOffset(hi);
        transitions.push(hi);
        offsets.push(offset);
        previous = hi;
        previousOffset = offset;
      }
      previous = sample;
    }
    const chunk: Chunk = { index, start, end, transitions, offsets };
    this.chunks.set(index, chunk);
    return chunk;
  }

  /** The offset at `t` from Intl, to the second (slow: microseconds). */
  private slowOffset(t: number): number {
    const second = Math.floor(t / 1000) * 1000;
    // format() and a regular expression are several times faster than formatToParts; years before 1000 AD and
    // BC dates fall through to formatToParts.
    const m = FAST.exec(this.fastFormat.format(second));
    if (m) {
      const wall = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
      return wall - second;
    }
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let sec = 0;
    let bc = false;
    for (const part of this.format.formatToParts(second)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          sec = Number(part.value);
          break;
        case 'era':
          bc = part.value === 'BC' || part.value === 'B';
          break;
      }
    }
    const date = new Date(0);
    date.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
    date.setUTCHours(hour, minute, sec, 0);
    return date.getTime() - second;
  }
}

const FAST = /^(\d\d)\/(\d\d)\/(\d{4}), (\d\d):(\d\d):(\d\d)$/;

function canonicalZoneName(name: string): string | null {
  if (typeof name !== 'string' || name.trim() === '' || name !== name.trim()) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Whether `name` is a time zone this library accepts (an IANA name, or `UTC`). */
export function isValidTimeZone(name: string): boolean {
  return canonicalZoneName(name) !== null;
}
