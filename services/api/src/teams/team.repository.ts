import { Inject, Injectable } from '@nestjs/common';
import { MemberEntity, TeamEntity } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isPostgresText } from '../common/postgres-text';
import { isUniqueViolation } from '../common/unique-violation';

export interface TeamView {
  team: TeamEntity;
  memberCount: number;
}

/** An organization's teams and who is in them. A member and a team are only ever paired within one organization. */
@Injectable()
export class TeamRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(organizationId: string): Promise<TeamView[]> {
    const teams = await this.dataSource.getRepository(TeamEntity).find({ where: { organizationId }, order: { slug: 'ASC' } });
    return this.withCounts(teams);
  }

  async find(organizationId: string, slug: string): Promise<TeamEntity | null> {
    if (!isPostgresText(slug)) return null;
    return this.dataSource.getRepository(TeamEntity).findOneBy({ organizationId, slug });
  }

  async view(team: TeamEntity): Promise<TeamView> {
    const [view] = await this.withCounts([team]);
    return view!;
  }

  async create(organizationId: string, slug: string, name: string): Promise<TeamEntity> {
    const repository = this.dataSource.getRepository(TeamEntity);
    try {
      return await repository.save(repository.create({ id: randomUUID(), organizationId, slug, name }));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_teams_organization_slug'))
        throw new DomainError('conflict', 'duplicate_slug', `a team with slug "${slug}" already exists in this organization`, 'slug');
      throw error;
    }
  }

  /** Its memberships go with it; the members stay. */
  async delete(team: TeamEntity): Promise<void> {
    await this.dataSource.getRepository(TeamEntity).delete({ id: team.id, organizationId: team.organizationId });
  }

  members(team: TeamEntity): Promise<MemberEntity[]> {
    return this.dataSource
      .getRepository(MemberEntity)
      .createQueryBuilder('m')
      .innerJoin('team_members', 'tm', 'tm.member_id = m.id AND tm.team_id = :team', { team: team.id })
      .where('m.organization_id = :organization', { organization: team.organizationId })
      .orderBy('m.email', 'ASC')
      .getMany();
  }

  /** True when the member was added, false when it was already in the team. */
  async addMember(team: TeamEntity, member: MemberEntity): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'INSERT INTO team_members (team_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING team_id',
      [team.id, member.id],
    );
    return rows.length === 1;
  }

  /** True when the member was in the team. */
  async removeMember(team: TeamEntity, member: MemberEntity): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query('DELETE FROM team_members WHERE team_id = $1 AND member_id = $2', [team.id, member.id]);
    return result[1] === 1;
  }

  private async withCounts(teams: TeamEntity[]): Promise<TeamView[]> {
    if (teams.length === 0) return [];
    const rows: Array<{ team_id: string; count: string }> = await this.dataSource.query(
      'SELECT team_id, count(*) AS count FROM team_members WHERE team_id = ANY($1::uuid[]) GROUP BY team_id',
      [teams.map((team) => team.id)],
    );
    const counts = new Map(rows.map((row) => [row.team_id, Number(row.count)]));
    return teams.map((team) => ({ team, memberCount: counts.get(team.id) ?? 0 }));
  }
}
