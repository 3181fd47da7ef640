import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { MonitorReadRepository } from '../monitors/monitor-read.repository';
import { MonitorStatsRepository, STATS_STATUSES } from './monitor-stats.repository';
import { MONITOR_STATS, MONITOR_STATS_QUERY } from './monitor-stats.schemas';
import { statsRange } from './stats-range';

interface MonitorStatsQuery {
  monitor: string[];
  since?: number;
  until?: number;
  resolution?: string;
  environment?: string[];
}

/** Runs per status and bucket for many monitors at once (Bearer token, `org:read`), from ClickHouse. */
@Controller('api/0/organizations/:org/monitors-stats')
export class MonitorsStatsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly reads: MonitorReadRepository,
    private readonly stats: MonitorStatsRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: 'Get the timelines of many monitors',
    description:
      "Runs per status, per monitor, environment and bucket, like Sentry's `monitors-stats`: `?monitor=a&monitor=b&since=<s>&until=<s>&resolution=5m`. A slug the organization does not have is a 404 naming it.",
    auth: 'bearer',
    params: ORG_PARAM,
    query: MONITOR_STATS_QUERY,
    response: { status: 200, description: 'The buckets with runs.', schema: MONITOR_STATS },
  })
  async get(
    @Param('org') org: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: MonitorStatsQuery,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    const range = statsRange({ since: query.since, until: query.until, resolution: query.resolution }, Date.now());
    const slugs = [...new Set(query.monitor)];
    const monitors = await this.reads.findBySlugs(grant.organizationId, slugs);
    const found = new Set(monitors.map((monitor) => monitor.slug));
    const missing = slugs.find((slug) => !found.has(slug));
    if (missing !== undefined) throw new DomainError('not_found', 'unknown_monitor', `monitor "${missing}" not found`, 'monitor');
    const rows = await this.stats.counts({
      projectIds: [...new Set(monitors.map((monitor) => monitor.projectId))],
      monitorIds: monitors.map((monitor) => monitor.id),
      environments: query.environment && query.environment.length > 0 ? query.environment : null,
      range,
    });
    const slugOf = new Map(monitors.map((monitor) => [monitor.id, monitor.slug]));
    const byMonitor: Record<string, Record<string, number[][]>> = Object.fromEntries(slugs.map((slug) => [slug, {}]));
    for (const row of rows) {
      const slug = slugOf.get(row.monitorId);
      if (slug === undefined || row.bucket < 0 || row.bucket >= range.buckets) continue;
      const environments = byMonitor[slug]!;
      (environments[row.environment] ??= []).push([row.bucket, ...STATS_STATUSES.map((status) => row.counts[status])]);
    }
    return {
      start: new Date(range.start).toISOString(),
      end: new Date(range.end).toISOString(),
      resolution: range.bucketMs / 1000,
      buckets: range.buckets,
      statuses: [...STATS_STATUSES],
      monitors: byMonitor,
    };
  }
}
