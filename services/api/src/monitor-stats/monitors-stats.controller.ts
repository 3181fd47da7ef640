import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageItems } from '../common/pagination/link-header';
import { MonitorReadRepository } from '../monitors/monitor-read.repository';
import { MONITOR_LIST_HEADERS } from '../monitors/monitor.schemas';
import { MonitorService, type MonitorListQuery } from '../monitors/monitor.service';
import { DURATION_FIELDS, MonitorStatsRepository, STATS_STATUSES, type StatsRow } from './monitor-stats.repository';
import { MONITOR_STATS, MONITOR_STATS_QUERY } from './monitor-stats.schemas';
import { statsRange } from './stats-range';

interface MonitorStatsQuery extends Omit<MonitorListQuery, 'environment'> {
  monitor?: string[];
  since?: number;
  until?: number;
  resolution?: string;
  durations?: boolean;
  environment?: string[];
}

/** Runs per status and bucket for many monitors at once (Bearer token, `org:read`), from ClickHouse. */
@Controller('api/0/organizations/:org/monitors-stats')
export class MonitorsStatsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly reads: MonitorReadRepository,
    private readonly monitors: MonitorService,
    private readonly stats: MonitorStatsRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: 'Get the timelines of many monitors',
    description:
      "Runs per status, per monitor, environment and bucket, like Sentry's `monitors-stats`: `?monitor=a&monitor=b&since=<s>&until=<s>&resolution=5m`. A slug the organization does not have is a 404 naming it. " +
      '`durations=true` adds the p50 and p99 of the run durations per monitor, environment and bucket (runs that finished `ok` or `error`; the monitor page draws its duration chart from them). ' +
      "Without `monitor`, the monitors of one page of the monitors list: the same `query`, `project`, `environment`, `owner`, `sort`, `state`, `cursor` and `per_page` select them (the dashboard asks for a page and its timelines at once); the answer then has the list's `Link`, `X-Hits` and `X-Failing` headers.",
    auth: 'bearer',
    params: ORG_PARAM,
    query: MONITOR_STATS_QUERY,
    response: { status: 200, description: 'The buckets with runs.', schema: MONITOR_STATS, headers: MONITOR_LIST_HEADERS },
  })
  async get(
    @Param('org') org: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: MonitorStatsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    const range = statsRange({ since: query.since, until: query.until, resolution: query.resolution }, Date.now());
    let slugs: string[];
    let monitors: ReadonlyArray<{ id: string; projectId: number; slug: string }>;
    if (query.monitor !== undefined && query.monitor.length > 0) {
      slugs = [...new Set(query.monitor)];
      monitors = await this.reads.findBySlugs(grant.organizationId, slugs);
      const found = new Set(monitors.map((monitor) => monitor.slug));
      const missing = slugs.find((slug) => !found.has(slug));
      if (missing !== undefined) throw new DomainError('not_found', 'unknown_monitor', `monitor "${missing}" not found`, 'monitor');
    } else {
      // A page of the list, as the monitors list answers it (its Link and counts too).
      const { page, hits, failing } = await this.monitors.listPage(grant.organizationId, query);
      void reply.header('x-hits', String(hits));
      if (failing !== null) void reply.header('x-failing', String(failing));
      pageItems(request, reply, page);
      monitors = page.items;
      slugs = page.items.map((monitor) => monitor.slug);
    }
    const selection = {
      projectIds: [...new Set(monitors.map((monitor) => monitor.projectId))],
      monitorIds: monitors.map((monitor) => monitor.id),
      environments: query.environment && query.environment.length > 0 ? query.environment : null,
      range,
    };
    const [counts, durations] = await Promise.all([this.stats.counts(selection), query.durations === true ? this.stats.durations(selection) : null]);
    const slugOf = new Map(monitors.map((monitor) => [monitor.id, monitor.slug]));
    /** Per slug, per environment, the rows' buckets within the range (every slug present, an environment only with buckets). */
    const bySlug = (rows: readonly StatsRow[]): Record<string, Record<string, number[][]>> => {
      const found: Record<string, Record<string, number[][]>> = Object.fromEntries(slugs.map((slug) => [slug, {}]));
      for (const row of rows) {
        const slug = slugOf.get(row.monitorId);
        const buckets = row.buckets.filter(([index = -1]) => index >= 0 && index < range.buckets);
        if (slug === undefined || buckets.length === 0) continue;
        found[slug]![row.environment] = buckets;
      }
      return found;
    };
    return {
      start: new Date(range.start).toISOString(),
      end: new Date(range.end).toISOString(),
      resolution: range.bucketMs / 1000,
      buckets: range.buckets,
      statuses: [...STATS_STATUSES],
      monitors: bySlug(counts),
      ...(durations === null ? {} : { durationFields: [...DURATION_FIELDS], durations: bySlug(durations) }),
    };
  }
}
