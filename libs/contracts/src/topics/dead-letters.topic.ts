import type { TopicSchema } from '../formats';

/**
 * Why a consumer gave up on a message:
 * - `contract`: it does not match its topic's schema (it never reached the handler);
 * - `rejected`: the handler or a store refused it as data (a Postgres data or constraint error, a ClickHouse
 *   parse error, a message the handler declares unprocessable), on every attempt;
 * - `failed`: the handler failed on it with an error no rule classifies, on every attempt.
 * A store that is unavailable is never a reason: the partition waits for the store instead.
 */
export const CONSUMER_DEAD_LETTER_REASONS = ['contract', 'rejected', 'failed'] as const;
export type ConsumerDeadLetterReason = (typeof CONSUMER_DEAD_LETTER_REASONS)[number];

/**
 * A message a consumer could not apply and stepped over, so its partition moves on. Keyed by consumer group (one
 * group's letters stay in order). The original record is carried whole (value in base64, as its bytes may not be
 * UTF-8), so it can be replayed to its topic once the cause is fixed.
 */
export interface DeadLetterV1 {
  version: 1;
  /** The service whose consumer gave up (`issues`, `scheduler`, ...). */
  service: string;
  /** The consumer group, without the installation's topic prefix. */
  group: string;
  /** The topic the record was read from, without the prefix. */
  topic: string;
  partition: number;
  /** The record's offset (a decimal string: offsets exceed 2^53). */
  offset: string;
  key: string | null;
  /** The record's value in base64; null for a record without a value. */
  value_base64: string | null;
  /** The event time of a clock pulse (see PULSE_HEADER), null for any other record. */
  pulse_at: number | null;
  reason: ConsumerDeadLetterReason;
  /** Attempts made at the message, the last included (0 for `contract`: it was never handed over). */
  attempts: number;
  /** The last error: its class, its code when it has one (a SQLSTATE, a ClickHouse code), and its message. */
  error_name: string;
  error_code: string | null;
  error_message: string;
  /** When the consumer gave up, epoch milliseconds. */
  dead_at: number;
}

export const deadLetterV1Schema: TopicSchema<DeadLetterV1> = {
  $id: 'vigil.dead-letters.v1',
  type: 'object',
  additionalProperties: false,
  required: [
    'version',
    'service',
    'group',
    'topic',
    'partition',
    'offset',
    'key',
    'value_base64',
    'pulse_at',
    'reason',
    'attempts',
    'error_name',
    'error_code',
    'error_message',
    'dead_at',
  ],
  properties: {
    version: { type: 'integer', const: 1 },
    service: { type: 'string', minLength: 1, maxLength: 64 },
    group: { type: 'string', minLength: 1, maxLength: 255 },
    topic: { type: 'string', minLength: 1, maxLength: 255 },
    partition: { type: 'integer', minimum: 0 },
    offset: { type: 'string', pattern: '^[0-9]{1,20}$' },
    key: { type: ['string', 'null'], maxLength: 1024 },
    value_base64: { type: ['string', 'null'] },
    pulse_at: { type: ['integer', 'null'], minimum: 0 },
    reason: { type: 'string', enum: [...CONSUMER_DEAD_LETTER_REASONS] },
    attempts: { type: 'integer', minimum: 0 },
    error_name: { type: 'string', maxLength: 200 },
    error_code: { type: ['string', 'null'], maxLength: 64 },
    error_message: { type: 'string', maxLength: 2048 },
    dead_at: { type: 'integer', minimum: 0 },
  },
};

export const deadLetterV1Example: DeadLetterV1 = {
  version: 1,
  service: 'issues',
  group: 'vigil-issues',
  topic: 'vigil.run-results.v1',
  partition: 7,
  offset: '18342',
  key: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b:prod\u0000',
  value_base64: 'eyJ2ZXJzaW9uIjoxfQ==',
  pulse_at: null,
  reason: 'rejected',
  attempts: 5,
  error_name: 'QueryFailedError',
  error_code: '22021',
  error_message: 'invalid byte sequence for encoding "UTF8": 0x00',
  dead_at: 1795000512000,
};
