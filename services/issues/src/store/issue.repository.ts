import { monitorEnvironmentKey } from '@vigil/contracts';
import type { FailureKind } from '@vigil/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { IssueTransition, OpenIssue, Thresholds, TrackState } from '../thresholds';

/** A monitor-environment: the key of its `issue_tracks` row. */
export interface TrackKey {
  monitorId: string;
  environment: string;
}

/** What counting needs from a `monitors` row. */
export interface MonitorIssueSettings {
  thresholds: Thresholds;
  muted: boolean;
}

/** A locked `issue_tracks` row: the counting state and the last run-results record applied to it. */
export interface StoredTrack {
  state: TrackState;
  lastPartition: number | null;
  lastOffset: bigint | null;
}

export interface TrackWrite extends TrackKey {
  state: TrackState;
  partition: number;
  offset: bigint;
}

/** The Postgres side of one batch, inside one transaction (see `IssueRepository.inTransaction`). */
export interface IssueTransaction {
  /** Thresholds and mute of the monitors that still exist; each row is share-locked against deletion. */
  monitors(monitorIds: readonly string[]): Promise<Map<string, MonitorIssueSettings>>;
  /** The keys (`monitorEnvironmentKey`) of the given tracks whose environment is muted (`monitor_environments`). */
  mutedEnvironments(tracks: readonly TrackKey[]): Promise<Set<string>>;
  /** Creates missing tracks, then locks and reads them all (by `monitorEnvironmentKey`), in key order. */
  lockTracks(tracks: readonly TrackKey[]): Promise<Map<string, StoredTrack>>;
  /** Whether an issue with this id was ever stored (opened by the same result before). */
  issueExists(id: string): Promise<boolean>;
  /** Writes what the transitions did to issues, in an order the one-open-issue index accepts. */
  saveIssues(transitions: readonly IssueTransition[]): Promise<void>;
  saveTracks(tracks: readonly TrackWrite[]): Promise<void>;
}

interface TrackRow {
  monitor_id: string;
  environment: string;
  consecutive_failures: number;
  consecutive_oks: number;
  open_issue_id: string | null;
  last_partition: number | null;
  last_offset: string | null;
  recent_results: string[];
  issue_failure_count: number | null;
  issue_opened_at: Date | null;
}

/** What a batch changes in an issue: everything an update sets. */
interface IssueChange {
  id: string;
  status: 'open' | 'resolved';
  failureCount: number;
  /** Null: no failure in this batch (the stored value stays). */
  lastFailureAt: number | null;
  resolvingCheckinId: string | null;
  resolvedAt: number | null;
}

/** An issue opened in this batch: the row to insert. */
interface NewIssue extends IssueChange {
  organizationId: string;
  projectId: number;
  monitorId: string;
  environment: string;
  openingCheckinId: string;
  openingStatus: FailureKind;
  openedAt: number;
}

/**
 * Issues, their tracks and the per-environment mute in Postgres (the `issues`, `issue_tracks` and
 * `monitor_environments` tables of libs/db). All of a batch's reads and writes go through one transaction, so
 * counting state, issues and the position in `vigil.run-results.v1` commit together or not at all.
 */
export class IssueRepository {
  constructor(private readonly dataSource: DataSource) {}

  async inTransaction<T>(work: (transaction: IssueTransaction) => Promise<T>): Promise<T> {
    // Started while Postgres was down: the pool connects once it answers (readiness reports it meanwhile).
    if (!this.dataSource.isInitialized) await this.dataSource.initialize();
    return this.dataSource.transaction((manager) => work(new PostgresIssueTransaction(manager)));
  }
}

class PostgresIssueTransaction implements IssueTransaction {
  constructor(private readonly manager: EntityManager) {}

  async monitors(monitorIds: readonly string[]): Promise<Map<string, MonitorIssueSettings>> {
    const rows: Array<{ id: string; failure_issue_threshold: number; recovery_threshold: number; is_muted: boolean }> = await this.manager.query(
      `SELECT id, failure_issue_threshold, recovery_threshold, is_muted FROM monitors WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE`,
      [monitorIds],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        { thresholds: { failureIssueThreshold: Number(row.failure_issue_threshold), recoveryThreshold: Number(row.recovery_threshold) }, muted: row.is_muted },
      ]),
    );
  }

  async mutedEnvironments(tracks: readonly TrackKey[]): Promise<Set<string>> {
    if (tracks.length === 0) return new Set();
    const rows: Array<{ monitor_id: string; environment: string }> = await this.manager.query(
      `SELECT e.monitor_id, e.environment FROM monitor_environments e
        JOIN unnest($1::uuid[], $2::varchar[]) AS t(monitor_id, environment) ON t.monitor_id = e.monitor_id AND t.environment = e.environment
        WHERE e.is_muted`,
      columns(tracks),
    );
    return new Set(rows.map((row) => monitorEnvironmentKey(row.monitor_id, row.environment)));
  }

  async lockTracks(tracks: readonly TrackKey[]): Promise<Map<string, StoredTrack>> {
    if (tracks.length === 0) return new Map();
    // Insert first, so a track seen for the first time is locked like the others (a concurrent batch for it
    // waits here instead of inserting beside this one).
    await this.manager.query(
      `INSERT INTO issue_tracks (monitor_id, environment, recent_results)
        SELECT monitor_id, environment, '{}' FROM unnest($1::uuid[], $2::varchar[]) AS t(monitor_id, environment)
        ON CONFLICT DO NOTHING`,
      columns(tracks),
    );
    const rows: TrackRow[] = await this.manager.query(
      `SELECT t.monitor_id, t.environment, t.consecutive_failures, t.consecutive_oks, t.open_issue_id, t.last_partition, t.last_offset,
              t.recent_results, i.failure_count AS issue_failure_count, i.opened_at AS issue_opened_at
         FROM issue_tracks t
         JOIN unnest($1::uuid[], $2::varchar[]) AS k(monitor_id, environment) ON k.monitor_id = t.monitor_id AND k.environment = t.environment
         LEFT JOIN issues i ON i.id = t.open_issue_id
        ORDER BY t.monitor_id, t.environment
        FOR UPDATE OF t`,
      columns(tracks),
    );
    return new Map(rows.map((row) => [monitorEnvironmentKey(row.monitor_id, row.environment), toStoredTrack(row)]));
  }

  async issueExists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query('SELECT 1 FROM issues WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async saveIssues(transitions: readonly IssueTransition[]): Promise<void> {
    const { opened, changed } = foldIssueChanges(transitions);
    // Issues opened before this batch first: one resolved here frees its track for an issue inserted below.
    for (const issue of changed) {
      await this.manager.query(
        `UPDATE issues SET status = $2, failure_count = $3, last_failure_at = COALESCE($4, last_failure_at),
                resolving_checkin_id = $5, resolved_at = $6, updated_at = now()
          WHERE id = $1`,
        [issue.id, issue.status, issue.failureCount, toDate(issue.lastFailureAt), issue.resolvingCheckinId, toDate(issue.resolvedAt)],
      );
    }
    for (const issue of opened) {
      await this.manager.query(
        `INSERT INTO issues (id, organization_id, project_id, monitor_id, environment, status, failure_count, opening_checkin_id, opening_status,
                             opened_at, last_failure_at, resolving_checkin_id, resolved_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          issue.id,
          issue.organizationId,
          issue.projectId,
          issue.monitorId,
          issue.environment,
          issue.status,
          issue.failureCount,
          issue.openingCheckinId,
          issue.openingStatus,
          toDate(issue.openedAt),
          toDate(issue.lastFailureAt ?? issue.openedAt),
          issue.resolvingCheckinId,
          toDate(issue.resolvedAt),
        ],
      );
    }
  }

  async saveTracks(tracks: readonly TrackWrite[]): Promise<void> {
    if (tracks.length === 0) return;
    // One statement for the batch. The fingerprint lists travel as comma-joined text: arrays of arrays must be
    // rectangular, these are not.
    await this.manager.query(
      `UPDATE issue_tracks t
          SET consecutive_failures = u.consecutive_failures, consecutive_oks = u.consecutive_oks, open_issue_id = u.open_issue_id,
              last_partition = u.last_partition, last_offset = u.last_offset,
              recent_results = COALESCE(string_to_array(NULLIF(u.recent_results, ''), ',')::bigint[], '{}'), updated_at = now()
         FROM unnest($1::uuid[], $2::varchar[], $3::int[], $4::int[], $5::uuid[], $6::int[], $7::bigint[], $8::text[])
              AS u(monitor_id, environment, consecutive_failures, consecutive_oks, open_issue_id, last_partition, last_offset, recent_results)
        WHERE t.monitor_id = u.monitor_id AND t.environment = u.environment`,
      [
        tracks.map((track) => track.monitorId),
        tracks.map((track) => track.environment),
        tracks.map((track) => track.state.consecutiveFailures),
        tracks.map((track) => track.state.consecutiveOks),
        tracks.map((track) => track.state.openIssue?.id ?? null),
        tracks.map((track) => track.partition),
        tracks.map((track) => track.offset.toString()),
        tracks.map((track) => track.state.recentResults.join(',')),
      ],
    );
  }
}

function columns(tracks: readonly TrackKey[]): [string[], string[]] {
  return [tracks.map((track) => track.monitorId), tracks.map((track) => track.environment)];
}

function toStoredTrack(row: TrackRow): StoredTrack {
  const openIssue: OpenIssue | null =
    row.open_issue_id !== null && row.issue_failure_count !== null && row.issue_opened_at !== null
      ? { id: row.open_issue_id, failureCount: Number(row.issue_failure_count), openedAt: row.issue_opened_at.getTime() }
      : null;
  return {
    state: { consecutiveFailures: Number(row.consecutive_failures), consecutiveOks: Number(row.consecutive_oks), openIssue, recentResults: row.recent_results },
    lastPartition: row.last_partition === null ? null : Number(row.last_partition),
    lastOffset: row.last_offset === null ? null : BigInt(row.last_offset),
  };
}

/**
 * What the transitions leave of each issue they touched: the issues they opened (in full, as they stand at the
 * end of the batch) and the changes to issues opened before.
 */
function foldIssueChanges(transitions: readonly IssueTransition[]): { opened: NewIssue[]; changed: IssueChange[] } {
  const opened = new Map<string, NewIssue>();
  const changed = new Map<string, IssueChange>();
  const current = (id: string): IssueChange =>
    opened.get(id) ?? changed.get(id) ?? { id, status: 'open', failureCount: 0, lastFailureAt: null, resolvingCheckinId: null, resolvedAt: null };
  for (const { event, at } of transitions) {
    if (event.kind === 'issue.opened') {
      opened.set(event.issue_id, {
        id: event.issue_id,
        status: 'open',
        failureCount: event.failure_count,
        lastFailureAt: at,
        resolvingCheckinId: null,
        resolvedAt: null,
        organizationId: event.organization_id,
        projectId: event.project_id,
        monitorId: event.monitor_id,
        environment: event.environment,
        openingCheckinId: event.checkin_id,
        openingStatus: event.status as FailureKind,
        openedAt: event.opened_at,
      });
      continue;
    }
    // Mutated in place: an issue opened in this batch stays in `opened`, an older one goes to `changed`.
    const issue = current(event.issue_id);
    issue.failureCount = event.failure_count;
    if (event.kind === 'issue.updated') {
      issue.lastFailureAt = at;
    } else {
      issue.status = 'resolved';
      issue.resolvingCheckinId = event.checkin_id;
      issue.resolvedAt = at;
    }
    if (!opened.has(issue.id)) changed.set(issue.id, issue);
  }
  return { opened: [...opened.values()], changed: [...changed.values()] };
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
