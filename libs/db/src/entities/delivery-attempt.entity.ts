import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DeliveryEntity } from './delivery.entity';

/**
 * What an attempt came to: `delivered`, `retryable` and `permanent` as the delivery layer classifies them
 * (`AttemptOutcome`), or `interrupted` when the notifier stopped before it recorded the result (the receiver
 * may or may not have got it). Null while the attempt is in flight.
 */
export const ATTEMPT_RECORD_OUTCOMES = ['delivered', 'retryable', 'permanent', 'interrupted'] as const;
export type AttemptRecordOutcome = (typeof ATTEMPT_RECORD_OUTCOMES)[number];

/** One attempt of a delivery, recorded when it starts (before the request leaves) and completed with its result. */
@Entity({ name: 'delivery_attempts' })
@Check('chk_delivery_attempts_outcome', `"outcome" IS NULL OR "outcome" IN ('delivered', 'retryable', 'permanent', 'interrupted')`)
@Index('uq_delivery_attempts_delivery_attempt', ['deliveryId', 'attempt'], { unique: true })
export class DeliveryAttemptEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @ManyToOne(() => DeliveryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id' })
  delivery?: DeliveryEntity;

  /** 1-based. */
  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome!: AttemptRecordOutcome | null;

  /** The HTTP status or SMTP reply code; null when the receiver never answered. */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  /** Machine-readable failure (`AttemptErrorCode`, or `interrupted`). */
  @Column({ name: 'error_code', type: 'varchar', length: 32, nullable: true })
  errorCode!: string | null;

  /** For people; never a credential (no URL path, secret or routing key). */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  error!: string | null;

  /** Where it went, safe to show (`describeTarget`: a URL's origin, a recipient count). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  target!: string | null;

  /** The start of the receiver's answer, for diagnosis. */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  response!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
