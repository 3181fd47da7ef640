import { nameBasedUuid, type MonitorEventV1 } from '@vigil/contracts';
import type { Outcome } from './types';

/** What a `MonitorEventV1` needs beyond the outcome: the monitor's identity, from the monitor catalog. */
export interface MonitorIdentity {
  organization_id: string;
  project_id: number;
  monitor_slug: string;
}

/** Namespace of the check-in ids minted for misses (a random, fixed UUID: changing it changes every id). */
const MISSED_CHECKIN_NAMESPACE = Buffer.from('6f1d2c3b4a5948e7b6a5c4d3e2f1a0b9', 'hex');

/**
 * A UUID (version 5) derived from an outcome's event id, so the check-in id of a miss is the same every time
 * the miss is emitted (after a restart, on another instance).
 */
export function deterministicCheckinId(eventId: string): string {
  return nameBasedUuid(MISSED_CHECKIN_NAMESPACE, eventId);
}

/**
 * The message to publish on `vigil.monitor-events.v1` for an outcome. A miss gets a check-in id derived from
 * its event id; a timeout carries the run's check-in id. Note: v1 documents the event id as
 * `<monitor>:<environment>:<slot>:<kind>`; timeouts use the run's check-in id in place of the slot, since two
 * runs of one slot (overlapping jobs, retries) can each time out.
 */
export function toMonitorEventV1(outcome: Outcome, identity: MonitorIdentity): MonitorEventV1 {
  return {
    version: 1,
    event_id: outcome.eventId,
    kind: outcome.kind,
    organization_id: identity.organization_id,
    project_id: identity.project_id,
    monitor_id: outcome.monitorId,
    monitor_slug: identity.monitor_slug,
    environment: outcome.environment,
    slot: outcome.slot,
    checkin_id: outcome.kind === 'timeout' ? outcome.checkinId : deterministicCheckinId(outcome.eventId),
    emitted_at: outcome.emittedAt,
  };
}
