import { API_TOKEN_SCOPES, type ApiTokenScope } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { isUuid, objectBody, onlyFields } from '../common/request-body';
import { parseName } from '../common/slug';

export interface ApiTokenCreate {
  name: string;
  scope: ApiTokenScope;
  /** The member of a personal token; absent for an organization token. */
  member?: string;
}

/**
 * `{"name": "ci", "scope": "write"}` makes an organization token; with `"member": "<member id>"` a personal
 * token of that member, acting with the member's role (`read` cuts it to read-only).
 */
export function parseApiTokenCreate(raw: unknown): ApiTokenCreate {
  const body = objectBody(raw);
  onlyFields(body, ['name', 'scope', 'member'], 'invalid_field');
  const name = parseName(body['name'], 'name');
  const scope = body['scope'];
  if (typeof scope !== 'string' || !(API_TOKEN_SCOPES as readonly string[]).includes(scope)) {
    throw new DomainError('invalid', 'invalid_scope', `scope must be one of ${API_TOKEN_SCOPES.join(', ')}`, 'scope');
  }
  const member = body['member'];
  if (member !== undefined && member !== null && !isUuid(member))
    throw new DomainError('invalid', 'invalid_member', 'member must be the id of a member (a UUID), or left out for an organization token', 'member');
  return { name, scope: scope as ApiTokenScope, ...(typeof member === 'string' ? { member: member.toLowerCase() } : {}) };
}
