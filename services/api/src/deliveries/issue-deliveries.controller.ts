import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pageByOffset } from '../common/pagination/link-header';
import { LINK_HEADER, PAGE_QUERY, type PageQuery } from '../common/pagination/pagination.schemas';
import { pathId } from '../common/request-body';
import { IssueReadRepository } from '../issues/issue-read.repository';
import { DeliveryReadRepository } from './delivery-read.repository';
import { presentDelivery } from './delivery.presenter';
import { DELIVERY } from './delivery.schemas';

/** Every alert of one issue (its opening and its resolution, per integration) with every attempt (Bearer token). */
@Controller('api/0/organizations/:org/issues/:issueId/deliveries')
export class IssueDeliveriesController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly deliveries: DeliveryReadRepository,
    private readonly issues: IssueReadRepository,
  ) {}

  /** Newest first; an issue nobody was notified about has none. An issue of another organization is a 404, as everywhere. */
  @Get()
  @Endpoint({
    summary: "List an issue's deliveries",
    auth: 'bearer',
    params: { ...ORG_PARAM, issueId: { description: 'The issue id (uuid).' } },
    query: PAGE_QUERY,
    response: {
      status: 200,
      description: 'Newest first, each with every attempt, a page at a time (`Link` header).',
      schema: arrayOf(DELIVERY),
      headers: LINK_HEADER,
    },
  })
  async list(
    @Param('org') org: string,
    @Param('issueId') issueId: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const issue = pathId(issueId, 'issue', 'unknown_issue', 'issue');
    // An issue of this organization, or one its integrations were notified about (a delivery outlives its issue row).
    const known = (await this.issues.exists(grant.organizationId, issue)) || (await this.deliveries.forIssue(grant.organizationId, issue, 0, 1)).length > 0;
    if (!known) throw new DomainError('not_found', 'unknown_issue', `issue "${issueId}" not found`, 'issue');
    const page = await pageByOffset(request, reply, query, (offset, limit) => this.deliveries.forIssue(grant.organizationId, issue, offset, limit));
    return page.map(presentDelivery);
  }
}
