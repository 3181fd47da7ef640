import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MemberEntity } from './member.entity';
import { OrganizationEntity } from './organization.entity';

export const API_TOKEN_SCOPES = ['read', 'write'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/**
 * An API token. Only its SHA-256 is stored: the token is shown once, when it is made, and its first characters
 * (`token_prefix`) afterwards, so people can tell tokens apart. Without `member_id` it is an organization token
 * (scope `read` or `write`); with one it is that member's personal token and carries the member's role, cut
 * down to read-only by the `read` scope. Who may do what: docs/decisions/0010-access-model.md.
 */
@Entity({ name: 'api_tokens' })
@Check('chk_api_tokens_scope', `"scope" IN ('read', 'write')`)
export class ApiTokenEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('ix_api_tokens_organization')
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  /** Null: an organization token. A member's tokens go when the member goes. */
  @Index('ix_api_tokens_member')
  @Column({ name: 'member_id', type: 'uuid', nullable: true })
  memberId!: string | null;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'member_id' })
  member?: MemberEntity | null;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'token_hash', type: 'char', length: 64, unique: true })
  tokenHash!: string;

  /** The token's first characters (`vgl_` and 8 more); null for tokens made before prefixes were kept. */
  @Column({ name: 'token_prefix', type: 'varchar', length: 16, nullable: true })
  tokenPrefix!: string | null;

  @Column({ type: 'varchar', length: 8 })
  scope!: ApiTokenScope;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When a request last authenticated with it, to the minute. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
