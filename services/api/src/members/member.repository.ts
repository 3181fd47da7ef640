import { Inject, Injectable } from '@nestjs/common';
import { MemberEntity, type MemberRole } from '@vigil/db';
import { DataSource, type EntityManager } from 'typeorm';

/** A member with the slugs of the teams it is in. */
export interface MemberView {
  member: MemberEntity;
  teams: string[];
}

/** An organization's members; the rules for changing them are in `MemberService`. */
@Injectable()
export class MemberRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(organizationId: string): Promise<MemberView[]> {
    const members = await this.dataSource.getRepository(MemberEntity).find({ where: { organizationId }, order: { email: 'ASC' } });
    return this.withTeams(members);
  }

  find(organizationId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<MemberEntity | null> {
    return manager.findOneBy(MemberEntity, { organizationId, id });
  }

  async view(member: MemberEntity): Promise<MemberView> {
    const [view] = await this.withTeams([member]);
    return view!;
  }

  /**
   * Runs `work` holding the organization's row lock, with the number of owners it has: changes to roles and
   * removals are serialised per organization, so two owners demoting each other cannot leave none.
   */
  withOrganizationLocked<T>(organizationId: string, work: (manager: EntityManager, owners: number) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE', [organizationId]);
      const owners = await manager.countBy(MemberEntity, { organizationId, role: 'owner' as MemberRole });
      return work(manager, owners);
    });
  }

  private async withTeams(members: MemberEntity[]): Promise<MemberView[]> {
    if (members.length === 0) return [];
    const rows: Array<{ member_id: string; slug: string }> = await this.dataSource.query(
      `SELECT tm.member_id, t.slug FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE tm.member_id = ANY($1::uuid[]) ORDER BY t.slug`,
      [members.map((member) => member.id)],
    );
    const teams = new Map<string, string[]>();
    for (const row of rows) teams.set(row.member_id, [...(teams.get(row.member_id) ?? []), row.slug]);
    return members.map((member) => ({ member, teams: teams.get(member.id) ?? [] }));
  }
}
