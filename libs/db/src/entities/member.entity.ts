import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

/** Organization roles, strongest first. What each may do: docs/decisions/0010-access-model.md. */
export const MEMBER_ROLES = ['owner', 'admin', 'member', 'read-only'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/**
 * A person in an organization, with one organization-wide role. A member acts through personal API tokens
 * (`api_tokens.member_id`), which carry the member's role, and in the dashboard through a session
 * (`web_sessions`) opened with a password.
 */
@Entity({ name: 'members' })
@Index('uq_members_organization_email', ['organizationId', 'email'], { unique: true })
@Check('chk_members_role', `"role" IN ('owner', 'admin', 'member', 'read-only')`)
export class MemberEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  /** Stored lower-cased, so one address is one member. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: MemberRole;

  /** scrypt hash of the dashboard password (`services/api/src/web/auth/password.ts`); null: cannot sign in. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
