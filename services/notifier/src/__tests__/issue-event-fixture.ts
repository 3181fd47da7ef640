import { issueEventV1Example, type IssueEventV1 } from '@vigil/contracts';

export const PROJECT_ID = 7;
export const MONITOR_ID = '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b';
export const OTHER_MONITOR_ID = '6b8d0f2c-4e6a-4b8d-8f2c-4e6a8b0d2f4e';
export const ISSUE_ID = '3f6b8d0e-2a4c-4e6f-8a0b-2c4e6f8a0b2c';

/** An `issue.opened` of monitor MONITOR_ID in production, project PROJECT_ID; override any field. */
export function issueEvent(overrides: Partial<IssueEventV1> = {}): IssueEventV1 {
  return { ...issueEventV1Example, project_id: PROJECT_ID, monitor_id: MONITOR_ID, issue_id: ISSUE_ID, ...overrides };
}
