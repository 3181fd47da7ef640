import { partitionsEntirelyBefore } from '../retention/history-retention';

describe('partitionsEntirelyBefore', () => {
  it('takes the months that ended at or before the cutoff, never the month the cutoff falls in', () => {
    const cutoff = Date.UTC(2026, 8, 15, 12); // 2026-09-15
    expect(partitionsEntirelyBefore([202512, 202601, 202607, 202608, 202609, 202610], cutoff)).toEqual([202512, 202601, 202607, 202608]);
  });

  it('a month whose end is the cutoff itself is entirely older; December ends at the new year', () => {
    expect(partitionsEntirelyBefore([202608, 202609], Date.UTC(2026, 8, 1))).toEqual([202608]);
    expect(partitionsEntirelyBefore([202512], Date.UTC(2026, 0, 1))).toEqual([202512]);
    expect(partitionsEntirelyBefore([202512], Date.UTC(2026, 0, 1) - 1)).toEqual([]);
  });
});
