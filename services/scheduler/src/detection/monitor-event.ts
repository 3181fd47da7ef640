import type { MonitorEventV1 } from '@vigil/contracts';
import { createHash } from 'node:crypto';
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
 * A UUID (version 5, RFC 9562: SHA-1 of a namespace and a name) derived from an outcome's event id, so the
 * check-in id of a miss is the same every time the miss is emitted (after a restart, on another instance).
 */
export function deterministicCheckinId(eventId: string): string {
  const hash = createHash('sha1').update(MISSED_CHECKIN_NAMESPACE).update(eventId, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
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
