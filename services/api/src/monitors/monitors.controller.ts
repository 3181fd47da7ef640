import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { CheckinHistoryRepository } from '../checkins/checkin-history.repository';
import { ORG_PARAM, PER_PAGE_QUERY } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { MonitorReadRepository } from './monitor-read.repository';
import { presentMonitor } from './monitor.presenter';
import { CHECKIN, MONITOR } from './monitor.schemas';

const SLUG_PARAMS = { ...ORG_PARAM, slug: { description: 'The monitor slug.' } };

/** Sentry-shaped organization monitor endpoints (Bearer token). */
@Controller('api/0/organizations/:org/monitors')
export class MonitorsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly monitors: MonitorReadRepository,
    private readonly history: CheckinHistoryRepository,
  ) {}

  @Get()
  @Endpoint({ summary: 'List monitors', auth: 'bearer', params: ORG_PARAM, response: { status: 200, description: 'Every monitor of the organization.', schema: arrayOf(MONITOR) } })
  async list(@Param('org') org: string, @Headers('authorization') authorization: string | undefined): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    return (await this.monitors.list(grant.organizationId)).map(presentMonitor);
  }

  @Get(':slug')
  @Endpoint({ summary: 'Get a monitor', auth: 'bearer', params: SLUG_PARAMS, response: { status: 200, description: 'The monitor.', schema: MONITOR } })
  async get(@Param('org') org: string, @Param('slug') slug: string, @Headers('authorization') authorization: string | undefined): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org);
    const found = await this.monitors.findBySlug(grant.organizationId, slug);
    if (!found) throw new DomainError('not_found', 'unknown_monitor', `monitor "${slug}" not found`, 'monitor_slug');
    return presentMonitor(found);
  }

  /** The monitor's check-ins, newest first, one entry per run. */
  @Get(':slug/checkins')
  @Endpoint({ summary: "List a monitor's check-ins", auth: 'bearer', params: SLUG_PARAMS, query: PER_PAGE_QUERY, response: { status: 200, description: 'Newest first, one entry per run.', schema: arrayOf(CHECKIN) } })
  async checkins(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: string | undefined,
    @Query('per_page') limit: number,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const found = await this.monitors.findBySlug(grant.organizationId, slug);
    if (!found) throw new DomainError('not_found', 'unknown_monitor', `monitor "${slug}" not found`, 'monitor_slug');
    const checkins = await this.history.listForMonitor(found.monitor.projectId, found.monitor.id, limit);
    return checkins.map((checkin) => ({
      id: checkin.checkin_id,
      environment: checkin.environment,
      status: checkin.status,
      duration: checkin.duration_ms,
      dateCreated: new Date(checkin.date_created_ms).toISOString(),
      dateUpdated: new Date(checkin.date_updated_ms).toISOString(),
    }));
  }
}
