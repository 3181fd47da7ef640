import type { EnvironmentState } from './monitor-environment-state';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A monitor-environment: Sentry's environment fields (`name`, `isMuted`, `lastCheckIn`, `nextCheckIn`, `nextCheckInLatest`) and Vigil's state. */
export function presentEnvironment(view: EnvironmentState, timezone: string): Record<string, unknown> {
  return {
    name: view.name,
    state: view.state,
    dateStateChanged: iso(view.stateChangedAt),
    isMuted: view.isMuted,
    openIssueId: view.openIssueId,
    lastCheckIn: iso(view.lastCheckIn?.dateCreatedMs ?? null),
    lastCheckInRun: view.lastCheckIn
      ? {
          id: view.lastCheckIn.checkinId,
          status: view.lastCheckIn.status,
          duration: view.lastCheckIn.durationMs,
          dateCreated: new Date(view.lastCheckIn.dateCreatedMs).toISOString(),
          dateUpdated: new Date(view.lastCheckIn.dateUpdatedMs).toISOString(),
        }
      : null,
    nextCheckIn: iso(view.nextCheckIn),
    nextCheckInLatest: iso(view.nextCheckInLatest),
    timezone,
    nextScheduled: view.nextScheduled,
  };
}
