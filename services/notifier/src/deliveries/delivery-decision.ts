import type { DeadLetterReason } from '@vigil/contracts';
import type { AttemptRecordOutcome } from '@vigil/db';
import { nextStep, type AttemptResult, type Random, type RetryPolicy } from '@vigil/integrations';

/** What becomes of a delivery after an attempt's result is known. */
export type DeliveryDecision = { action: 'succeed' } | { action: 'retry'; delayMs: number } | { action: 'dead'; reason: DeadLetterReason };

/**
 * The decision after attempt `attempt` (1-based), from the retry policy (`nextStep`): delivered succeeds; a
 * permanent failure is dead at once; a retryable one waits with backoff and jitter, and is dead (exhausted)
 * once `maxAttempts` attempts failed.
 */
export function decideAfterAttempt(
  policy: RetryPolicy,
  attempt: number,
  result: Pick<AttemptResult, 'outcome' | 'retryAfterMs'>,
  random?: Random,
): DeliveryDecision {
  const step = nextStep(policy, attempt, result, random);
  if (step.action === 'done') return { action: 'succeed' };
  if (step.action === 'dead_letter') return { action: 'dead', reason: step.reason };
  return { action: 'retry', delayMs: step.delayMs };
}

/**
 * A delivery found in `sending` past its lease: the notifier that claimed it stopped (a crash, a kill, a lost
 * connection) somewhere between starting attempt `attempt` and finishing the delivery's update. What its last
 * attempt says decides, as if it had just finished:
 * - `interrupted` (no result recorded: the receiver may or may not have got it) counts as a retryable failure,
 *   so the next attempt goes out at once, with the same delivery id, unless it was the last one allowed;
 * - a recorded result (the crash came after it was written, before the dead letter was published) decides as
 *   it did the first time.
 * No delay: the lease has already been waited out.
 */
export function decideAfterStaleClaim(policy: RetryPolicy, attempt: number, lastOutcome: AttemptRecordOutcome): DeliveryDecision {
  if (lastOutcome === 'delivered') return { action: 'succeed' };
  if (lastOutcome === 'permanent') return { action: 'dead', reason: 'permanent' };
  if (attempt >= policy.maxAttempts) return { action: 'dead', reason: 'exhausted' };
  return { action: 'retry', delayMs: 0 };
}
