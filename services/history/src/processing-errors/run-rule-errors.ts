import { nameBasedUuid, PROCESSING_ERROR_TYPES, type CheckinMessageV1, type ProcessingErrorType, type ProcessingErrorV1 } from '@vigil/contracts';
import type { ResolvedSignal } from '@vigil/runs';

/** Namespace of the ids of processing errors history records (a random, fixed UUID: changing it changes every id). */
const RUN_RULE_ERROR_NAMESPACE = Buffer.from('3b9e0f4c2a7d4e61a8c5f0b1d2e3c4a5', 'hex');

/** What history does with a resolved check-in: store it as a signal of its run, and/or record a processing error. */
export interface CheckinDisposition {
  store: boolean;
  error: ProcessingErrorType | null;
}

/**
 * Sentry's consumer rules for check-ins the runs ledger ignores (libs/runs `IgnoredSignal`): a Sentry
 * check-in's late start is dropped silently, its second close is dropped and recorded as `checkin_finished`.
 * Pings are always stored (Healthchecks lists every ping); the readers' fold (`RUN_STATUS`) leaves their run's
 * status as it was.
 */
export function dispositionOf(message: CheckinMessageV1, resolved: ResolvedSignal): CheckinDisposition {
  if (resolved.ignored === undefined || message.source === 'ping') return { store: true, error: null };
  return { store: false, error: resolved.ignored === 'finished' ? 'checkin_finished' : null };
}

/**
 * Whether history must ask the store if the check-in's run was opened in another environment: a Sentry close
 * that names a run (exact id) and closed none in its own environment. Such a close is Sentry's
 * `checkin_environment_mismatch` when its id was stored under another environment of the monitor.
 */
export function mayCloseAnotherEnvironment(message: CheckinMessageV1, resolved: ResolvedSignal): boolean {
  return (
    message.source !== 'ping' &&
    message.run_match === 'exact' &&
    (message.status === 'ok' || message.status === 'error') &&
    !resolved.closedRun &&
    resolved.ignored === undefined
  );
}

/**
 * The processing error for a check-in history did not apply. Its id derives from the check-in's event id, so a
 * batch repeated after a crash records the same error again, which the table's replacing merge folds.
 */
export function runRuleError(message: CheckinMessageV1, type: ProcessingErrorType, detail = ''): ProcessingErrorV1 {
  return {
    version: 1,
    error_id: nameBasedUuid(RUN_RULE_ERROR_NAMESPACE, `${message.event_id}:${type}`),
    organization_id: message.organization_id,
    project_id: message.project_id,
    monitor_slug: message.monitor_slug,
    environment: message.environment,
    source: message.source,
    errors: [{ code: type, field: 'check_in_id', message: `${PROCESSING_ERROR_TYPES[type]} (check_in_id ${message.checkin_id}${detail})` }],
    payload: JSON.stringify({
      check_in_id: message.checkin_id,
      monitor_slug: message.monitor_slug,
      status: message.status,
      environment: message.environment,
      duration: message.duration_ms === null ? null : message.duration_ms / 1000,
    }),
    received_at: message.received_at,
  };
}
