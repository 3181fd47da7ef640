import { DomainError } from '@vigil/errors';
import type { CheckinStatus } from '@vigil/contracts';

/**
 * The Healthchecks ping suffixes: none = success, /start, /fail, /<exit status> (0 success, 1-255 failure).
 * `/log` and slug URLs arrive with the full Healthchecks protocol (issue #3).
 */
export function pingStatus(suffix: string | undefined): CheckinStatus {
  if (suffix === undefined || suffix === '') return 'ok';
  if (suffix === 'start') return 'in_progress';
  if (suffix === 'fail') return 'error';
  if (/^\d{1,3}$/.test(suffix)) {
    const code = Number(suffix);
    if (code <= 255) return code === 0 ? 'ok' : 'error';
  }
  if (/^\d+$/.test(suffix)) throw new DomainError('invalid', 'invalid_exit_status', 'exit status must be between 0 and 255', 'exit_status');
  throw new DomainError('not_found', 'unknown_signal', `unknown ping signal "${suffix}"`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
