import { restartDelay } from './supervisor';

describe('restartDelay', () => {
  const policy = { minMs: 1000, maxMs: 30000, stableMs: 60000 };
  it('doubles from the minimum with each quick exit and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => restartDelay(policy, n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
