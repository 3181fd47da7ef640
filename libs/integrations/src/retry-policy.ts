import type { AttemptResult } from './attempt';

/**
 * When to try a delivery again: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"). After attempt n failed retryably, the next waits a uniformly random time in
 * [0, min(capMs, baseMs * factor^(n-1))). Jitter spreads the retries of many alerts that failed together
 * (a receiver's outage) so they do not return together.
 */
export interface RetryPolicy {
  /** Upper bound of the first wait, in milliseconds. */
  baseMs: number;
  /** How much the upper bound grows per attempt (≥ 1). */
  factor: number;
  /** No wait is longer than this, in milliseconds. */
  capMs: number;
  /** Attempts in all, the first included (≥ 1). After the last retryable failure the alert is dead-lettered. */
  maxAttempts: number;
}

/** Five attempts over about ten minutes at most: waits below 5 s, 20 s, 80 s and 320 s. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = { baseMs: 5000, factor: 4, capMs: 600_000, maxAttempts: 5 };

/** A source of uniform numbers in [0, 1), injectable for tests. */
export type Random = () => number;

/** The upper bound of the wait after failed attempt `attempt` (1-based). */
export function backoffCeiling(policy: RetryPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  // factor^exponent overflows to Infinity for large attempts; the cap bounds it.
  return Math.min(policy.capMs, policy.baseMs * Math.pow(policy.factor, exponent));
}

/**
 * The wait after failed attempt `attempt`: full jitter under the ceiling. A receiver's Retry-After is
 * honoured as a lower bound, itself capped by `capMs` (a receiver cannot park an alert for a day).
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: Random = Math.random, retryAfterMs: number | null = null): number {
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.floor(r * backoffCeiling(policy, attempt));
  const floor = retryAfterMs === null ? 0 : Math.min(retryAfterMs, policy.capMs);
  return Math.min(policy.capMs, Math.max(jittered, floor));
}

export type NextStep =
  { action: 'done' } | { action: 'retry'; attempt: number; delayMs: number } | { action: 'dead_letter'; reason: 'permanent' | 'exhausted' };

/**
 * What follows attempt `attempt` (1-based) with `result`:
 * - delivered: done;
 * - permanent failure: dead-letter at once (retrying cannot help);
 * - retryable failure before `maxAttempts`: retry as attempt + 1 after `backoffDelay`;
 * - retryable failure at `maxAttempts`: dead-letter as exhausted.
 */
export function nextStep(
  policy: RetryPolicy,
  attempt: number,
  result: Pick<AttemptResult, 'outcome' | 'retryAfterMs'>,
  random: Random = Math.random,
): NextStep {
  if (result.outcome === 'delivered') return { action: 'done' };
  if (result.outcome === 'permanent') return { action: 'dead_letter', reason: 'permanent' };
  if (attempt >= policy.maxAttempts) return { action: 'dead_letter', reason: 'exhausted' };
  return { action: 'retry', attempt: attempt + 1, delayMs: backoffDelay(policy, attempt, random, result.retryAfterMs) };
}

/** Throws on a policy that would never stop or never wait sensibly. */
export function assertRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) problems.push('maxAttempts must be an integer ≥ 1');
  if (!(policy.baseMs >= 0)) problems.push('baseMs must be ≥ 0');
  if (!(policy.factor >= 1)) problems.push('factor must be ≥ 1');
  if (!(policy.capMs >= policy.baseMs)) problems.push('capMs must be ≥ baseMs');
  if (problems.length > 0) throw new Error(`invalid retry policy: ${problems.join('; ')}`);
  return policy;
}
