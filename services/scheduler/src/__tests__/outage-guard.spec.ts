import { describe, expect, it } from '@jest/globals';
import { OutageGuard, type GuardChange } from '../outage-guard/outage-guard';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);

/** Drives a guard through event time: `perMinute(minute)` check-ins at the start of each minute, pulses every second. */
function run(guard: OutageGuard, minutes: number, perMinute: (minute: number) => number, beats: (minute: number) => boolean = () => false): GuardChange[] {
  const changes: GuardChange[] = [];
  for (let minute = 0; minute < minutes; minute += 1) {
    const start = T0 + minute * MINUTE;
    const count = perMinute(minute);
    for (let i = 0; i < count; i += 1) guard.checkin(start + (i % 2000));
    for (let second = 0; second < 60; second += 1) {
      if (beats(minute)) guard.ingestBeat(start + second * 1000);
      changes.push(...guard.advance(start + second * 1000 + 500));
    }
  }
  return changes;
}

describe('OutageGuard', () => {
  it('opens one incident while the check-ins of 500 monitors stop for 3 minutes, covers their misses, and closes when they come back', () => {
    const guard = new OutageGuard();
    // Minutes 0-14 normal, 15-17 ingest down (nothing arrives), 18-25 normal again.
    const changes = run(guard, 26, (minute) => (minute >= 15 && minute <= 17 ? 0 : 500));
    expect(changes.map((change) => [change.kind, change.incident.cause])).toEqual([
      ['opened', 'volume_collapsed'],
      ['closed', 'volume_collapsed'],
    ]);
    const [opened, closed] = changes;
    expect(opened!.incident.from).toBeLessThanOrEqual(T0 + 15 * MINUTE);
    expect(opened!.incident.from).toBeGreaterThan(T0 + 14 * MINUTE);
    expect(closed!.incident.to).toBeGreaterThanOrEqual(T0 + 18 * MINUTE);
    expect(closed!.incident.to).toBeLessThan(T0 + 19 * MINUTE);
    // A monitor expected every minute with a minute of margin: slot 16 due at 17 is unknown; slot 20 due at 21 is missed.
    expect(guard.covers(T0 + 16 * MINUTE, T0 + 17 * MINUTE)).toBe(true);
    expect(guard.covers(T0 + 15 * MINUTE, T0 + 16 * MINUTE)).toBe(true);
    expect(guard.covers(T0 + 20 * MINUTE, T0 + 21 * MINUTE)).toBe(false);
    expect(guard.covers(T0 + 10 * MINUTE, T0 + 11 * MINUTE)).toBe(false);
    expect(guard.current).toBeNull();
  });

  it('hides nothing when 20 % of the monitors stop at once and the rest keep their volume (a cron host dying)', () => {
    const guard = new OutageGuard();
    const changes = run(guard, 30, (minute) => (minute >= 15 ? 400 : 500));
    expect(changes).toEqual([]);
    expect(guard.covers(T0 + 16 * MINUTE, T0 + 17 * MINUTE)).toBe(false);
  });

  it('opens at once when ingest stops beating, even with too few check-ins for a volume baseline', () => {
    const guard = new OutageGuard();
    const changes = run(
      guard,
      12,
      () => 3,
      (minute) => minute < 8 || minute >= 10,
    );
    expect(changes.map((change) => [change.kind, change.incident.cause])).toEqual([
      ['opened', 'ingest_silent'],
      ['closed', 'ingest_silent'],
    ]);
    // Opened ten seconds after the last beat, dated from just after that beat.
    expect(changes[0]!.incident.from).toBeGreaterThanOrEqual(T0 + 8 * MINUTE - 1000);
    expect(changes[0]!.incident.from).toBeLessThanOrEqual(T0 + 8 * MINUTE);
    expect(changes[1]!.incident.to).toBeLessThan(T0 + 10 * MINUTE + 2000);
  });

  it('gives up a collapse that lasts, with ingest alive, after maxCollapseMs and learns the new volume', () => {
    const guard = new OutageGuard({ maxCollapseMs: 10 * MINUTE });
    const changes = run(
      guard,
      60,
      (minute) => (minute >= 15 ? 40 : 500),
      () => true,
    );
    expect(changes.map((change) => change.kind)).toEqual(['opened', 'closed']);
    expect(changes[1]!.incident.to! - changes[1]!.incident.from).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(guard.covers(T0 + 40 * MINUTE, T0 + 41 * MINUTE)).toBe(false);
  });

  it('judges nothing by volume without enough history, nor below the minimum baseline', () => {
    expect(run(new OutageGuard(), 4, (minute) => (minute < 3 ? 500 : 0))).toEqual([]);
    expect(run(new OutageGuard(), 20, (minute) => (minute < 15 ? 20 : 0))).toEqual([]);
  });

  it('prefers the same minute of earlier hours: an hourly burst is expected there and nowhere else', () => {
    const guard = new OutageGuard();
    // Every minute 100 check-ins, and at minute 0 of each hour 2,000 more (hourly jobs), for four hours.
    const changes = run(guard, 4 * 60 + 5, (minute) => 100 + (minute % 60 === 0 ? 2000 : 0));
    expect(changes).toEqual([]);
    expect(guard.baseline(T0 + 4 * 60 * MINUTE + 30_000)).toBeGreaterThan(2000);
    expect(guard.baseline(T0 + (4 * 60 + 3) * MINUTE + 30_000)).toBe(100);
  });
});

describe('OutageGuard after a backlog', () => {
  it('judges a jump at every bucket it crosses, as if the time had come in steps', () => {
    const stepped = new OutageGuard();
    const jumped = new OutageGuard();
    const perMinute = (minute: number) => (minute >= 8 && minute <= 10 ? 0 : minute >= 14 ? 400 : 500);
    const steppedChanges = run(stepped, 24, perMinute);
    // The same check-ins, all counted first, then the clock moved in three jumps.
    for (let minute = 0; minute < 24; minute += 1) for (let i = 0; i < perMinute(minute); i += 1) jumped.checkin(T0 + minute * MINUTE + (i % 2000));
    const jumpedChanges = [...jumped.advance(T0 + 5 * MINUTE), ...jumped.advance(T0 + 12 * MINUTE + 42_000), ...jumped.advance(T0 + 24 * MINUTE - 500)];
    expect(jumpedChanges.map((change) => [change.kind, change.incident.from])).toEqual(steppedChanges.map((change) => [change.kind, change.incident.from]));
    expect(jumpedChanges).toHaveLength(2);
  });
});
