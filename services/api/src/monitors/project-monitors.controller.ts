import { Body, Controller, Delete, Get, Headers, Param, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrganizationAccess } from '../auth/organization-access';
import { CheckinHistoryRepository } from '../checkins/checkin-history.repository';
import { ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { LINK_HEADER } from '../common/pagination/pagination.schemas';
import type { MonitorBody } from './monitor-input';
import { MonitorReadRepository } from './monitor-read.repository';
import { CHECKIN, CHECKIN_LIST_QUERY, MONITOR, MONITOR_DELETE_DESCRIPTION, MONITOR_DELETE_QUERY, MONITOR_GET_QUERY, MONITOR_UPDATE } from './monitor.schemas';
import { MonitorService } from './monitor.service';
import { listCheckins, nonEmpty, type CheckinListQuery, type EnvironmentQuery } from './monitors.controller';

type Auth = string | undefined;
const PARAMS = {
  ...ORG_PARAM,
  project: { description: 'The project slug (or its id).' },
  slug: { description: 'The monitor slug (or its id).' },
};

/**
 * Sentry's project-scoped monitor endpoints (`/api/0/projects/<org>/<project>/monitors/<slug>/` and its
 * check-ins): the organization endpoints' behaviour, for a monitor of that project only (another project's
 * monitor is a 404).
 */
@Controller('api/0/projects/:org/:project/monitors/:slug')
export class ProjectMonitorsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly monitors: MonitorService,
    private readonly history: CheckinHistoryRepository,
    private readonly reads: MonitorReadRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: "Get a project's monitor",
    description: '`?environment=` (repeatable) shows only those environments in `environments`.',
    auth: 'bearer',
    params: PARAMS,
    query: MONITOR_GET_QUERY,
    response: { status: 200, description: 'The monitor.', schema: MONITOR },
  })
  async get(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: Auth,
    @Query() query: EnvironmentQuery,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    const [shown] = await this.monitors.present(
      grant.organizationId,
      [await this.monitors.findInProject(grant.organizationId, project, slug)],
      nonEmpty(query.environment),
    );
    return shown!;
  }

  @Put()
  @Endpoint({
    summary: "Update a project's monitor",
    description: 'The fields sent change and the others keep their values, inside `config` too.',
    auth: 'bearer',
    params: PARAMS,
    body: { schema: MONITOR_UPDATE },
    response: { status: 200, description: 'The monitor.', schema: MONITOR },
    errors: ['conflict'],
  })
  async update(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: MonitorBody,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'monitors:write');
    const monitor = await this.monitors.findInProject(grant.organizationId, project, slug);
    const [shown] = await this.monitors.present(grant.organizationId, [await this.monitors.update(grant.organizationId, monitor.id, body)]);
    return shown!;
  }

  @Delete()
  @Endpoint({
    summary: "Delete a project's monitor, or some of its environments",
    description: MONITOR_DELETE_DESCRIPTION,
    auth: 'bearer',
    params: PARAMS,
    query: MONITOR_DELETE_QUERY,
    response: { status: 202, description: 'Deleted; ingest, the scheduler and history follow within moments.' },
  })
  async remove(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: Auth,
    @Query() query: EnvironmentQuery,
  ): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'monitors:write');
    const monitor = await this.monitors.findInProject(grant.organizationId, project, slug);
    await this.monitors.delete(grant.organizationId, monitor.id, query.environment ?? []);
  }

  @Get('checkins')
  @Endpoint({
    summary: "List a project's monitor's check-ins",
    description: 'Newest first, one entry per run, a page at a time (`Link` header). Runs started in the last 90 days unless a range is given.',
    auth: 'bearer',
    params: PARAMS,
    query: CHECKIN_LIST_QUERY,
    response: { status: 200, description: 'A page of runs.', schema: arrayOf(CHECKIN), headers: LINK_HEADER },
  })
  async checkins(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: Auth,
    @Query() query: CheckinListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return listCheckins(this.history, this.reads, await this.monitors.findInProject(grant.organizationId, project, slug), query, request, reply);
  }
}
