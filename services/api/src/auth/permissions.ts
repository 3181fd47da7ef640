import { MEMBER_ROLES, type ApiTokenScope, type MemberRole } from '@vigil/db';
import { DomainError } from '@vigil/errors';

/**
 * Who may do what, as pure rules: docs/decisions/0010-access-model.md has the table. Roles are organization-wide
 * and ordered; every endpoint names the permission it needs, and each permission names the weakest role that
 * holds it.
 */
export type Role = MemberRole;
export const ROLES = MEMBER_ROLES;

const RANK: Readonly<Record<Role, number>> = { 'read-only': 0, member: 1, admin: 2, owner: 3 };

export const PERMISSIONS = {
  /** Everything of the organization that is not a credential list: monitors, history, projects, keys, members, teams. */
  'org:read': 'read-only',
  /** Monitors: create, update, delete, mute, pause. */
  'monitors:write': 'member',
  /** Integrations, alert rules, test notifications. */
  'alerts:write': 'member',
  /** Projects: create, rename, delete. */
  'projects:write': 'admin',
  /** DSN keys (create, rename, rotate, revoke) and the ping key (rotate). */
  'keys:write': 'admin',
  /** API tokens: list (names, prefixes, scopes; never a secret). */
  'tokens:read': 'admin',
  /** API tokens: create, revoke. */
  'tokens:write': 'admin',
  /** Members: add, change role, remove (owners only by an owner: `checkRoleChange`, `checkRemoval`). */
  'members:write': 'admin',
  /** Teams and who is in them. */
  'teams:write': 'admin',
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

/**
 * What an endpoint needs: a permission, or the scopes endpoints stated before permissions existed (`read` is
 * `org:read`, `write` is `monitors:write`), which keep working.
 */
export type AccessNeed = Permission | ApiTokenScope;

export function permissionOf(need: AccessNeed): Permission {
  if (need === 'read') return 'org:read';
  if (need === 'write') return 'monitors:write';
  return need;
}

export function atLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

export function allows(role: Role, need: AccessNeed): boolean {
  return atLeast(role, PERMISSIONS[permissionOf(need)]);
}

/** Every permission a role holds, in declaration order (shown by `GET /api/0/organizations/<org>/`). */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => allows(role, permission));
}

/** What an API token is: an organization token, or a member's personal token. */
export interface Credential {
  scope: ApiTokenScope;
  /** The member's role for a personal token; null for an organization token. */
  memberRole: Role | null;
}

/**
 * The role a token acts with. An organization token acts as a `member` (scope `write`) or `read-only` (scope
 * `read`): it can run monitors and alerts but never manage people, projects or credentials, so a token left in
 * a CI job cannot mint more. A personal token acts with its member's role, or `read-only` with scope `read`.
 */
export function effectiveRole(credential: Credential): Role {
  if (credential.scope === 'read') return 'read-only';
  return credential.memberRole ?? 'member';
}

/** The 403 for a credential whose role is too weak, saying what was needed and why it was not there. */
export function requireAllowed(credential: Credential, need: AccessNeed): void {
  const role = effectiveRole(credential);
  const permission = permissionOf(need);
  if (allows(role, permission)) return;
  const minimum = PERMISSIONS[permission];
  if (credential.scope === 'read') {
    throw new DomainError(
      'forbidden',
      'insufficient_scope',
      `this API token may only read; ${permission} needs a token with the write scope and the ${minimum} role or higher`,
      'authorization',
    );
  }
  const holder = credential.memberRole === null ? 'an organization API token acts as a member' : `this token's member has the ${role} role`;
  throw new DomainError('forbidden', 'insufficient_role', `${permission} needs the ${minimum} role or higher; ${holder}`, 'authorization');
}

/** Roles an actor may hand out: up to its own, and `owner` only by an owner. */
export function canAssign(actor: Role, role: Role): boolean {
  return atLeast(actor, role) && (role !== 'owner' || actor === 'owner');
}

/** Whether an actor may act on a member (change, remove, mint or revoke its tokens): an owner only by an owner. */
export function canManage(actor: Role, member: Role): boolean {
  return member !== 'owner' || actor === 'owner';
}

function denyOwnerBusiness(what: string): never {
  throw new DomainError('forbidden', 'owner_required', `only an owner may ${what}`, 'role');
}

/** Checks a role given to a new member: 403 when the actor may not hand it out. */
export function checkNewMemberRole(actor: Role, role: Role): void {
  if (!canAssign(actor, role)) {
    if (role === 'owner') denyOwnerBusiness('add an owner');
    throw new DomainError('forbidden', 'insufficient_role', `a ${actor} may not hand out the ${role} role`, 'role');
  }
}

/**
 * Checks a role change. `owners` is how many owners the organization has now (counted under a lock by the
 * caller): the last owner cannot be demoted, by anyone, so an organization always has someone who can manage it.
 */
export function checkRoleChange(actor: Role, current: Role, next: Role, owners: number): void {
  if (current === next) return;
  if (!canManage(actor, current)) denyOwnerBusiness('change the role of an owner');
  if (!canAssign(actor, next)) {
    if (next === 'owner') denyOwnerBusiness('make a member an owner');
    throw new DomainError('forbidden', 'insufficient_role', `a ${actor} may not hand out the ${next} role`, 'role');
  }
  if (current === 'owner' && owners <= 1) {
    throw new DomainError('conflict', 'last_owner', "this is the organization's last owner: make another member an owner first", 'role');
  }
}

/** Checks any change to a member (its name, its role): an owner only by an owner. */
export function checkMemberEdit(actor: Role, current: Role): void {
  if (!canManage(actor, current)) denyOwnerBusiness('change an owner');
}

/** Checks a member's removal, with the same last-owner rule. */
export function checkRemoval(actor: Role, current: Role, owners: number): void {
  if (!canManage(actor, current)) denyOwnerBusiness('remove an owner');
  if (current === 'owner' && owners <= 1) {
    throw new DomainError(
      'conflict',
      'last_owner',
      "this is the organization's last owner and cannot be removed: make another member an owner first",
      'member',
    );
  }
}

/**
 * Checks minting or revoking a member's personal token: the same rule as changing the member, so an admin
 * cannot borrow an owner's powers through a token. A token made for a member never acts above that member.
 */
export function checkMemberToken(actor: Role, member: Role, action: 'create' | 'revoke'): void {
  if (!canManage(actor, member)) denyOwnerBusiness(`${action} an owner's personal tokens`);
}
