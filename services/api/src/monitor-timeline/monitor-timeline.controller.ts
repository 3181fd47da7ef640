import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { MonitorService } from '../monitors/monitor.service';
import { fillBuckets, timelineRange, totalCounts } from './timeline-range';
import { TimelineRepository } from './timeline.repository';
import { presentTimeline } from './timeline.presenter';
import { TIMELINE, TIMELINE_QUERY } from './timeline.schemas';

/** A monitor's history per hour or per day (Bearer token), from ClickHouse. */
@Controller('api/0/organizations/:org/monitors/:slug/timeline')
export class MonitorTimelineController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly monitors: MonitorService,
    private readonly timelines: TimelineRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: "Get a monitor's timeline",
    description: 'Runs per status and duration percentiles per bucket, and over the whole range; every environment, or one.',
    auth: 'bearer',
    params: { ...ORG_PARAM, slug: { description: 'The monitor slug.' } },
    query: TIMELINE_QUERY,
    response: { status: 200, description: 'The timeline.', schema: TIMELINE },
  })
  async get(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org);
    const found = await this.monitors.find(grant.organizationId, slug);
    const range = timelineRange(query, Date.now());
    const environment = typeof query['environment'] === 'string' ? query['environment'] : null;
    const { rows, duration } = await this.timelines.buckets({ projectId: found.projectId, monitorId: found.id, environment, range });
    const buckets = fillBuckets(range, rows);
    return presentTimeline({ range, environment, totals: totalCounts(buckets), duration, buckets });
  }
}
