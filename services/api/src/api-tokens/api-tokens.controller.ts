import { Body, Controller, Delete, Get, Headers, Param, Post } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import type { TokenGrant } from '../auth/api-token.repository';
import { OrganizationAccess } from '../auth/organization-access';
import { checkMemberToken } from '../auth/permissions';
import { linksById, ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pathId } from '../common/request-body';
import { MemberRepository } from '../members/member.repository';
import { parseApiTokenCreate } from './api-token-input';
import { presentApiToken } from './api-token.presenter';
import { API_TOKEN, API_TOKEN_CREATE, API_TOKEN_CREATED } from './api-token.schemas';
import { TokenManagementRepository, type ApiTokenView } from './token-management.repository';

type Auth = string | undefined;

/**
 * `/api/0/organizations/<org>/api-tokens/[<id>/]`: the organization's live API tokens (`tokens:read`), made and
 * revoked with `tokens:write`. The secret is in the creation's answer only (`token`); afterwards the list shows
 * its prefix. An owner's personal tokens are made and revoked only by an owner.
 */
@Controller('api/0/organizations/:org/api-tokens')
export class ApiTokensController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly tokens: TokenManagementRepository,
    private readonly members: MemberRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: 'List API tokens',
    paged: true,
    description: 'Needs tokens:read (admin or owner). Live tokens, never their secrets.',
    auth: 'bearer',
    params: ORG_PARAM,
    response: { status: 200, description: 'Oldest first.', schema: arrayOf(API_TOKEN) },
  })
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'tokens:read');
    return (await this.tokens.list(grant.organizationId)).map(presentApiToken);
  }

  @Post()
  @Endpoint({
    summary: 'Create an API token',
    description:
      "Needs tokens:write. An organization token, or with `member` a member's personal token (an owner's only by an owner). The secret is in this answer only.",
    auth: 'bearer',
    params: ORG_PARAM,
    body: { schema: API_TOKEN_CREATE },
    response: {
      status: 201,
      description: 'The token, with its secret in `token`.',
      schema: API_TOKEN_CREATED,
      links: linksById({ RevokeToken: 'ApiTokens_revoke' }),
    },
  })
  async create(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'tokens:write');
    const input = parseApiTokenCreate(body);
    let memberId: string | null = null;
    if (input.member !== undefined) {
      const member = await this.members.find(grant.organizationId, input.member);
      if (!member) throw new DomainError('invalid', 'unknown_member', `member "${input.member}" not found in this organization`, 'member');
      checkMemberToken(grant.role, member.role, 'create');
      memberId = member.id;
    }
    const made = await this.tokens.create(grant.organizationId, { name: input.name, scope: input.scope, memberId });
    return { ...presentApiToken(await this.mustFind(grant, made.id)), token: made.secret };
  }

  @Delete(':id')
  @Endpoint({
    summary: 'Revoke an API token',
    description: "Needs tokens:write (an owner's personal token only by an owner). It stops working at its next request.",
    auth: 'bearer',
    params: { ...ORG_PARAM, id: { description: 'The token id (uuid).' } },
    response: { status: 204, description: 'Revoked.' },
  })
  async revoke(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'tokens:write');
    const view = await this.mustFind(grant, pathId(id, 'API token', 'unknown_token', 'token'));
    if (view.member) checkMemberToken(grant.role, view.member.role, 'revoke');
    await this.tokens.revoke(grant.organizationId, view.token.id);
  }

  private async mustFind(grant: TokenGrant, id: string): Promise<ApiTokenView> {
    const view = await this.tokens.find(grant.organizationId, id);
    if (!view) throw new DomainError('not_found', 'unknown_token', `API token "${id}" not found`, 'token');
    return view;
  }
}
