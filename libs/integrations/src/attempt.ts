/**
 * The record of one delivery attempt, whatever the channel. The notifier stores one per attempt and decides
 * from `outcome` (with the retry policy) whether to retry, give up to the dead-letter topic, or stop.
 */

/**
 * - `delivered`: the receiver accepted it (HTTP 2xx, SMTP 250);
 * - `retryable`: it may succeed later (HTTP 5xx, 408 and 429, timeouts, refused or reset connections, DNS
 *   and TLS failures, SMTP 4xx replies);
 * - `permanent`: retrying the same request cannot help (any other HTTP 3xx or 4xx, SMTP 5xx replies, a
 *   refused address, a target that is not configured).
 */
export const ATTEMPT_OUTCOMES = ['delivered', 'retryable', 'permanent'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** Why an attempt did not deliver, for machines (the `error` text is for people). */
export const ATTEMPT_ERROR_CODES = [
  'http_status',
  'timeout',
  'connection_refused',
  'connection_reset',
  'dns',
  'tls',
  'network',
  'address_refused',
  'invalid_target',
  'smtp_rejected',
  'smtp_not_configured',
] as const;
export type AttemptErrorCode = (typeof ATTEMPT_ERROR_CODES)[number];

export interface AttemptResult {
  outcome: AttemptOutcome;
  /** The HTTP status or SMTP reply code the receiver answered with; null when it never answered. */
  statusCode: number | null;
  /** Null when delivered. */
  errorCode: AttemptErrorCode | null;
  /**
   * What went wrong, for people; for a delivered email, recipients the server refused. Never holds a
   * credential: no URL path or query, no secret, no routing key.
   */
  error: string | null;
  /** From sending the first byte (or resolving the host) to the end of the answer or the failure. */
  durationMs: number;
  /** When the receiver asked to be retried later (HTTP Retry-After), in milliseconds; else null. */
  retryAfterMs: number | null;
  /** The start of the receiver's answer body (at most RESPONSE_EXCERPT_MAX characters), for diagnosis. */
  response: string | null;
}

export const RESPONSE_EXCERPT_MAX = 512;
export const ERROR_TEXT_MAX = 300;

export function failure(
  outcome: Exclude<AttemptOutcome, 'delivered'>,
  errorCode: AttemptErrorCode,
  error: string,
  durationMs: number,
  extra: Partial<Pick<AttemptResult, 'statusCode' | 'retryAfterMs' | 'response'>> = {},
): AttemptResult {
  return {
    outcome,
    statusCode: extra.statusCode ?? null,
    errorCode,
    error: error.slice(0, ERROR_TEXT_MAX),
    durationMs,
    retryAfterMs: extra.retryAfterMs ?? null,
    response: extra.response ?? null,
  };
}
