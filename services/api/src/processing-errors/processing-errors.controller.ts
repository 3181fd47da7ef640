import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrganizationAccess } from '../auth/organization-access';
import { PROJECT_PARAMS } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pageByOffset } from '../common/pagination/link-header';
import { LINK_HEADER, PAGE_QUERY, type PageQuery } from '../common/pagination/pagination.schemas';
import { ProjectRepository } from '../projects/project.repository';
import { ProcessingErrorRepository, type ProcessingErrorEntry } from './processing-error.repository';
import { PROCESSING_ERROR } from './processing-error.schemas';

/**
 * Why check-ins are missing: what ingest rejected from SDK envelopes (which never read the answer) and what
 * a rate limit turned away, per project and per monitor slug (Bearer token of the organization).
 */
@Controller('api/0/projects/:org/:project')
export class ProcessingErrorsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly errors: ProcessingErrorRepository,
    private readonly projects: ProjectRepository,
  ) {}

  @Get('processing-errors')
  @Endpoint({
    summary: "List a project's processing errors",
    auth: 'bearer',
    params: PROJECT_PARAMS,
    query: PAGE_QUERY,
    response: { status: 200, description: 'Newest first, a page at a time (`Link` header).', schema: arrayOf(PROCESSING_ERROR), headers: LINK_HEADER },
  })
  async forProject(
    @Param('org') org: string,
    @Param('project') project: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProcessingErrorEntry[]> {
    const projectId = await this.project(org, project, authorization);
    return pageByOffset(request, reply, query, (offset, limit) => this.errors.list(projectId, null, offset, limit));
  }

  @Get('monitors/:slug/processing-errors')
  @Endpoint({
    summary: "List a monitor's processing errors",
    auth: 'bearer',
    params: { ...PROJECT_PARAMS, slug: { description: 'The monitor slug.' } },
    query: PAGE_QUERY,
    response: { status: 200, description: 'Newest first, a page at a time (`Link` header).', schema: arrayOf(PROCESSING_ERROR), headers: LINK_HEADER },
  })
  async forMonitor(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProcessingErrorEntry[]> {
    const projectId = await this.project(org, project, authorization);
    return pageByOffset(request, reply, query, (offset, limit) => this.errors.list(projectId, slug, offset, limit));
  }

  /** The project named by slug or numeric id, within the token's organization. */
  private async project(org: string, project: string, authorization: string | undefined): Promise<number> {
    const grant = await this.access.authorize(authorization, org);
    return (await this.projects.get(grant.organizationId, project)).id;
  }
}
