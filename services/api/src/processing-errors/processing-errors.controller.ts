import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { OrganizationAccess } from '../auth/organization-access';
import { PER_PAGE_QUERY, PROJECT_PARAMS } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
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
  @Endpoint({ summary: "List a project's processing errors", auth: 'bearer', params: PROJECT_PARAMS, query: PER_PAGE_QUERY, response: { status: 200, description: 'Newest first.', schema: arrayOf(PROCESSING_ERROR) } })
  async forProject(
    @Param('org') org: string,
    @Param('project') project: string,
    @Headers('authorization') authorization: string | undefined,
    @Query('per_page') limit: number,
  ): Promise<ProcessingErrorEntry[]> {
    const projectId = await this.project(org, project, authorization);
    return this.errors.list(projectId, null, limit);
  }

  @Get('monitors/:slug/processing-errors')
  @Endpoint({
    summary: "List a monitor's processing errors",
    auth: 'bearer',
    params: { ...PROJECT_PARAMS, slug: { description: 'The monitor slug.' } },
    query: PER_PAGE_QUERY,
    response: { status: 200, description: 'Newest first.', schema: arrayOf(PROCESSING_ERROR) },
  })
  async forMonitor(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: string | undefined,
    @Query('per_page') limit: number,
  ): Promise<ProcessingErrorEntry[]> {
    const projectId = await this.project(org, project, authorization);
    return this.errors.list(projectId, slug, limit);
  }

  /** The project named by slug or numeric id, within the token's organization. */
  private async project(org: string, project: string, authorization: string | undefined): Promise<number> {
    const grant = await this.access.authorize(authorization, org);
    return (await this.projects.get(grant.organizationId, project)).id;
  }
}
