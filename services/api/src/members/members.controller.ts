import { Body, Controller, Delete, Get, Headers, Param, Post, Put } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { linksByValue, ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pathId } from '../common/request-body';
import { presentMember } from './member.presenter';
import { MemberRepository } from './member.repository';
import { MemberService } from './member.service';
import { MEMBER, MEMBER_CREATE, MEMBER_UPDATE } from './member.schemas';

const MEMBER_PARAMS = { ...ORG_PARAM, member: { description: 'The member id (uuid).' } };

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
  @Endpoint({
    summary: 'List members',
    paged: true,
    auth: 'bearer',
    params: ORG_PARAM,
    response: { status: 200, description: 'By address.', schema: arrayOf(MEMBER) },
  })
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return (await this.members.list(grant.organizationId)).map(presentMember);
  }

  @Post()
  @Endpoint({
    summary: 'Add a member',
    description: 'Needs members:write (admin or owner). Roles up to your own; an owner only by an owner.',
    auth: 'bearer',
    params: ORG_PARAM,
    body: { schema: MEMBER_CREATE },
    response: {
      status: 201,
      description: 'The member.',
      schema: MEMBER,
      links: linksByValue('member', '$response.body#/id', { GetMember: 'Members_get', UpdateMember: 'Members_update', RemoveMember: 'Members_remove' }),
    },
    errors: ['conflict'],
  })
  async add(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'members:write');
    return presentMember(await this.service.add(grant, body));
  }

  @Get(':member')
  @Endpoint({ summary: 'Get a member', auth: 'bearer', params: MEMBER_PARAMS, response: { status: 200, description: 'The member.', schema: MEMBER } })
  async get(@Param('org') org: string, @Param('member') id: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    const member = await this.members.find(grant.organizationId, memberId(id));
    if (!member) throw new DomainError('not_found', 'unknown_member', `member "${id}" not found`, 'member');
    return presentMember(await this.members.view(member));
  }

  @Put(':member')
  @Endpoint({
    summary: "Change a member's role or name",
    description: 'Needs members:write. An owner is changed only by an owner; the last owner cannot be demoted (409 last_owner).',
    auth: 'bearer',
    params: MEMBER_PARAMS,
    body: { schema: MEMBER_UPDATE },
    response: { status: 200, description: 'The member.', schema: MEMBER },
    errors: ['conflict'],
  })
  async update(
    @Param('org') org: string,
    @Param('member') id: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'members:write');
    return presentMember(await this.service.update(grant, memberId(id), body));
  }

  @Delete(':member')
  @Endpoint({
    summary: 'Remove a member',
    description: 'Needs members:write. Its personal tokens go with it. An owner is removed only by an owner; the last owner cannot be (409 last_owner).',
    auth: 'bearer',
    params: MEMBER_PARAMS,
    response: { status: 204, description: 'Removed.' },
    errors: ['conflict'],
  })
  async remove(@Param('org') org: string, @Param('member') id: string, @Headers('authorization') authorization: Auth): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'members:write');
    await this.service.remove(grant, memberId(id));
  }
}
