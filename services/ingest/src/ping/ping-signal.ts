import type { CheckinSignal } from '@vigil/contracts';
import { DomainError } from '@vigil/errors';

export interface ParsedSignal {
  status: CheckinSignal;
  exitStatus: number | null;
}

/**
 * The Healthchecks ping suffixes: none = success, /start, /fail, /log (a message, no state change), and
 * /<exit status> (0 success, 1-255 failure, above 255 rejected).
 */
export function pingSignal(suffix: string | undefined): ParsedSignal {
  if (suffix === undefined || suffix === '') return { status: 'ok', exitStatus: null };
  if (suffix === 'start') return { status: 'in_progress', exitStatus: null };
  if (suffix === 'fail') return { status: 'error', exitStatus: null };
  if (suffix === 'log') return { status: 'log', exitStatus: null };
  if (/^\d{1,3}$/.test(suffix) && Number(suffix) <= 255) {
    const code = Number(suffix);
    return { status: code === 0 ? 'ok' : 'error', exitStatus: code };
  }
  if (/^\d+$/.test(suffix)) throw new DomainError('invalid', 'invalid_exit_status', 'exit status must be between 0 and 255', 'exit_status');
  throw new DomainError('not_found', 'unknown_signal', `unknown ping signal "${suffix}"`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOWER_CASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A uuid in any case (`?rid=`, as Healthchecks reads it). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A check's uuid in a ping URL: lower case only, as Healthchecks matches it. An upper-case one is no uuid there
 * (`/ping/<UUID>` is not found, `/ping/<UUID>/start` a ping key that does not exist), so a URL that works with
 * Vigil works with Healthchecks too.
 */
export function isPingUuid(value: string): boolean {
  return LOWER_CASE_UUID.test(value);
}

/** What a slug segment of a ping URL may be made of (Healthchecks' URL pattern); anything else matches no URL. */
export const SLUG_SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Vigil's slugs: lower-case letters, digits, hyphens and underscores, at most 50 characters (Sentry's limit). */
export const PING_SLUG = /^[a-z0-9_-]{1,50}$/;
