import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MemberEntity } from './member.entity';

/**
 * A dashboard session: a member signed in with a password. The cookie holds the session token (`vgs_...`); only
 * its SHA-256 is stored. The API takes the token like a personal API token with the member's current role, so
 * the dashboard reads and writes through the API with exactly the member's rights. Signing out deletes the row:
 * the token stops working at its next request, wherever it was used.
 */
@Entity({ name: 'web_sessions' })
export class WebSessionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('ix_web_sessions_member')
  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id' })
  member?: MemberEntity;

  @Column({ name: 'token_hash', type: 'char', length: 64, unique: true })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** The session ends then, whatever happens meanwhile (an absolute lifetime: VIGIL_WEB_SESSION_HOURS). */
  @Index('ix_web_sessions_expires')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
