import type { RetryPolicy } from '@vigil/integrations';
import { decideAfterAttempt, decideAfterStaleClaim } from '../deliveries/delivery-decision';

const POLICY: RetryPolicy = { baseMs: 1000, factor: 4, capMs: 60_000, maxAttempts: 3 };
const half = () => 0.5;

describe('decideAfterAttempt', () => {
  it('delivered succeeds; permanent is dead at once', () => {
    expect(decideAfterAttempt(POLICY, 1, { outcome: 'delivered', retryAfterMs: null })).toEqual({ action: 'succeed' });
    expect(decideAfterAttempt(POLICY, 1, { outcome: 'permanent', retryAfterMs: null })).toEqual({ action: 'dead', reason: 'permanent' });
  });

  it('retryable waits with jittered backoff until the last attempt, then is exhausted', () => {
    expect(decideAfterAttempt(POLICY, 1, { outcome: 'retryable', retryAfterMs: null }, half)).toEqual({ action: 'retry', delayMs: 500 });
    expect(decideAfterAttempt(POLICY, 2, { outcome: 'retryable', retryAfterMs: null }, half)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(decideAfterAttempt(POLICY, 3, { outcome: 'retryable', retryAfterMs: null }, half)).toEqual({ action: 'dead', reason: 'exhausted' });
  });
});

describe('decideAfterStaleClaim', () => {
  it('an interrupted attempt is retried at once with the next attempt, unless it was the last', () => {
    expect(decideAfterStaleClaim(POLICY, 1, 'interrupted')).toEqual({ action: 'retry', delayMs: 0 });
    expect(decideAfterStaleClaim(POLICY, 3, 'interrupted')).toEqual({ action: 'dead', reason: 'exhausted' });
  });

  it('a recorded result decides as it did before the crash', () => {
    expect(decideAfterStaleClaim(POLICY, 2, 'delivered')).toEqual({ action: 'succeed' });
    expect(decideAfterStaleClaim(POLICY, 1, 'permanent')).toEqual({ action: 'dead', reason: 'permanent' });
    expect(decideAfterStaleClaim(POLICY, 3, 'retryable')).toEqual({ action: 'dead', reason: 'exhausted' });
  });
});
