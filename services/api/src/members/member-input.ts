import { MEMBER_ROLES, type MemberRole } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { objectBody, onlyFields } from '../common/request-body';
import { parseName } from '../common/slug';

export interface MemberCreate {
  email: string;
  name: string;
  role: MemberRole;
}

export interface MemberUpdate {
  name?: string;
  role?: MemberRole;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;
const EMAIL_MAX = 254;

export function parseRole(value: unknown): MemberRole {
  if (typeof value !== 'string' || !(MEMBER_ROLES as readonly string[]).includes(value)) {
    throw new DomainError('invalid', 'invalid_role', `role must be one of ${MEMBER_ROLES.join(', ')}`, 'role');
  }
  return value as MemberRole;
}

function parseEmail(value: unknown): string {
  if (typeof value !== 'string' || value.length > EMAIL_MAX || !EMAIL.test(value.trim())) {
    throw new DomainError('invalid', 'invalid_email', `email must be an e-mail address of at most ${EMAIL_MAX} characters`, 'email');
  }
  return value.trim().toLowerCase();
}

/** `{"email": "...", "name": "...", "role": "member"}`: name defaults to the address, role to `member`. */
export function parseMemberCreate(raw: unknown): MemberCreate {
  const body = objectBody(raw);
  onlyFields(body, ['email', 'name', 'role'], 'invalid_field');
  const email = parseEmail(body['email']);
  const name = body['name'] === undefined ? email.slice(0, 100) : parseName(body['name'], 'name');
  return { email, name, role: body['role'] === undefined ? 'member' : parseRole(body['role']) };
}

/** `{"role": "admin"}` and/or `{"name": "..."}`; the address cannot change (add a member instead). */
export function parseMemberUpdate(raw: unknown): MemberUpdate {
  const body = objectBody(raw);
  onlyFields(body, ['name', 'role'], 'invalid_field');
  const update: MemberUpdate = {};
  if (body['name'] !== undefined) update.name = parseName(body['name'], 'name');
  if (body['role'] !== undefined) update.role = parseRole(body['role']);
  return update;
}
