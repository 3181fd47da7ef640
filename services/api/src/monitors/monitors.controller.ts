import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { CheckinHistoryRepository } from '../checkins/checkin-history.repository';
import { MonitorReadRepository } from './monitor-read.repository';
import { presentMonitor } from './monitor.presenter';

export function perPage(raw: string | undefined): number {
  if (raw === undefined) return 100;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) throw new DomainError('invalid', 'invalid_per_page', 'per_page must be an integer from 1 to 100', 'per_page');
  return Number(raw);
}

/** Sentry-shaped organization monitor endpoints (Bearer token). */
@Controller('api/0/organizations/:org/monitors')
export class MonitorsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly monitors: MonitorReadRepository,
    private readonly history: CheckinHistoryRepository,
  ) {}

  @Get()
  async list(@Param('org') org: string, @Headers('authorization') authorization: string | undefined): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    return (await this.monitors.list(grant.organizationId)).map(presentMonitor);
  }

  @Get(':slug')
  async get(@Param('org') org: string, @Param('slug') slug: string, @Headers('authorization') authorization: string | undefined): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org);
    const found = await this.monitors.findBySlug(grant.organizationId, slug);
    if (!found) throw new DomainError('not_found', 'unknown_monitor', `monitor "${slug}" not found`, 'monitor_slug');
    return presentMonitor(found);
  }

  /** The monitor's check-ins, newest first, one entry per run. */
  @Get(':slug/checkins')
  async checkins(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: string | undefined,
    @Query('per_page') rawPerPage: string | undefined,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const limit = perPage(rawPerPage);
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
