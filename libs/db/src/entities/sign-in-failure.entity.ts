import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A failed dashboard sign-in, counted per subject (`account:<email>` and `address:<ip>`) over a sliding window,
 * so the limit holds across API instances. Rows older than the window are deleted as new failures come in.
 */
@Entity({ name: 'sign_in_failures' })
@Index('ix_sign_in_failures_subject_at', ['subject', 'failedAt'])
export class SignInFailureEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  @Column({ name: 'failed_at', type: 'timestamptz', default: () => 'now()' })
  failedAt!: Date;
}
