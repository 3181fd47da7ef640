import { freshMsFor, PartitionIngestBeats } from '../outage-guard/ingest-beats';

const settings = { silenceMs: 10_000, freshMs: 3_000 };

describe('PartitionIngestBeats (decision 0023)', () => {
  it('knows nothing and holds nothing before the first beat', () => {
    const beats = new PartitionIngestBeats(settings);
    expect(beats.admit(1_000_000)).toBe(1_000_000);
    expect(beats.covers(0, 2_000_000)).toBe(false);
    expect(beats.snapshot()).toBeUndefined();
  });

  it('lets fresh pulses through, holds the clock while beats are overdue, opens a silence past the bound and closes it at the next beat', () => {
    const beats = new PartitionIngestBeats(settings);
    beats.beat(100_000);
    expect(beats.admit(103_000)).toBe(103_000);
    expect(beats.admit(105_000)).toBe(103_000);
    expect(beats.admit(110_000)).toBe(103_000);
    expect(beats.silent).toBe(false);
    expect(beats.admit(110_001)).toBe(110_001);
    expect(beats.silent).toBe(true);
    expect(beats.covers(90_000, 102_999)).toBe(false);
    expect(beats.covers(90_000, 103_000)).toBe(true);
    expect(beats.admit(500_000)).toBe(500_000);
    beats.beat(400_000);
    expect(beats.silent).toBe(false);
    expect(beats.covers(399_999, 600_000)).toBe(true);
    expect(beats.covers(400_000, 600_000)).toBe(false);
    // A late beat from a slower instance does not move time back.
    beats.beat(350_000);
    expect(beats.snapshot()).toEqual({ last: 400_000, silences: [[103_000, 400_000]] });
  });

  it('restores exactly what it wrote, open silence included', () => {
    const beats = new PartitionIngestBeats(settings);
    beats.beat(100_000);
    beats.admit(200_000);
    const restored = PartitionIngestBeats.restore(settings, beats.snapshot());
    expect(restored.silent).toBe(true);
    expect(restored.snapshot()).toEqual({ last: 100_000, silences: [[103_000, null]] });
  });

  it('keeps the latest 50 silences', () => {
    const beats = new PartitionIngestBeats(settings);
    for (let i = 0; i < 60; i += 1) {
      beats.beat(i * 100_000);
      beats.admit(i * 100_000 + 50_000);
    }
    const silences = beats.snapshot()!.silences;
    expect(silences).toHaveLength(50);
    expect(silences[0]).toEqual([10 * 100_000 + 3_000, 11 * 100_000]);
  });

  it('freshness: two beat intervals and a second, at most half the silence bound', () => {
    expect(freshMsFor(1_000, 10_000)).toBe(3_000);
    expect(freshMsFor(5_000, 10_000)).toBe(5_000);
  });
});
