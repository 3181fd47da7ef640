import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import type { TokenGrant } from '../auth/api-token.repository';
import { OrganizationAccess } from '../auth/organization-access';
import { checkMemberToken } from '../auth/permissions';
import { pathId } from '../common/request-body';
import { MemberRepository } from '../members/member.repository';
import { parseApiTokenCreate } from './api-token-input';
import { presentApiToken } from './api-token.presenter';
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
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'tokens:read');
    return (await this.tokens.list(grant.organizationId)).map(presentApiToken);
  }

  @Post()
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
  @HttpCode(204)
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
