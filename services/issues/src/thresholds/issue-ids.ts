import { nameBasedUuid, type IssueEventKind } from '@vigil/contracts';

/** Namespace of issue ids (a random, fixed UUID: changing it changes every issue id). */
const ISSUE_NAMESPACE = Buffer.from('31b8039157bb177a4e29f05149ba2fbb', 'hex');

/**
 * An issue's id, derived from the run result that opened it: the same result processed again (a retry after
 * a crash, another instance) names the same issue, so it can never open a second one.
 */
export function issueId(monitorId: string, environment: string, openingResultEventId: string): string {
  return nameBasedUuid(ISSUE_NAMESPACE, `${monitorId}:${environment}:${openingResultEventId}`);
}

/** The `event_id` of an issue event: one per issue, kind and run result, so a retried batch repeats it exactly. */
export function issueEventId(issue: string, kind: IssueEventKind, resultEventId: string): string {
  return `${issue}:${kind}:${resultEventId}`;
}
