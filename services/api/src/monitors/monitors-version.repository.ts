import { createHash } from 'node:crypto';
import { joinSql, sql, type ClickHouse } from '@vigil/clickhouse';
import type { DataSource } from 'typeorm';

const DAY_MS = 24 * 3600 * 1000;

/**
 * A version of everything an organization's monitors show, cheap to read (decision 0024: the dashboard's live
 * list asks it before reading the list again). It changes when history records a check-in or a state change
 * (counted in ClickHouse since the start of yesterday, UTC, so a write that comes late still counts), when a
 * monitor, an environment's settings, an open issue, a project, a member or a team of the organization changes,
 * and once a day when that start moves. It may change when nothing shown did (a merge of duplicate rows), never
 * the other way round.
 */
export class MonitorsVersionRepository {
  constructor(
    private readonly clickhouse: ClickHouse,
    private readonly dataSource: DataSource,
  ) {}

  async version(organizationId: string, now = Date.now()): Promise<string> {
    const [settings]: Array<Record<string, string | number[] | null>> = await this.dataSource.query(
      `SELECT (SELECT count(*) || ':' || coalesce(max(m.updated_at)::text, '') FROM monitors m JOIN projects p ON p.id = m.project_id WHERE p.organization_id = $1) AS monitors,
              (SELECT count(*) || ':' || coalesce(max(e.updated_at)::text, '')
                 FROM monitor_environments e JOIN monitors m ON m.id = e.monitor_id JOIN projects p ON p.id = m.project_id WHERE p.organization_id = $1) AS environments,
              (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM issues WHERE organization_id = $1 AND status = 'open') AS issues,
              (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM members WHERE organization_id = $1) AS members,
              (SELECT string_agg(id || '/' || slug || '/' || name, ',' ORDER BY id) FROM projects WHERE organization_id = $1) AS projects,
              (SELECT string_agg(id || '/' || slug, ',' ORDER BY id) FROM teams WHERE organization_id = $1) AS teams,
              (SELECT array_agg(id ORDER BY id) FROM projects WHERE organization_id = $1) AS project_ids`,
      [organizationId],
    );
    const projectIds = ((settings?.['project_ids'] as number[] | null) ?? []).map(Number);
    const from = Math.floor(now / DAY_MS) * DAY_MS - DAY_MS;
    const projects = joinSql(
      projectIds.map((id) => sql`${id}`),
      ', ',
    );
    const history =
      projectIds.length === 0
        ? []
        : await this.clickhouse.query<{ source: string; rows: string | number; latest: string | number }>(sql`
            SELECT 'checkins' AS source, count() AS rows, max(received_at_ms) AS latest
              FROM checkins WHERE project_id IN (${projects}) AND received_at >= ${new Date(from)}
            UNION ALL
            SELECT 'states' AS source, count() AS rows, max(at_ms) AS latest FROM monitor_states WHERE project_id IN (${projects})`);
    const seen = history.map((row) => `${row.source}:${row.rows}:${row.latest}`).sort();
    return createHash('sha256')
      .update(JSON.stringify([settings ?? null, from, seen]))
      .digest('base64url')
      .slice(0, 22);
  }
}
