import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MemberEntity } from './member.entity';

/**
 * An invitation to the dashboard: the link an owner or admin hands a new member, who opens it once to choose a
 * password (`/invite?token=vgi_...`). Only the token's SHA-256 is stored; the link is shown once, when the member
 * is added. Using it, or removing the member, ends it; so does `expires_at`.
 */
@Entity({ name: 'member_invites' })
export class MemberInviteEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('ix_member_invites_member')
  @Column({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id' })
  member?: MemberEntity;

  @Column({ name: 'token_hash', type: 'char', length: 64, unique: true })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
