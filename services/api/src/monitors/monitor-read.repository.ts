import { Inject, Injectable } from '@nestjs/common';
import { configFromRow, MONITOR_CONFIG_COLUMNS, type MonitorConfigRow } from '@vigil/db';
import { DataSource } from 'typeorm';
import { isPostgresText } from '../common/postgres-text';
import { isUuid } from '../common/request-body';
import { tagList } from '../common/tags';
import type { MonitorSchedule, MonitorValues } from './monitor-input';
import type { OwnerActor } from './monitor.presenter';

/** A monitor as the API reads and shows it. */
export interface MonitorView extends MonitorValues {
  id: string;
  projectId: number;
  projectSlug: string;
  projectName: string;
  createdAt: Date;
  /** Healthchecks' rules (a check made by a ping URL or the Healthchecks API): see the scheduler's `Track`, rule 8. */
  timeoutFromMargin: boolean;
  /** Healthchecks' tags (`monitors.tags`, words separated by spaces), as words in their order. */
  tags: string[];
}

/** A monitor as ordering a list by status reads it. */
export interface MonitorKey {
  id: string;
  projectId: number;
  slug: string;
  status: MonitorView['status'];
}

/** Which monitors a list shows; a filter left out (undefined) does not narrow it. */
export interface MonitorListFilter {
  projectIds?: readonly number[];
  /** Text in the name or slug (any case), or the id. */
  query?: string;
  owners?: readonly string[];
  /** With `owners`: monitors without an owner too. */
  unassigned?: boolean;
  /** Monitors having one of these environments: those whose history has them (`historyMonitorIds`) or with settings for them. */
  environments?: { names: readonly string[]; historyMonitorIds: readonly string[] };
  /** Monitors having every one of these tags (words of `monitors.tags`), as Healthchecks' `?tag=` filters checks. */
  tags?: readonly string[];
}

export interface MonitorRow extends MonitorConfigRow {
  id: string;
  project_id: number;
  project_slug: string;
  project_name: string;
  slug: string;
  name: string;
  is_muted: boolean;
  created_at: Date;
  tags: string;
}

export const MONITOR_SELECT = `SELECT m.id, m.project_id, p.slug AS project_slug, p.name AS project_name, m.slug, m.name, m.is_muted, m.created_at, m.tags,
       ${MONITOR_CONFIG_COLUMNS.map((column) => `m.${column}`).join(', ')}
  FROM monitors m JOIN projects p ON p.id = m.project_id`;

export function toMonitorView(row: MonitorRow): MonitorView {
  const { owner, ...schedule } = configFromRow(row);
  return {
    id: row.id,
    projectId: Number(row.project_id),
    projectSlug: row.project_slug,
    projectName: row.project_name,
    slug: row.slug,
    name: row.name,
    status: row.status,
    owner,
    isMuted: row.is_muted,
    config: schedule satisfies MonitorSchedule,
    createdAt: row.created_at,
    timeoutFromMargin: row.timeout_from_margin === true,
    tags: tagList(row.tags ?? ''),
  };
}

/** `%`, `_` and `\` match themselves in an ILIKE pattern. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const LIST_WHERE = `p.organization_id = $1
          AND ($2::integer[] IS NULL OR m.project_id = ANY($2::integer[]))
          AND ($3::text IS NULL OR m.name ILIKE $3 OR m.slug ILIKE $3 OR m.id::text = lower($4::text))
          AND ($5::text[] IS NULL OR m.owner = ANY($5::text[]) OR ($6::boolean AND m.owner IS NULL))
          AND ($7::text[] IS NULL OR m.id::text = ANY($7::text[])
               OR EXISTS (SELECT 1 FROM monitor_environments e WHERE e.monitor_id = m.id AND e.environment = ANY($8::text[])))
          AND ($9::text[] IS NULL OR string_to_array(m.tags, ' ') @> $9::text[])`;

/** The parameters $1 to $9 of LIST_WHERE. */
function listParameters(organizationId: string, filter: MonitorListFilter): unknown[] {
  return [
    organizationId,
    filter.projectIds ?? null,
    filter.query === undefined ? null : likePattern(filter.query),
    filter.query ?? null,
    filter.owners ?? null,
    filter.unassigned ?? false,
    filter.environments?.historyMonitorIds ?? null,
    filter.environments?.names ?? [],
    filter.tags ?? null,
  ];
}

/** Monitors of an organization (through their projects) and their per-environment settings, from Postgres. */
@Injectable()
export class MonitorReadRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * What `list` finds, in its order, with only what ordering by status and reading history need: every one
   * (ordering a list of thousands by status reads it whole), or from `offset` at most `limit`.
   */
  async listKeys(organizationId: string, filter: MonitorListFilter, offset = 0, limit: number | null = null): Promise<MonitorKey[]> {
    const rows: Array<{ id: string; project_id: number; slug: string; status: MonitorView['status'] }> = await this.dataSource.query(
      `SELECT m.id, m.project_id, m.slug, m.status FROM monitors m JOIN projects p ON p.id = m.project_id
        WHERE ${LIST_WHERE}
        ORDER BY m.name, m.slug, m.project_id, m.id
        OFFSET $10 LIMIT $11`,
      [...listParameters(organizationId, filter), offset, limit],
    );
    return rows.map((row) => ({ id: row.id, projectId: Number(row.project_id), slug: row.slug, status: row.status }));
  }

  /** The organization's monitors with these ids, in the order given. */
  async byIds(organizationId: string, ids: readonly string[]): Promise<MonitorView[]> {
    if (ids.length === 0) return [];
    const rows: MonitorRow[] = await this.dataSource.query(`${MONITOR_SELECT} WHERE p.organization_id = $1 AND m.id = ANY($2::uuid[])`, [organizationId, ids]);
    const byId = new Map(rows.map((row) => [row.id, toMonitorView(row)]));
    return ids.map((id) => byId.get(id)).filter((monitor): monitor is MonitorView => monitor !== undefined);
  }

  /** How many monitors `list` finds, all pages together. */
  async count(organizationId: string, filter: MonitorListFilter): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM monitors m JOIN projects p ON p.id = m.project_id WHERE ${LIST_WHERE}`,
      listParameters(organizationId, filter),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * A monitor of the organization by slug, or by id as Sentry's `monitor_id_or_slug`. Ingest keeps slugs unique
   * per project only, so two projects may share one: the first project's wins, as before.
   */
  async find(organizationId: string, reference: string): Promise<MonitorView | null> {
    if (!isPostgresText(reference)) return null;
    const byId = isUuid(reference);
    const rows: MonitorRow[] = await this.dataSource.query(
      `${MONITOR_SELECT} WHERE p.organization_id = $1 AND ${byId ? 'm.id = $2::uuid' : 'm.slug = $2'} ORDER BY p.id LIMIT 1`,
      [organizationId, byId ? reference.toLowerCase() : reference],
    );
    return rows[0] ? toMonitorView(rows[0]) : null;
  }

  /** The organization's monitors with these slugs (the first by project id where two projects share one). */
  async findBySlugs(organizationId: string, slugs: readonly string[]): Promise<MonitorView[]> {
    const texts = slugs.filter(isPostgresText);
    if (texts.length === 0) return [];
    const rows: MonitorRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (m.slug) * FROM (${MONITOR_SELECT} WHERE p.organization_id = $1 AND m.slug = ANY($2::text[])) m ORDER BY m.slug, m.project_id`,
      [organizationId, texts],
    );
    return rows.map(toMonitorView);
  }

  /** The environments with settings (`monitor_environments`) of these monitors, muted or not. */
  async environmentSettings(monitorIds: readonly string[]): Promise<Array<{ monitorId: string; environment: string; isMuted: boolean }>> {
    if (monitorIds.length === 0) return [];
    const rows: Array<{ monitor_id: string; environment: string; is_muted: boolean }> = await this.dataSource.query(
      'SELECT monitor_id, environment, is_muted FROM monitor_environments WHERE monitor_id = ANY($1::uuid[]) ORDER BY monitor_id, environment',
      [monitorIds],
    );
    return rows.map((row) => ({ monitorId: row.monitor_id, environment: row.environment, isMuted: row.is_muted }));
  }

  /**
   * The owners (`user:<member id>`, `team:<team id>`) that are members and teams of the organization, as Sentry's
   * actors; an owner that names neither (a member removed since) is absent.
   */
  async actors(organizationId: string, owners: readonly string[]): Promise<Map<string, OwnerActor>> {
    const ids = (kind: string) =>
      owners.filter((owner) => owner.startsWith(`${kind}:`) && isUuid(owner.slice(kind.length + 1))).map((owner) => owner.slice(kind.length + 1).toLowerCase());
    const users = ids('user');
    const teams = ids('team');
    const found = new Map<string, OwnerActor>();
    if (users.length > 0) {
      const rows: Array<{ id: string; name: string; email: string }> = await this.dataSource.query(
        'SELECT id, name, email FROM members WHERE organization_id = $1 AND id = ANY($2::uuid[])',
        [organizationId, users],
      );
      for (const row of rows) found.set(`user:${row.id}`, { type: 'user', id: row.id, name: row.name, email: row.email });
    }
    if (teams.length > 0) {
      const rows: Array<{ id: string; slug: string }> = await this.dataSource.query(
        'SELECT id, slug FROM teams WHERE organization_id = $1 AND id = ANY($2::uuid[])',
        [organizationId, teams],
      );
      for (const row of rows) found.set(`team:${row.id}`, { type: 'team', id: row.id, name: row.slug });
    }
    return found;
  }

  /** A team of the organization by id or slug (an owner may name a team either way, as in Sentry's `team:<id>`). */
  async team(organizationId: string, reference: string): Promise<{ id: string } | null> {
    if (!isPostgresText(reference)) return null;
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM teams WHERE organization_id = $1 AND ${isUuid(reference) ? 'id = $2::uuid' : 'slug = $2'}`,
      [organizationId, isUuid(reference) ? reference.toLowerCase() : reference],
    );
    return rows[0] ?? null;
  }

  async member(organizationId: string, id: string): Promise<{ id: string; email: string } | null> {
    if (!isUuid(id)) return null;
    const rows: Array<{ id: string; email: string }> = await this.dataSource.query(
      'SELECT id, email FROM members WHERE organization_id = $1 AND id = $2::uuid',
      [organizationId, id.toLowerCase()],
    );
    return rows[0] ?? null;
  }

  /** The monitor's environments dropped through the API, with when (epoch ms). */
  async drops(monitorId: string): Promise<Array<[string, number]>> {
    const rows: Array<{ environment: string; at: string }> = await this.dataSource.query(
      'SELECT environment, (extract(epoch FROM dropped_at) * 1000)::bigint::text AS at FROM monitor_environments WHERE monitor_id = $1 AND dropped_at IS NOT NULL',
      [monitorId],
    );
    return rows.map((row) => [row.environment, Number(row.at)]);
  }

  async projectIds(organizationId: string): Promise<number[]> {
    const rows: Array<{ id: number }> = await this.dataSource.query('SELECT id FROM projects WHERE organization_id = $1 ORDER BY id', [organizationId]);
    return rows.map((row) => Number(row.id));
  }

  /** Projects of the organization named by slug or numeric id, in the order asked; null for one that is not there. */
  async projects(organizationId: string, references: readonly string[]): Promise<Array<{ id: number; slug: string } | null>> {
    const rows: Array<{ id: number; slug: string }> = await this.dataSource.query('SELECT id, slug FROM projects WHERE organization_id = $1 ORDER BY id', [
      organizationId,
    ]);
    return references.map((reference) => {
      const found = /^[0-9]{1,9}$/.test(reference) ? rows.find((row) => Number(row.id) === Number(reference)) : rows.find((row) => row.slug === reference);
      return found ? { id: Number(found.id), slug: found.slug } : null;
    });
  }
}
