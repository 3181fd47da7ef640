import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ProjectEntity } from './project.entity';

/**
 * A project API key for the Healthchecks-shaped API (`X-Api-Key`), read-write or read-only, as Healthchecks
 * has per project. Only its SHA-256 is stored: the key is shown once, when it is made, and its first
 * characters (`key_prefix`) afterwards. Revoked keys stay, so the list shows what existed and when it stopped.
 */
@Entity({ name: 'project_api_keys' })
export class ProjectApiKeyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('ix_project_api_keys_project')
  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'key_hash', type: 'char', length: 64, unique: true })
  keyHash!: string;

  /** The key's first characters (`vgw_`/`vgr_` and 8 more), so people can tell keys apart. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix!: string;

  /** A read-only key reads checks and flips; it never writes (Healthchecks' read-only API key). */
  @Column({ name: 'read_only', type: 'boolean', default: false })
  readOnly!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When a request last authenticated with it, to the minute. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
