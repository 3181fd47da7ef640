import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { pathId } from '../common/request-body';
import { presentMember } from './member.presenter';
import { MemberRepository } from './member.repository';
import { MemberService } from './member.service';

type Auth = string | undefined;
const memberId = (id: string) => pathId(id, 'member', 'unknown_member', 'member');

/**
 * `/api/0/organizations/<org>/members/[<member_id>/]`: list and read with any token; add, change (role, name)
 * and remove with `members:write`, by the owner rules of decision 0010. A member acts through personal API
 * tokens (`POST .../api-tokens/` with `member`).
 */
@Controller('api/0/organizations/:org/members')
export class MembersController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly members: MemberRepository,
    private readonly service: MemberService,
  ) {}

  @Get()
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return (await this.members.list(grant.organizationId)).map(presentMember);
  }

  @Post()
  async add(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'members:write');
    return presentMember(await this.service.add(grant, body));
  }

  @Get(':member')
  async get(@Param('org') org: string, @Param('member') id: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    const member = await this.members.find(grant.organizationId, memberId(id));
    if (!member) throw new DomainError('not_found', 'unknown_member', `member "${id}" not found`, 'member');
    return presentMember(await this.members.view(member));
  }

  @Put(':member')
  async update(@Param('org') org: string, @Param('member') id: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'members:write');
    return presentMember(await this.service.update(grant, memberId(id), body));
  }

  @Delete(':member')
  @HttpCode(204)
  async remove(@Param('org') org: string, @Param('member') id: string, @Headers('authorization') authorization: Auth): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'members:write');
    await this.service.remove(grant, memberId(id));
  }
}
