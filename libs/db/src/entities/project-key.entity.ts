import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ProjectEntity } from './project.entity';

/** A DSN public key. SDKs send it on every request, so it is stored as sent, like Sentry's. */
@Entity({ name: 'project_keys' })
export class ProjectKeyEntity {
  @PrimaryGeneratedColumn('increment')
  id!: number;

  @Index('ix_project_keys_project')
  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ name: 'public_key', type: 'varchar', length: 64, unique: true })
  publicKey!: string;

  @Column({ type: 'varchar', length: 100, default: 'Default' })
  label!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
