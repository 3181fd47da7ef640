import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { checkinMarginMs } from '@vigil/schedule';
import { DomainError } from '@vigil/errors';
import type { IssueStatus } from '@vigil/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM, PER_PAGE_QUERY } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { parseCursor } from '../common/pagination/cursor';
import { keysetPage, keysetWindow } from '../common/pagination/keyset-pagination';
import { pageItems } from '../common/pagination/link-header';
import { CURSOR_QUERY, LINK_HEADER } from '../common/pagination/pagination.schemas';
import { pathId } from '../common/request-body';
import { ProjectRepository } from '../projects/project.repository';
import { ISSUE_KEY_CODEC } from './issue-key';
import { IssueReadRepository, type IssueFilter } from './issue-read.repository';
import { IssueRunsRepository } from './issue-runs.repository';
import { presentIssue, presentIssueDetail } from './issue.presenter';
import { ISSUE, ISSUE_DETAIL, ISSUE_LIST_QUERY } from './issue.schemas';

/**
 * Issues of the organization's monitors (Bearer token): what the issues service opened from failure thresholds
 * and resolved from recovery thresholds, with the runs behind each one.
 */
@Controller('api/0/organizations/:org/issues')
export class IssuesController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly issues: IssueReadRepository,
    private readonly runs: IssueRunsRepository,
    private readonly projects: ProjectRepository,
  ) {}

  /** Newest opened first, open and resolved alike unless `status` says; pages follow the `Link` header. */
  @Get()
  @Endpoint({
    summary: 'List issues',
    auth: 'bearer',
    params: ORG_PARAM,
    query: { ...ISSUE_LIST_QUERY, ...PER_PAGE_QUERY, ...CURSOR_QUERY },
    response: { status: 200, description: 'Newest opened first.', schema: arrayOf(ISSUE), headers: LINK_HEADER },
  })
  async list(
    @Param('org') org: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const limit = query['per_page'] as number;
    const window = keysetWindow(ISSUE_KEY_CODEC, parseCursor(query['cursor']), limit);
    const filter: IssueFilter = {};
    if (typeof query['status'] === 'string') filter.status = query['status'] as IssueStatus;
    if (typeof query['project'] === 'string') {
      const project = await this.projects.find(grant.organizationId, query['project']);
      if (!project) throw new DomainError('invalid', 'unknown_project', `project "${query['project']}" not found`, 'project');
      filter.projectId = project.id;
    }
    if (typeof query['monitor'] === 'string') {
      if (!(await this.issues.monitorExists(grant.organizationId, query['monitor'], filter.projectId))) {
        throw new DomainError('invalid', 'unknown_monitor', `monitor "${query['monitor']}" not found`, 'monitor');
      }
      filter.monitorSlug = query['monitor'];
    }
    if (typeof query['environment'] === 'string') filter.environment = query['environment'];
    const rows = await this.issues.list(grant.organizationId, filter, window);
    const page = keysetPage(ISSUE_KEY_CODEC, rows, window, limit, (issue) => ({ openedMs: issue.openedAt.getTime(), id: issue.id }));
    return pageItems(request, reply, { ...page, items: page.items.map(presentIssue) });
  }

  @Get(':issueId')
  @Endpoint({
    summary: 'Get an issue with its check-ins',
    auth: 'bearer',
    params: { ...ORG_PARAM, issueId: { description: 'The issue id (uuid).' } },
    response: { status: 200, description: 'The issue, its opening and resolving runs and the failures it counted.', schema: ISSUE_DETAIL },
  })
  async get(
    @Param('org') org: string,
    @Param('issueId') issueId: string,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org);
    const issue = await this.issues.find(grant.organizationId, pathId(issueId, 'issue', 'unknown_issue', 'issue'));
    if (!issue) throw new DomainError('not_found', 'unknown_issue', `issue "${issueId}" not found`, 'issue');
    const track = { projectId: issue.projectId, monitorId: issue.monitorId, environment: issue.environment };
    const ids = [issue.openingCheckinId, ...(issue.resolvingCheckinId ? [issue.resolvingCheckinId] : [])];
    const [byId, failures] = await Promise.all([
      this.runs.byIds(track, ids),
      this.runs.failures(track, issue.lastFailureAt.getTime(), issue.failureCount, checkinMarginMs(issue.monitorCheckinMargin)),
    ]);
    return presentIssueDetail(issue, {
      opening: byId.get(issue.openingCheckinId) ?? null,
      resolving: issue.resolvingCheckinId ? (byId.get(issue.resolvingCheckinId) ?? null) : null,
      failures,
    });
  }
}
