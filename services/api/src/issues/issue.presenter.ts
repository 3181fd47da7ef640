import type { IssueRun } from './issue-runs.repository';
import type { IssueView } from './issue-read.repository';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function presentIssue(issue: IssueView): Record<string, unknown> {
  return {
    id: issue.id,
    status: issue.status,
    project: { id: String(issue.projectId), slug: issue.projectSlug },
    monitor: { id: issue.monitorId, slug: issue.monitorSlug, name: issue.monitorName },
    environment: issue.environment,
    failureCount: issue.failureCount,
    openingStatus: issue.openingStatus,
    openingCheckInId: issue.openingCheckinId,
    resolvingCheckInId: issue.resolvingCheckinId,
    dateOpened: iso(issue.openedAt),
    dateLastFailure: iso(issue.lastFailureAt),
    dateResolved: iso(issue.resolvedAt),
  };
}

export function presentIssueRun(run: IssueRun): Record<string, unknown> {
  return {
    id: run.checkinId,
    status: run.status,
    duration: run.durationMs,
    dateCreated: new Date(run.dateCreatedMs).toISOString(),
    dateUpdated: new Date(run.dateUpdatedMs).toISOString(),
  };
}

export interface IssueRuns {
  opening: IssueRun | null;
  resolving: IssueRun | null;
  failures: IssueRun[];
}

export function presentIssueDetail(issue: IssueView, runs: IssueRuns): Record<string, unknown> {
  return {
    ...presentIssue(issue),
    checkIns: {
      // The opening run is a failure: shown as what opened the issue, whatever closed the run later.
      opening: runs.opening ? presentIssueRun({ ...runs.opening, status: issue.openingStatus }) : null,
      resolving: runs.resolving ? presentIssueRun(runs.resolving) : null,
      failures: runs.failures.map(presentIssueRun),
    },
  };
}
