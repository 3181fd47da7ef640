import { hashSecret, newSessionToken, type MemberRole } from '@vigil/db';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** A member who may sign in with this address (one per organization that has it). */
export interface SignInCandidate {
  memberId: string;
  organizationSlug: string;
  role: MemberRole;
  passwordHash: string | null;
}

/** Dashboard sessions, passwords and failed sign-ins, in Postgres. Plain class: integration tests run it on the real database. */
export class WebSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async candidates(email: string): Promise<SignInCandidate[]> {
    const rows: Array<{ id: string; slug: string; role: MemberRole; password_hash: string | null }> = await this.dataSource.query(
      `SELECT m.id, o.slug, m.role, m.password_hash
         FROM members m JOIN organizations o ON o.id = m.organization_id
        WHERE m.email = $1 ORDER BY o.slug`,
      [email.toLowerCase()],
    );
    return rows.map((row) => ({ memberId: row.id, organizationSlug: row.slug, role: row.role, passwordHash: row.password_hash }));
  }

  /** Opens a session and answers its token (the cookie's value), which is not kept: only its SHA-256 is. */
  async open(memberId: string, hours: number): Promise<string> {
    const token = newSessionToken();
    await this.dataSource.query(
      `INSERT INTO web_sessions (id, member_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4::integer))`,
      [randomUUID(), memberId, hashSecret(token), hours],
    );
    // Expired sessions of anyone go as new ones come, so the table holds only live ones and a few stale.
    await this.dataSource.query(`DELETE FROM web_sessions WHERE expires_at < now() - interval '1 day'`);
    return token;
  }

  /** Ends a session: its token stops working at its next request, in every API instance. */
  async close(token: string): Promise<void> {
    await this.dataSource.query('DELETE FROM web_sessions WHERE token_hash = $1', [hashSecret(token)]);
  }

  /** The member's password hash, null when the member has none (never signed in with a password). */
  async passwordHashOf(memberId: string): Promise<string | null> {
    const rows: Array<{ password_hash: string | null }> = await this.dataSource.query('SELECT password_hash FROM members WHERE id = $1', [memberId]);
    return rows[0]?.password_hash ?? null;
  }

  /** Sets a member's password hash and ends every session the member has (a reset signs out everywhere). */
  async setPassword(memberId: string, passwordHash: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('UPDATE members SET password_hash = $2, updated_at = now() WHERE id = $1', [memberId, passwordHash]);
      await manager.query('DELETE FROM web_sessions WHERE member_id = $1', [memberId]);
    });
  }

  /** Failed sign-ins of each subject within the window. */
  async failures(subjects: readonly string[], windowMinutes: number): Promise<Map<string, number>> {
    const rows: Array<{ subject: string; failures: string }> = await this.dataSource.query(
      `SELECT subject, count(*) AS failures FROM sign_in_failures
        WHERE subject = ANY($1::text[]) AND failed_at > now() - make_interval(mins => $2::integer)
        GROUP BY subject`,
      [subjects, windowMinutes],
    );
    return new Map(rows.map((row) => [row.subject, Number(row.failures)]));
  }

  async recordFailure(subjects: readonly string[], windowMinutes: number): Promise<void> {
    await this.dataSource.query(`INSERT INTO sign_in_failures (subject) SELECT unnest($1::text[])`, [subjects]);
    await this.dataSource.query(`DELETE FROM sign_in_failures WHERE failed_at < now() - make_interval(mins => $1::integer)`, [windowMinutes]);
  }
}
