import { Body, Controller, Delete, Get, Headers, Param, Post } from '@nestjs/common';
import type { MemberEntity, TeamEntity } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import type { AccessNeed } from '../auth/permissions';
import { linksByValue, ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pathId } from '../common/request-body';
import { presentMember } from '../members/member.presenter';
import { MemberRepository } from '../members/member.repository';
import { TEAM_MEMBER } from '../members/member.schemas';
import { parseTeamCreate } from './team-input';
import { presentTeam } from './team.presenter';
import { TeamRepository } from './team.repository';
import { TEAM, TEAM_CREATE } from './team.schemas';

const TEAM_PARAMS = { ...ORG_PARAM, team: { description: 'The team slug.' } };
const MEMBER_TEAM_PARAMS = { ...TEAM_PARAMS, member: { description: 'The member id (uuid).' } };

type Auth = string | undefined;

function unknownTeam(slug: string): DomainError {
  return new DomainError('not_found', 'unknown_team', `team "${slug}" not found`, 'team');
}

/** `GET|POST /api/0/organizations/<org>/teams/`: list (everyone), create (`teams:write`). */
@Controller('api/0/organizations/:org/teams')
export class OrganizationTeamsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly teams: TeamRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: 'List teams',
    paged: true,
    auth: 'bearer',
    params: ORG_PARAM,
    response: { status: 200, description: 'By slug.', schema: arrayOf(TEAM) },
  })
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return (await this.teams.list(grant.organizationId)).map(presentTeam);
  }

  @Post()
  @Endpoint({
    summary: 'Create a team',
    description: 'Needs teams:write (admin or owner).',
    auth: 'bearer',
    params: ORG_PARAM,
    body: { schema: TEAM_CREATE },
    response: {
      status: 201,
      description: 'The team.',
      schema: TEAM,
      links: linksByValue('team', '$response.body#/slug', { GetTeam: 'Team_get', TeamMembers: 'Team_members', DeleteTeam: 'Team_remove' }),
    },
    errors: ['conflict'],
  })
  async create(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'teams:write');
    const input = parseTeamCreate(body);
    return presentTeam({ team: await this.teams.create(grant.organizationId, input.slug, input.name), memberCount: 0 });
  }
}

/** `GET|DELETE /api/0/teams/<org>/<team>/` and `GET .../members/`, in Sentry's shape. */
@Controller('api/0/teams/:org/:team')
export class TeamController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly teams: TeamRepository,
  ) {}

  @Get()
  @Endpoint({ summary: 'Get a team', auth: 'bearer', params: TEAM_PARAMS, response: { status: 200, description: 'The team.', schema: TEAM } })
  async get(@Param('org') org: string, @Param('team') slug: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    return presentTeam(await this.teams.view(await this.find(authorization, org, slug, 'org:read')));
  }

  /** Deletes the team and its memberships; its members stay in the organization. */
  @Delete()
  @Endpoint({
    summary: 'Delete a team',
    description: 'Needs teams:write. Its members stay in the organization.',
    auth: 'bearer',
    params: TEAM_PARAMS,
    response: { status: 204, description: 'Deleted.' },
  })
  async remove(@Param('org') org: string, @Param('team') slug: string, @Headers('authorization') authorization: Auth): Promise<void> {
    await this.teams.delete(await this.find(authorization, org, slug, 'teams:write'));
  }

  @Get('members')
  @Endpoint({
    summary: "List a team's members",
    paged: true,
    auth: 'bearer',
    params: TEAM_PARAMS,
    response: { status: 200, description: 'By address.', schema: arrayOf(TEAM_MEMBER) },
  })
  async members(@Param('org') org: string, @Param('team') slug: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const team = await this.find(authorization, org, slug, 'org:read');
    return (await this.teams.members(team)).map((member) => presentMember({ member, teams: [team.slug] })).map(({ teams: _teams, ...rest }) => rest);
  }

  private async find(authorization: Auth, org: string, slug: string, needs: AccessNeed): Promise<TeamEntity> {
    const grant = await this.access.authorize(authorization, org, needs);
    const team = await this.teams.find(grant.organizationId, slug);
    if (!team) throw unknownTeam(slug);
    return team;
  }
}

/**
 * `POST|DELETE /api/0/organizations/<org>/members/<member_id>/teams/<team>/` (Sentry's shape): puts a member in
 * a team (201 with the team, also when it already was in it) or takes it out (204), with `teams:write`.
 */
@Controller('api/0/organizations/:org/members/:member/teams/:team')
export class MemberTeamsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly teams: TeamRepository,
    private readonly members: MemberRepository,
  ) {}

  @Post()
  @Endpoint({
    summary: 'Add a member to a team',
    description: 'Needs teams:write. Also 201 when the member already was in the team.',
    auth: 'bearer',
    params: MEMBER_TEAM_PARAMS,
    response: { status: 201, description: 'The team.', schema: TEAM },
  })
  async add(
    @Param('org') org: string,
    @Param('member') memberId: string,
    @Param('team') slug: string,
    @Headers('authorization') authorization: Auth,
  ): Promise<Record<string, unknown>> {
    const { team, member } = await this.pair(authorization, org, memberId, slug);
    await this.teams.addMember(team, member);
    return presentTeam(await this.teams.view(team));
  }

  @Delete()
  @Endpoint({
    summary: 'Take a member out of a team',
    description: 'Needs teams:write.',
    auth: 'bearer',
    params: MEMBER_TEAM_PARAMS,
    response: { status: 204, description: 'Taken out.' },
  })
  async remove(
    @Param('org') org: string,
    @Param('member') memberId: string,
    @Param('team') slug: string,
    @Headers('authorization') authorization: Auth,
  ): Promise<void> {
    const { team, member } = await this.pair(authorization, org, memberId, slug);
    if (!(await this.teams.removeMember(team, member))) {
      throw new DomainError('not_found', 'not_in_team', `member "${member.id}" is not in team "${team.slug}"`, 'member');
    }
  }

  private async pair(authorization: Auth, org: string, memberId: string, slug: string): Promise<{ team: TeamEntity; member: MemberEntity }> {
    const grant = await this.access.authorize(authorization, org, 'teams:write');
    const member = await this.members.find(grant.organizationId, pathId(memberId, 'member', 'unknown_member', 'member'));
    if (!member) throw new DomainError('not_found', 'unknown_member', `member "${memberId}" not found`, 'member');
    const team = await this.teams.find(grant.organizationId, slug);
    if (!team) throw unknownTeam(slug);
    return { team, member };
  }
}
