export * from './apply-run-result';
export * from './issue-ids';
export * from './issue-track';
export * from './recent-results';
