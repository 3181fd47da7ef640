import { Injectable } from '@nestjs/common';
import { MemberEntity } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { TokenGrant } from '../auth/api-token.repository';
import { checkMemberEdit, checkNewMemberRole, checkRemoval, checkRoleChange, effectiveRole, requireAllowed, type Role } from '../auth/permissions';
import { isUniqueViolation } from '../common/unique-violation';
import { parseMemberCreate, parseMemberUpdate } from './member-input';
import { MemberRepository, type MemberView } from './member.repository';

function unknownMember(id: string): DomainError {
  return new DomainError('not_found', 'unknown_member', `member "${id}" not found`, 'member');
}

/**
 * Adding, changing and removing members by the rules of `permissions.ts`: roles up to the actor's own, owners
 * only by an owner, never without an owner. Changes run under the organization's lock with the owner count read
 * inside it; a refused change writes nothing.
 */
@Injectable()
export class MemberService {
  constructor(private readonly members: MemberRepository) {}

  async add(grant: TokenGrant, body: unknown): Promise<MemberView> {
    const input = parseMemberCreate(body);
    checkNewMemberRole(grant.role, input.role);
    try {
      const member = await this.members.withOrganizationLocked(grant.organizationId, async (manager) => {
        checkNewMemberRole(await this.actorRole(manager, grant), input.role);
        return manager.save(manager.create(MemberEntity, { id: randomUUID(), organizationId: grant.organizationId, ...input }));
      });
      return { member, teams: [] };
    } catch (error) {
      if (isUniqueViolation(error, 'uq_members_organization_email')) {
        throw new DomainError('conflict', 'duplicate_member', `${input.email} is already a member of this organization`, 'email');
      }
      throw error;
    }
  }

  async update(grant: TokenGrant, id: string, body: unknown): Promise<MemberView> {
    const change = parseMemberUpdate(body);
    const member = await this.members.withOrganizationLocked(grant.organizationId, async (manager, owners) => {
      const current = await this.members.find(grant.organizationId, id, manager);
      if (!current) throw unknownMember(id);
      const actor = await this.actorRole(manager, grant);
      checkMemberEdit(actor, current.role);
      if (change.role !== undefined) checkRoleChange(actor, current.role, change.role, owners);
      if (change.role !== undefined) current.role = change.role;
      if (change.name !== undefined) current.name = change.name;
      return manager.save(current);
    });
    return this.members.view(member);
  }

  /** The member's personal tokens and team places go with it (foreign keys cascade). */
  async remove(grant: TokenGrant, id: string): Promise<void> {
    await this.members.withOrganizationLocked(grant.organizationId, async (manager, owners) => {
      const current = await this.members.find(grant.organizationId, id, manager);
      if (!current) throw unknownMember(id);
      checkRemoval(await this.actorRole(manager, grant), current.role, owners);
      await manager.delete(MemberEntity, { id: current.id, organizationId: grant.organizationId });
    });
  }

  /**
   * The actor's role read again under the lock: the token was checked before it, and a concurrent change may
   * have demoted or removed its member since (two owners demoting each other at once).
   */
  private async actorRole(manager: EntityManager, grant: TokenGrant): Promise<Role> {
    if (grant.memberId === null) return grant.role;
    const actor = await manager.findOneBy(MemberEntity, { organizationId: grant.organizationId, id: grant.memberId });
    if (!actor) throw new DomainError('unauthorized', 'invalid_token', 'the API token is not valid or was revoked', 'authorization');
    const credential = { scope: grant.scope, memberRole: actor.role };
    requireAllowed(credential, 'members:write');
    return effectiveRole(credential);
  }
}
