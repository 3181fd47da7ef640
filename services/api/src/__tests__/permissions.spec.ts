import { DomainError } from '@vigil/errors';
import {
  allows,
  canAssign,
  canManage,
  checkMemberEdit,
  checkMemberToken,
  checkNewMemberRole,
  checkRemoval,
  checkRoleChange,
  effectiveRole,
  permissionsOf,
  PERMISSIONS,
  requireAllowed,
  ROLES,
  type Permission,
  type Role,
} from '../auth/permissions';

/** The error a rule throws, as kind and code, or 'ok'. */
function outcome(call: () => void): string {
  try {
    call();
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return `${error.kind}:${error.code}`;
    throw error;
  }
}

const WRITES: Permission[] = ['monitors:write', 'alerts:write', 'projects:write', 'keys:write', 'tokens:write', 'members:write', 'teams:write'];

describe('permissions by role', () => {
  // The table of docs/decisions/0010-access-model.md, written out: a change to PERMISSIONS must change this too.
  const TABLE: Record<Permission, Role[]> = {
    'org:read': ['owner', 'admin', 'member', 'read-only'],
    'monitors:write': ['owner', 'admin', 'member'],
    'alerts:write': ['owner', 'admin', 'member'],
    'projects:write': ['owner', 'admin'],
    'keys:write': ['owner', 'admin'],
    'tokens:read': ['owner', 'admin'],
    'tokens:write': ['owner', 'admin'],
    'members:write': ['owner', 'admin'],
    'teams:write': ['owner', 'admin'],
  };

  it.each(Object.keys(PERMISSIONS) as Permission[])('%s is held by exactly the roles of the table', (permission) => {
    expect(ROLES.filter((role) => allows(role, permission))).toEqual(TABLE[permission]);
  });

  it('read-only holds no write permission at all', () => {
    expect(permissionsOf('read-only')).toEqual(['org:read']);
    for (const permission of WRITES) expect(allows('read-only', permission)).toBe(false);
  });

  it('the old scopes keep their meaning: read is org:read, write is what a member may do', () => {
    expect(ROLES.filter((role) => allows(role, 'read'))).toEqual(['owner', 'admin', 'member', 'read-only']);
    expect(ROLES.filter((role) => allows(role, 'write'))).toEqual(['owner', 'admin', 'member']);
  });
});

describe('effectiveRole', () => {
  it('an organization token acts as a member (write) or read-only (read), never above', () => {
    expect(effectiveRole({ scope: 'write', memberRole: null })).toBe('member');
    expect(effectiveRole({ scope: 'read', memberRole: null })).toBe('read-only');
  });

  it("a personal token acts with its member's role, and read-only with the read scope", () => {
    for (const role of ROLES) {
      expect(effectiveRole({ scope: 'write', memberRole: role })).toBe(role);
      expect(effectiveRole({ scope: 'read', memberRole: role })).toBe('read-only');
    }
  });
});

describe('requireAllowed', () => {
  it('says insufficient_scope for a read token and insufficient_role for a weak role', () => {
    expect(outcome(() => requireAllowed({ scope: 'read', memberRole: 'owner' }, 'monitors:write'))).toBe('forbidden:insufficient_scope');
    expect(outcome(() => requireAllowed({ scope: 'read', memberRole: null }, 'write'))).toBe('forbidden:insufficient_scope');
    expect(outcome(() => requireAllowed({ scope: 'write', memberRole: null }, 'projects:write'))).toBe('forbidden:insufficient_role');
    expect(outcome(() => requireAllowed({ scope: 'write', memberRole: 'member' }, 'members:write'))).toBe('forbidden:insufficient_role');
    expect(outcome(() => requireAllowed({ scope: 'write', memberRole: 'read-only' }, 'alerts:write'))).toBe('forbidden:insufficient_role');
    expect(outcome(() => requireAllowed({ scope: 'write', memberRole: 'admin' }, 'members:write'))).toBe('ok');
    expect(outcome(() => requireAllowed({ scope: 'read', memberRole: null }, 'org:read'))).toBe('ok');
  });
});

describe('handing out roles', () => {
  it('an owner may hand out every role, an admin every role but owner, nobody else any', () => {
    expect(ROLES.filter((role) => canAssign('owner', role))).toEqual(['owner', 'admin', 'member', 'read-only']);
    expect(ROLES.filter((role) => canAssign('admin', role))).toEqual(['admin', 'member', 'read-only']);
    expect(ROLES.filter((role) => canAssign('member', role))).toEqual(['member', 'read-only']);
    expect(outcome(() => checkNewMemberRole('admin', 'owner'))).toBe('forbidden:owner_required');
    expect(outcome(() => checkNewMemberRole('admin', 'admin'))).toBe('ok');
    expect(outcome(() => checkNewMemberRole('owner', 'owner'))).toBe('ok');
  });

  it('only an owner may act on an owner', () => {
    expect(canManage('owner', 'owner')).toBe(true);
    expect(canManage('admin', 'owner')).toBe(false);
    expect(canManage('admin', 'admin')).toBe(true);
    expect(outcome(() => checkMemberEdit('admin', 'owner'))).toBe('forbidden:owner_required');
    expect(outcome(() => checkMemberEdit('admin', 'admin'))).toBe('ok');
    expect(outcome(() => checkMemberEdit('owner', 'owner'))).toBe('ok');
    expect(outcome(() => checkMemberToken('admin', 'owner', 'create'))).toBe('forbidden:owner_required');
    expect(outcome(() => checkMemberToken('admin', 'owner', 'revoke'))).toBe('forbidden:owner_required');
    expect(outcome(() => checkMemberToken('admin', 'member', 'create'))).toBe('ok');
    expect(outcome(() => checkMemberToken('owner', 'owner', 'create'))).toBe('ok');
  });
});

describe('role changes and removal', () => {
  it('an admin cannot promote to owner, demote an owner, or remove one', () => {
    expect(outcome(() => checkRoleChange('admin', 'member', 'owner', 2))).toBe('forbidden:owner_required');
    expect(outcome(() => checkRoleChange('admin', 'owner', 'admin', 2))).toBe('forbidden:owner_required');
    expect(outcome(() => checkRemoval('admin', 'owner', 2))).toBe('forbidden:owner_required');
  });

  it('an admin may move others between admin, member and read-only and remove them', () => {
    expect(outcome(() => checkRoleChange('admin', 'member', 'admin', 1))).toBe('ok');
    expect(outcome(() => checkRoleChange('admin', 'admin', 'read-only', 1))).toBe('ok');
    expect(outcome(() => checkRemoval('admin', 'admin', 1))).toBe('ok');
  });

  it('an owner may make and unmake owners while another owner remains', () => {
    expect(outcome(() => checkRoleChange('owner', 'admin', 'owner', 1))).toBe('ok');
    expect(outcome(() => checkRoleChange('owner', 'owner', 'member', 2))).toBe('ok');
    expect(outcome(() => checkRemoval('owner', 'owner', 2))).toBe('ok');
  });

  it('the last owner can be neither demoted nor removed, not even by itself', () => {
    expect(outcome(() => checkRoleChange('owner', 'owner', 'admin', 1))).toBe('conflict:last_owner');
    expect(outcome(() => checkRoleChange('owner', 'owner', 'read-only', 1))).toBe('conflict:last_owner');
    expect(outcome(() => checkRemoval('owner', 'owner', 1))).toBe('conflict:last_owner');
  });

  it('keeping the same role is always allowed (an idempotent update)', () => {
    expect(outcome(() => checkRoleChange('admin', 'member', 'member', 1))).toBe('ok');
    expect(outcome(() => checkRoleChange('owner', 'owner', 'owner', 1))).toBe('ok');
  });

  it('a member or read-only actor cannot hand out roles above its own', () => {
    expect(outcome(() => checkRoleChange('member', 'read-only', 'admin', 1))).toBe('forbidden:insufficient_role');
  });
});
