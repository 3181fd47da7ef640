import { RateLimiter } from '../limits/rate-limiter';

describe('RateLimiter', () => {
  it('allows the burst at once, then refills at the sustained rate', () => {
    const limiter = new RateLimiter(60, 3);
    expect([0, 1, 2].map(() => limiter.take('m:production', 0))).toEqual([0, 0, 0]);
    expect(limiter.take('m:production', 0)).toBe(1000);
    expect(limiter.take('m:production', 990)).toBeGreaterThanOrEqual(10);
    expect(limiter.take('m:production', 990)).toBeLessThanOrEqual(11);
    expect(limiter.take('m:production', 1000)).toBe(0);
  });

  it('keeps each monitor-environment apart', () => {
    const limiter = new RateLimiter(60, 1);
    expect(limiter.take('a:production', 0)).toBe(0);
    expect(limiter.take('a:production', 0)).toBeGreaterThan(0);
    expect(limiter.take('a:staging', 0)).toBe(0);
    expect(limiter.take('b:production', 0)).toBe(0);
  });

  it('never refills above the burst', () => {
    const limiter = new RateLimiter(60, 2);
    limiter.take('k', 0);
    expect([limiter.take('k', 3_600_000), limiter.take('k', 3_600_000), limiter.take('k', 3_600_000)]).toEqual([0, 0, 1000]);
  });

  it('is off at a rate of zero', () => {
    const limiter = new RateLimiter(0, 1);
    expect(Array.from({ length: 100 }, () => limiter.take('k', 0)).every((wait) => wait === 0)).toBe(true);
  });

  it('forgets full buckets when it sweeps, and sweeps before growing past its bound', () => {
    const limiter = new RateLimiter(60, 1, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    expect(limiter.size).toBe(2);
    limiter.take('c', 5000);
    expect(limiter.size).toBe(1);
  });
});
