import { hashSecret, newInviteToken } from '@vigil/db';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** How long an invite link works. */
export const INVITE_DAYS = 7;

/** The member an invite link is for, as the accept page shows it. */
export interface InviteView {
  memberId: string;
  email: string;
  organizationSlug: string;
}

/** Dashboard invitations (`member_invites`): only the token's SHA-256 is stored. Plain class, like WebSessionRepository. */
export class InviteRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A new invite link's token for a member (earlier links of the member stop working): shown once, never stored. */
  async create(memberId: string): Promise<string> {
    const token = newInviteToken();
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM member_invites WHERE member_id = $1', [memberId]);
      await manager.query(
        `INSERT INTO member_invites (id, member_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4::integer))`,
        [randomUUID(), memberId, hashSecret(token), INVITE_DAYS],
      );
    });
    return token;
  }

  /** The member of a token that still works (not used, not expired, the member still there), or null. */
  async find(token: string): Promise<InviteView | null> {
    const rows: Array<{ member_id: string; email: string; slug: string }> = await this.dataSource.query(
      `SELECT i.member_id, m.email, o.slug
         FROM member_invites i JOIN members m ON m.id = i.member_id JOIN organizations o ON o.id = m.organization_id
        WHERE i.token_hash = $1 AND i.expires_at > now()`,
      [hashSecret(token)],
    );
    const row = rows[0];
    return row ? { memberId: row.member_id, email: row.email, organizationSlug: row.slug } : null;
  }

  /**
   * Uses a token: sets the member's password and ends the member's invites and sessions, in one transaction, so
   * a link works once even when it is sent twice at the same moment. Null when the token no longer works.
   */
  async accept(token: string, passwordHash: string): Promise<InviteView | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ member_id: string; email: string; slug: string }> = await manager.query(
        // A SELECT around the DELETE: TypeORM answers a bare DELETE ... RETURNING as [rows, count].
        `WITH used AS (
           DELETE FROM member_invites i USING members m, organizations o
            WHERE i.token_hash = $1 AND i.expires_at > now() AND m.id = i.member_id AND o.id = m.organization_id
            RETURNING i.member_id, m.email, o.slug)
         SELECT member_id, email, slug FROM used`,
        [hashSecret(token)],
      );
      const row = rows[0];
      if (!row) return null;
      await manager.query('UPDATE members SET password_hash = $2, updated_at = now() WHERE id = $1', [row.member_id, passwordHash]);
      await manager.query('DELETE FROM member_invites WHERE member_id = $1', [row.member_id]);
      await manager.query('DELETE FROM web_sessions WHERE member_id = $1', [row.member_id]);
      return { memberId: row.member_id, email: row.email, organizationSlug: row.slug };
    });
  }
}
