import { effectiveRole } from '../auth/permissions';
import type { ApiTokenView } from './token-management.repository';

/**
 * A token as listed: its prefix (`vgl_` and 8 characters) to recognise it, never the secret. `role` is what it
 * acts with now (decision 0010): a personal token follows its member's role.
 */
export function presentApiToken(view: ApiTokenView): Record<string, unknown> {
  const { token, member } = view;
  return {
    id: token.id,
    name: token.name,
    scope: token.scope,
    member: member ? { id: member.id, email: member.email } : null,
    role: effectiveRole({ scope: token.scope, memberRole: member?.role ?? null }),
    tokenPrefix: token.tokenPrefix,
    dateCreated: token.createdAt.toISOString(),
    dateLastUsed: token.lastUsedAt ? token.lastUsedAt.toISOString() : null,
  };
}
