/** The issue a monitor-environment has open, as far as counting needs it. */
export interface OpenIssue {
  id: string;
  /** The consecutive failures that opened it plus every failure while it stayed open. */
  failureCount: number;
  /** Event time of the result that opened it, epoch milliseconds. */
  openedAt: number;
}

/** The counting state of one monitor-environment (one `issue_tracks` row). */
export interface TrackState {
  consecutiveFailures: number;
  consecutiveOks: number;
  openIssue: OpenIssue | null;
  /** Fingerprints of the latest results applied, oldest first (see `recent-results.ts`). */
  recentResults: readonly string[];
}

/** A monitor's thresholds, from its `monitors` row, read for every batch (a change applies from the next result). */
export interface Thresholds {
  /** Consecutive failures (error, missed, timeout) that open an issue. */
  failureIssueThreshold: number;
  /** Consecutive `ok` results that resolve it. */
  recoveryThreshold: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { failureIssueThreshold: 1, recoveryThreshold: 1 };

export const NEW_TRACK: TrackState = { consecutiveFailures: 0, consecutiveOks: 0, openIssue: null, recentResults: [] };
