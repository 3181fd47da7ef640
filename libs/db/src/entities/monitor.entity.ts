import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ProjectEntity } from './project.entity';

export const SCHEDULE_TYPES = ['crontab', 'interval'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];
import type { IntervalUnit } from '@vigil/schedule';

// One list of interval units: the schedule engine's, which is what has to understand them.
export { INTERVAL_UNITS, type IntervalUnit } from '@vigil/schedule';
/**
 * `active` is watched; `paused` produces no alerts and resumes as new (Healthchecks' paused); `disabled` is not
 * watched at all (Sentry's disabled monitor).
 */
export const MONITOR_STATUSES = ['active', 'paused', 'disabled'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

@Entity({ name: 'monitors' })
@Check('chk_monitors_status', `"status" IN ('active', 'paused', 'disabled')`)
@Index('uq_monitors_project_slug', ['projectId', 'slug'], { unique: true })
export class MonitorEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  @Column({ type: 'varchar', length: 50 })
  slug!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** The credential of /ping/<uuid> URLs; kept apart from `id` so ids can be logged and shown freely. */
  @Column({ name: 'ping_uuid', type: 'uuid', unique: true })
  pingUuid!: string;

  @Column({ name: 'schedule_type', type: 'varchar', length: 16 })
  scheduleType!: ScheduleType;

  @Column({ name: 'schedule_crontab', type: 'varchar', length: 256, nullable: true })
  scheduleCrontab!: string | null;

  @Column({ name: 'schedule_interval_value', type: 'integer', nullable: true })
  scheduleIntervalValue!: number | null;

  @Column({ name: 'schedule_interval_unit', type: 'varchar', length: 8, nullable: true })
  scheduleIntervalUnit!: IntervalUnit | null;

  /** Minutes after the expected time before a run counts as missed. */
  @Column({ name: 'checkin_margin', type: 'integer', nullable: true })
  checkinMargin!: number | null;

  /** Minutes an in-progress run may take before it counts as timed out. */
  @Column({ name: 'max_runtime', type: 'integer', nullable: true })
  maxRuntime!: number | null;

  @Column({ name: 'failure_issue_threshold', type: 'integer', default: 1 })
  failureIssueThreshold!: number;

  @Column({ name: 'recovery_threshold', type: 'integer', default: 1 })
  recoveryThreshold!: number;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  owner!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: MonitorStatus;

  /**
   * Healthchecks semantics, set for checks created by a ping URL: a start not followed by a result within the
   * grace time (`checkin_margin`) is a failure, instead of running until `max_runtime`.
   */
  @Column({ name: 'timeout_from_margin', type: 'boolean', default: false })
  timeoutFromMargin!: boolean;

  @Column({ name: 'is_muted', type: 'boolean', default: false })
  isMuted!: boolean;

  /** Healthchecks' tags: space-separated words, for filtering (`GET /api/v3/checks/?tag=`). */
  @Column({ type: 'varchar', length: 500, default: '' })
  tags!: string;

  /** Healthchecks' `desc`: free text about the check. */
  @Column({ type: 'text', default: '' })
  description!: string;

  /**
   * Healthchecks' `manual_resume`: a ping to a paused monitor leaves it paused. Without it, a ping URL signal
   * that finishes a run (success or failure) resumes a paused monitor.
   */
  @Column({ name: 'manual_resume', type: 'boolean', default: false })
  manualResume!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
