import type { IssueEventKind, IssueEventStatus, IssueEventV1, RunResultV1 } from '@vigil/contracts';
import { issueEventId, issueId } from './issue-ids';
import type { OpenIssue, Thresholds, TrackState } from './issue-track';
import { remember, resultFingerprint } from './recent-results';

/** What one run result did to its track's issue: the event to publish and the result's event time. */
export interface IssueTransition {
  event: IssueEventV1;
  /** Event time of the result (`IssueEventV1` carries the issue's times, not the result's). */
  at: number;
}

export interface Applied {
  state: TrackState;
  /** Null when the result changed no issue (a failure below the threshold, an ok with nothing open, an unknown). */
  transition: IssueTransition | null;
  /** The result was applied before (its fingerprint is among the track's recent ones): nothing changed. */
  duplicate: boolean;
}

/**
 * Applies one run result of a monitor-environment to its counting state, in the order the scheduler judged
 * them:
 * - a failure (`error`, `missed`, `timeout`) ends the ok streak and extends the failure streak; with an issue
 *   open it attaches to it (`issue.updated`), otherwise the streak reaching `failureIssueThreshold` opens one
 *   (`issue.opened`, counting the whole streak);
 * - an `ok` ends the failure streak and extends the ok streak; with an issue open, the streak reaching
 *   `recoveryThreshold` resolves it (`issue.resolved`). A new issue then needs the full failure threshold;
 * - an `unknown` (a miss while Vigil's own pipeline was down, decision 0023) changes nothing: it is neither a
 *   failure nor an ok, so both streaks go on across it as if it were not there, and it opens, updates and
 *   resolves nothing. It is not remembered either: with no state change, applying it twice is harmless.
 * Thresholds are read at each result, so a changed threshold applies from the next one; below 1 counts as 1.
 * Pure: the same state and result give the same answer, with the same deterministic ids.
 */
export function applyRunResult(state: TrackState, result: RunResultV1, thresholds: Thresholds, muted: boolean): Applied {
  const fingerprint = resultFingerprint(result.event_id);
  if (state.recentResults.includes(fingerprint)) return { state, transition: null, duplicate: true };
  const kind = result.kind;
  if (kind === 'unknown') return { state, transition: null, duplicate: false };
  const recentResults = remember(state.recentResults, fingerprint);

  if (kind === 'ok') {
    const consecutiveOks = state.consecutiveOks + 1;
    const open = state.openIssue;
    if (open && consecutiveOks >= Math.max(1, thresholds.recoveryThreshold)) {
      return {
        state: { consecutiveFailures: 0, consecutiveOks, openIssue: null, recentResults },
        transition: { event: issueEvent('issue.resolved', open, result, kind, muted, result.at), at: result.at },
        duplicate: false,
      };
    }
    return { state: { consecutiveFailures: 0, consecutiveOks, openIssue: open, recentResults }, transition: null, duplicate: false };
  }

  const consecutiveFailures = state.consecutiveFailures + 1;
  if (state.openIssue) {
    const issue: OpenIssue = { ...state.openIssue, failureCount: state.openIssue.failureCount + 1 };
    return {
      state: { consecutiveFailures, consecutiveOks: 0, openIssue: issue, recentResults },
      transition: { event: issueEvent('issue.updated', issue, result, kind, muted, null), at: result.at },
      duplicate: false,
    };
  }
  if (consecutiveFailures >= Math.max(1, thresholds.failureIssueThreshold)) {
    const issue: OpenIssue = { id: issueId(result.monitor_id, result.environment, result.event_id), failureCount: consecutiveFailures, openedAt: result.at };
    return {
      state: { consecutiveFailures, consecutiveOks: 0, openIssue: issue, recentResults },
      transition: { event: issueEvent('issue.opened', issue, result, kind, muted, null), at: result.at },
      duplicate: false,
    };
  }
  return { state: { consecutiveFailures, consecutiveOks: 0, openIssue: null, recentResults }, transition: null, duplicate: false };
}

function issueEvent(
  kind: IssueEventKind,
  issue: OpenIssue,
  result: RunResultV1,
  status: IssueEventStatus,
  muted: boolean,
  resolvedAt: number | null,
): IssueEventV1 {
  return {
    version: 1,
    event_id: issueEventId(issue.id, kind, result.event_id),
    kind,
    issue_id: issue.id,
    organization_id: result.organization_id,
    project_id: result.project_id,
    monitor_id: result.monitor_id,
    monitor_slug: result.monitor_slug,
    environment: result.environment,
    status,
    checkin_id: result.checkin_id,
    slot: result.slot,
    failure_count: issue.failureCount,
    opened_at: issue.openedAt,
    resolved_at: resolvedAt,
    muted,
  };
}
