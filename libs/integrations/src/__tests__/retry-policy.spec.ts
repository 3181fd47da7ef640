import { loadConfig } from '@vigil/config';
import {
  assertRetryPolicy,
  backoffCeiling,
  backoffDelay,
  classifyStatus,
  DEFAULT_RETRY_POLICY,
  nextStep,
  parseRetryAfter,
  retryPolicyFromConfig,
  type RetryPolicy,
} from '../index';

const POLICY: RetryPolicy = { baseMs: 1000, factor: 2, capMs: 10_000, maxAttempts: 5 };

/** A deterministic stand-in for Math.random. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe('retry policy: backoff with full jitter', () => {
  it('the ceiling grows by the factor from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 50, 5000].map((n) => backoffCeiling(POLICY, n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000]);
    expect(backoffCeiling(DEFAULT_RETRY_POLICY, 1)).toBe(5000);
    expect(backoffCeiling(DEFAULT_RETRY_POLICY, 4)).toBe(320_000);
  });

  it('the delay is uniform in [0, ceiling): 0 at random 0, just under the ceiling near 1, never above the cap', () => {
    expect(backoffDelay(POLICY, 3, () => 0)).toBe(0);
    expect(backoffDelay(POLICY, 3, () => 0.5)).toBe(2000);
    expect(backoffDelay(POLICY, 3, () => 0.999999)).toBe(3999);
    expect(backoffDelay(POLICY, 1000, () => 0.999999)).toBe(9999);
    // A broken random source cannot push a delay out of bounds.
    expect(backoffDelay(POLICY, 3, () => 7)).toBe(4000);
    expect(backoffDelay(POLICY, 3, () => -1)).toBe(0);
  });

  it('stays within bounds over many draws, and spreads', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const delays = Array.from({ length: 500 }, () => backoffDelay(POLICY, attempt));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(backoffCeiling(POLICY, attempt));
      expect(new Set(delays).size).toBeGreaterThan(50);
    }
  });

  it('honours Retry-After as a lower bound, capped', () => {
    expect(backoffDelay(POLICY, 1, () => 0, 7000)).toBe(7000);
    expect(backoffDelay(POLICY, 1, () => 0, 3_600_000)).toBe(10_000);
    expect(backoffDelay(POLICY, 4, () => 0.99, 100)).toBe(7920);
  });
});

describe('retry policy: next step', () => {
  const retryable = { outcome: 'retryable' as const, retryAfterMs: null };

  it('delivered is done, permanent is dead-lettered at once', () => {
    expect(nextStep(POLICY, 1, { outcome: 'delivered', retryAfterMs: null })).toEqual({ action: 'done' });
    expect(nextStep(POLICY, 1, { outcome: 'permanent', retryAfterMs: null })).toEqual({ action: 'dead_letter', reason: 'permanent' });
  });

  it('retryable is retried until maxAttempts, then dead-lettered as exhausted', () => {
    const random = sequence(0.5);
    const steps = [1, 2, 3, 4, 5].map((attempt) => nextStep(POLICY, attempt, retryable, random));
    expect(steps).toEqual([
      { action: 'retry', attempt: 2, delayMs: 500 },
      { action: 'retry', attempt: 3, delayMs: 1000 },
      { action: 'retry', attempt: 4, delayMs: 2000 },
      { action: 'retry', attempt: 5, delayMs: 4000 },
      { action: 'dead_letter', reason: 'exhausted' },
    ]);
    expect(nextStep({ ...POLICY, maxAttempts: 1 }, 1, retryable)).toEqual({ action: 'dead_letter', reason: 'exhausted' });
  });

  it('policies from config, and invalid policies refused', () => {
    expect(retryPolicyFromConfig(loadConfig({}))).toEqual({ baseMs: 5000, factor: 4, capMs: 600_000, maxAttempts: 5 });
    expect(retryPolicyFromConfig(loadConfig({ VIGIL_NOTIFIER_MAX_ATTEMPTS: '2', VIGIL_NOTIFIER_RETRY_BASE_MS: '100' }))).toMatchObject({
      baseMs: 100,
      maxAttempts: 2,
    });
    expect(() => assertRetryPolicy({ ...POLICY, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => assertRetryPolicy({ ...POLICY, factor: 0.5 })).toThrow(/factor/);
    expect(() => assertRetryPolicy({ ...POLICY, capMs: 10 })).toThrow(/capMs/);
  });
});

describe('HTTP outcome classification', () => {
  it.each([
    [200, 'delivered'],
    [202, 'delivered'],
    [204, 'delivered'],
    [301, 'permanent'],
    [302, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
    [413, 'permanent'],
    [408, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
  ])('HTTP %i is %s', (status, outcome) => {
    expect(classifyStatus(status)).toBe(outcome);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
