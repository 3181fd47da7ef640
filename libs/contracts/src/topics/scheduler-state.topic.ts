import { UUID_PATTERN, type TopicSchema } from '../formats';
import { checkinMessageV1Schema, type CheckinMessageV1 } from './checkins.topic';

/**
 * Unconfirmed check-ins one check-ins partition keeps waiting at most (decision 0021); beyond it the oldest is
 * judged at once. A waiting check-in is one a client sent for a slug that did not exist, so this bounds what a
 * misconfigured fleet can make the changelog carry.
 */
export const MAX_WAITING_CHECKINS = 1000;

/** A check-in as the position record carries it (the check-ins topic's schema, without its `$id`). */
const { $id: _checkinsId, ...waitingCheckinSchema } = checkinMessageV1Schema;

/**
 * A monitor-environment track's reported state (see the scheduler's `Track`):
 * - `new`: no check-in has counted yet; a new track is never missed.
 * - `ok`: the last result was a success (or the first check-in was a start), and no expected slot is overdue.
 * - `late`: the last result was `ok`, an expected slot has passed, its check-in margin has not.
 * - `missed`, `timeout`, `error`: the last result. They stay until a check-in changes them (Healthchecks keeps
 *   "down" the same way): a failed track does not go `late` again, and a start alone does not clear them.
 * - `paused`: the monitor is paused; it produces nothing.
 */
export const TRACK_STATES = ['new', 'ok', 'late', 'missed', 'timeout', 'error', 'paused'] as const;
export type TrackState = (typeof TRACK_STATES)[number];

export const TRACK_RESULTS = ['none', 'ok', 'error', 'missed', 'timeout'] as const;
export type TrackResult = (typeof TRACK_RESULTS)[number];

/** One track's detection state as plain JSON: the scheduler writes it after every change and restores from it. */
export interface TrackSnapshotV1 {
  v: 1;
  monitor_id: string;
  environment: string;
  /** Latest event time the track was evaluated at; null if never. */
  clock: number | null;
  /** Every slot at or before this instant is settled (counted or missed); null while the track is new. */
  resolved: number | null;
  /** The instant the last counted check-in was credited at (an interval's anchor). */
  anchor: number | null;
  result: TrackResult;
  state: TrackState;
  streak: number;
  last_miss: number | null;
  collapsed_from: number | null;
  /**
   * Counting check-ins seen before the monitor's config was known, oldest first: [received_at, 0 success |
   * 1 error | 2 start] (snapshots from before 2 existed hold starts as 0). Replayed in order when the config
   * arrives, where Healthchecks' rules may leave a start uncounted. At most `MAX_HELD_CHECKINS`.
   */
  held: Array<[number, 0 | 1 | 2]>;
  /** Snapshots written before `finished`: the last run that finished. Written as null since (see `finished`). */
  last_finished: string | null;
  /**
   * The runs that finished last, oldest first, as libs/runs `runKey`s (a 53-bit hash of the check-in id): a
   * late start or a second result for one of them is ignored. Absent in snapshots written before it.
   */
  finished?: number[];
  /** The key of the schedule rule the state was computed under, so a restore notices a changed schedule. */
  schedule_key: string | null;
  suspended: 'paused' | 'disabled' | null;
  configured: boolean;
  /**
   * Open runs, oldest first: [checkin_id, started_at, 0 open | 1 timed out | 2 open across a pause, exempt,
   * touched_at?]: the 4th, the run's latest heartbeat (`in_progress` again), only when there was one after its start.
   */
  runs: Array<[string, number, 0 | 1 | 2] | [string, number, 0 | 1 | 2, number]>;
}

/**
 * Where a check-ins partition's detection stands: the event time of the last pulse applied and the offset of
 * the last check-ins record applied. Written after the tracks' snapshots of the same batch, so a restore
 * that reads it knows which redelivered records its tracks already contain.
 */
export interface PartitionPositionV1 {
  /** Null before the partition's first pulse. */
  clock: number | null;
  /** Offset in `vigil.checkins.v1` of the last record applied (decimal string: Kafka offsets are 64-bit). */
  offset: string;
  /**
   * Check-ins at or below `offset` still waiting for their monitor to be confirmed (`monitor_existence:
   * unconfirmed`, decision 0021), oldest first. Absent: none (positions written before the field).
   */
  waiting?: CheckinMessageV1[];
  /**
   * The ingest beats this partition had seen at `offset` (decision 0023): the latest beat's event time and the
   * latest silences of every ingest instance, `[from, to]` (`to` null while silent), oldest first, at most
   * `MAX_INGEST_SILENCES`. Absent: no beat seen yet (positions written before the field, or beats turned off).
   */
  ingest_beats?: IngestBeatsV1;
}

/** What a partition's outage guard knows of ingest beats (see `PartitionPositionV1.ingest_beats`). */
export interface IngestBeatsV1 {
  last: number;
  silences: Array<[number, number | null]>;
}

/** The silences of ingest a position keeps: enough for the longest window of a miss (a slot to its deadline). */
export const MAX_INGEST_SILENCES = 50;

/**
 * The scheduler's state changelog (compacted). Partition p holds the state of check-ins partition p: one
 * record per track keyed by monitor-environment (a tombstone, null value, when the monitor is deleted), and
 * one `partition` record keyed by `PARTITION_POSITION_KEY`.
 */
export interface SchedulerStateV1 {
  version: 1;
  kind: 'track' | 'partition';
  track: TrackSnapshotV1 | null;
  position: PartitionPositionV1 | null;
}

/** The key of a changelog partition's position record (never a monitor-environment key: those contain a UUID). */
export const PARTITION_POSITION_KEY = 'partition-position';

const nullableInteger = { type: ['integer', 'null'] };
const runId = { type: 'string', minLength: 1, maxLength: 64 };
const runFlag = { type: 'integer', enum: [0, 1, 2] };

const trackSnapshotSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'v',
    'monitor_id',
    'environment',
    'clock',
    'resolved',
    'anchor',
    'result',
    'state',
    'streak',
    'last_miss',
    'collapsed_from',
    'held',
    'last_finished',
    'schedule_key',
    'suspended',
    'configured',
    'runs',
  ],
  properties: {
    v: { type: 'integer', const: 1 },
    monitor_id: { type: 'string', pattern: UUID_PATTERN },
    environment: { type: 'string', minLength: 1, maxLength: 64 },
    clock: nullableInteger,
    resolved: nullableInteger,
    anchor: nullableInteger,
    result: { type: 'string', enum: [...TRACK_RESULTS] },
    state: { type: 'string', enum: [...TRACK_STATES] },
    streak: { type: 'integer', minimum: 0 },
    last_miss: nullableInteger,
    collapsed_from: nullableInteger,
    held: {
      type: 'array',
      maxItems: 16,
      items: { type: 'array', minItems: 2, maxItems: 2, items: [{ type: 'integer' }, { type: 'integer', enum: [0, 1, 2] }] },
    },
    last_finished: { type: ['string', 'null'], maxLength: 64 },
    finished: { type: 'array', maxItems: 16, items: { type: 'integer', minimum: 0, maximum: 9007199254740991 } },
    schedule_key: { type: ['string', 'null'], maxLength: 400 },
    suspended: { enum: ['paused', 'disabled', null] },
    configured: { type: 'boolean' },
    runs: {
      type: 'array',
      maxItems: 64,
      items: {
        anyOf: [
          { type: 'array', minItems: 3, maxItems: 3, items: [runId, { type: 'integer' }, runFlag] },
          { type: 'array', minItems: 4, maxItems: 4, items: [runId, { type: 'integer' }, runFlag, { type: 'integer' }] },
        ],
      },
    },
  },
} as const;

export const schedulerStateV1Schema: TopicSchema<SchedulerStateV1> = {
  $id: 'vigil.scheduler-state.v1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'kind', 'track', 'position'],
  properties: {
    version: { type: 'integer', const: 1 },
    kind: { type: 'string', enum: ['track', 'partition'] },
    track: { oneOf: [{ type: 'null' }, trackSnapshotSchema] },
    position: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['clock', 'offset'],
          properties: {
            clock: nullableInteger,
            offset: { type: 'string', pattern: '^-?[0-9]{1,20}$' },
            waiting: { type: 'array', maxItems: MAX_WAITING_CHECKINS, items: waitingCheckinSchema },
            ingest_beats: {
              type: 'object',
              additionalProperties: false,
              required: ['last', 'silences'],
              properties: {
                last: { type: 'integer', minimum: 0 },
                silences: {
                  type: 'array',
                  maxItems: MAX_INGEST_SILENCES,
                  // [from, to]: to is null while the silence lasts
                  items: { type: 'array', minItems: 2, maxItems: 2, items: { type: ['integer', 'null'], minimum: 0 } },
                },
              },
            },
          },
        },
      ],
    },
  },
};

export const schedulerStateV1Example: SchedulerStateV1 = {
  version: 1,
  kind: 'track',
  track: {
    v: 1,
    monitor_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
    environment: 'production',
    clock: 1795000080000,
    resolved: 1795000020000,
    anchor: 1795000020000,
    result: 'ok',
    state: 'ok',
    streak: 0,
    last_miss: null,
    collapsed_from: null,
    held: [],
    last_finished: null,
    finished: [6923919354107466],
    schedule_key: 'crontab|UTC|0 * * * *',
    suspended: null,
    configured: true,
    runs: [['9c1e3b5a-7c9e-4b3d-8f7a-9c1e3b5a7c9e', 1795000021000, 0, 1795000051000]],
  },
  position: null,
};
