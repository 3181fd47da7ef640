import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from './organization.entity';

/** Project ids are integers because Sentry DSNs carry the project id as a number. */
@Entity({ name: 'projects' })
@Index('uq_projects_org_slug', ['organizationId', 'slug'], { unique: true })
export class ProjectEntity {
  @PrimaryGeneratedColumn('increment')
  id!: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'varchar', length: 50 })
  slug!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The key of slug ping URLs: /ping/<ping_key>/<slug>. */
  @Column({ name: 'ping_key', type: 'varchar', length: 64, unique: true })
  pingKey!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
