import { Inject, Injectable } from '@nestjs/common';
import { hashSecret, isSessionToken, type ApiTokenScope } from '@vigil/db';
import { DataSource } from 'typeorm';
import type { Role } from './permissions';

/** A live token, what it belongs to and the role it acts with (`effectiveRole`). */
export interface TokenGrant {
  organizationId: string;
  organizationSlug: string;
  scope: ApiTokenScope;
  tokenId: string;
  /** The member of a personal token; null for an organization token. */
  memberId: string | null;
  memberRole: Role | null;
  /** What the token may do: see `effectiveRole`. */
  role: Role;
}

interface GrantRow {
  id: string;
  organization_id: string;
  slug: string;
  scope: ApiTokenScope;
  member_id: string | null;
  member_role: Role | null;
}

/**
 * Finds a live token by its hash, with its member's current role (a role change applies to the member's
 * tokens at once), and notes when it was used: at most one write a minute per token, in the same round trip.
 */
const GRANT_SQL = `
  WITH found AS (
    SELECT t.id, t.organization_id, o.slug, t.scope, t.member_id, m.role AS member_role, t.last_used_at
      FROM api_tokens t
      JOIN organizations o ON o.id = t.organization_id
      LEFT JOIN members m ON m.id = t.member_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL
  ), touched AS (
    UPDATE api_tokens SET last_used_at = now()
     WHERE id IN (SELECT id FROM found WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
  )
  SELECT id, organization_id, slug, scope, member_id, member_role FROM found`;

/**
 * A dashboard session (`vgs_` token, from the session cookie) acts as its member's personal token with the write
 * scope: the member's current role decides. An expired session is no session; signing out deletes the row.
 */
const SESSION_GRANT_SQL = `
  SELECT s.id, m.organization_id, o.slug, 'write' AS scope, m.id AS member_id, m.role AS member_role
    FROM web_sessions s
    JOIN members m ON m.id = s.member_id
    JOIN organizations o ON o.id = m.organization_id
   WHERE s.token_hash = $1 AND s.expires_at > now()`;

@Injectable()
export class ApiTokenRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The grant of a live token or dashboard session, or null. `role` is filled in by the caller from `effectiveRole`. */
  async findGrant(token: string): Promise<Omit<TokenGrant, 'role'> | null> {
    const rows: GrantRow[] = await this.dataSource.query(isSessionToken(token) ? SESSION_GRANT_SQL : GRANT_SQL, [hashSecret(token)]);
    const row = rows[0];
    if (!row) return null;
    return {
      organizationId: row.organization_id,
      organizationSlug: row.slug,
      scope: row.scope,
      tokenId: row.id,
      memberId: row.member_id,
      memberRole: row.member_role,
    };
  }
}
