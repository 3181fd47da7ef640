import { DomainError } from '@vigil/errors';

/** Decimal seconds, as Relay reads them (a float): digits, an optional fraction and exponent. */
const DECIMAL_SECONDS = /^\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `duration` of a query-mode cron check-in, in seconds. Relay reads it as a float, and writes what is not finite
 * (`NaN`, `inf`, `1e400`) as no duration, leaving negative ones to be refused further on; Vigil refuses all of
 * them here, naming the field, and anything JavaScript's Number() would take that a float parser would not
 * (`0x10`, `0b1`, ` 5`, `''`).
 */
export function parseDuration(raw: unknown): number {
  if (typeof raw !== 'string') throw new DomainError('invalid', 'invalid_checkin', 'duration must be given once', 'duration');
  if (raw.startsWith('-') && DECIMAL_SECONDS.test(raw.slice(1)))
    throw new DomainError('invalid', 'invalid_checkin', 'duration must not be negative', 'duration');
  if (!DECIMAL_SECONDS.test(raw)) throw new DomainError('invalid', 'invalid_checkin', 'duration must be a number of seconds', 'duration');
  const seconds = Number(raw);
  if (!Number.isFinite(seconds)) throw new DomainError('invalid', 'invalid_checkin', 'duration must be a finite number of seconds', 'duration');
  return seconds;
}
