import type { TopicSchema } from './formats';
import { deadLetterV1Example, deadLetterV1Schema, type DeadLetterV1 } from './topics/dead-letters.topic';
import { checkinMessageV1Example, checkinMessageV1Schema, type CheckinMessageV1 } from './topics/checkins.topic';
import { issueEventV1Example, issueEventV1Schema, type IssueEventV1 } from './topics/issues.topic';
import { monitorEventV1Example, monitorEventV1Schema, type MonitorEventV1 } from './topics/monitor-events.topic';
import { monitorStateV1Example, monitorStateV1Schema, type MonitorStateV1 } from './topics/monitor-states.topic';
import { notificationDeadLetterV1Example, notificationDeadLetterV1Schema, type NotificationDeadLetterV1 } from './topics/notifications-dead-letter.topic';
import { processingErrorV1Example, processingErrorV1Schema, type ProcessingErrorV1 } from './topics/processing-errors.topic';
import { runResultV1Example, runResultV1Schema, type RunResultV1 } from './topics/run-results.topic';
import { schedulerStateV1Example, schedulerStateV1Schema, type SchedulerStateV1 } from './topics/scheduler-state.topic';

/**
 * Every Kafka topic Vigil uses. The name carries the schema version: a breaking change is a new topic
 * (`...v2`) produced beside the old one until every consumer has moved, never an edit of a published schema.
 */
export interface TopicPayloads {
  'vigil.checkins.v1': CheckinMessageV1;
  'vigil.monitor-events.v1': MonitorEventV1;
  'vigil.processing-errors.v1': ProcessingErrorV1;
  'vigil.monitor-states.v1': MonitorStateV1;
  'vigil.scheduler-state.v1': SchedulerStateV1;
  'vigil.run-results.v1': RunResultV1;
  'vigil.issues.v1': IssueEventV1;
  'vigil.notifications-dead-letter.v1': NotificationDeadLetterV1;
  'vigil.dead-letters.v1': DeadLetterV1;
}

export type TopicName = keyof TopicPayloads;

export interface TopicDefinition<T extends TopicName> {
  name: T;
  description: string;
  producers: readonly string[];
  consumers: readonly string[];
  partitions: number;
  /**
   * Whether the topic also carries clock pulses (see `PULSE_HEADER`): the scheduler's event-time clock
   * travels through the same partitions as the check-ins it judges.
   */
  carriesPulses: boolean;
  /** Kafka `cleanup.policy` and retention; compacted topics keep the latest value per key. */
  config: Readonly<Record<string, string>>;
  schema: TopicSchema<TopicPayloads[T]>;
  example: TopicPayloads[T];
}

export const TOPICS: { readonly [T in TopicName]: TopicDefinition<T> } = {
  'vigil.checkins.v1': {
    name: 'vigil.checkins.v1',
    description: 'Check-ins accepted by ingest, keyed by monitor-environment.',
    producers: ['ingest'],
    consumers: ['scheduler', 'history'],
    partitions: 12,
    carriesPulses: true,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600 * 1000) },
    schema: checkinMessageV1Schema,
    example: checkinMessageV1Example,
  },
  'vigil.monitor-events.v1': {
    name: 'vigil.monitor-events.v1',
    description: 'Missed and timed-out runs detected by the scheduler, keyed by monitor-environment.',
    producers: ['scheduler'],
    consumers: ['history'],
    partitions: 12,
    carriesPulses: false,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600 * 1000) },
    schema: monitorEventV1Schema,
    example: monitorEventV1Example,
  },
  'vigil.processing-errors.v1': {
    name: 'vigil.processing-errors.v1',
    description: 'Check-ins ingest rejected or rate-limited where the client never reads the answer, keyed by project id.',
    producers: ['ingest'],
    consumers: ['history'],
    partitions: 3,
    carriesPulses: false,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(3 * 24 * 3600 * 1000) },
    schema: processingErrorV1Schema,
    example: processingErrorV1Example,
  },
  'vigil.monitor-states.v1': {
    name: 'vigil.monitor-states.v1',
    description: 'State changes of monitor-environments (new, ok, late, missed, timeout, error, paused) judged by the scheduler, keyed by monitor-environment.',
    producers: ['scheduler'],
    consumers: ['history'],
    partitions: 12,
    carriesPulses: false,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600 * 1000) },
    schema: monitorStateV1Schema,
    example: monitorStateV1Example,
  },
  'vigil.scheduler-state.v1': {
    name: 'vigil.scheduler-state.v1',
    description:
      "The scheduler's detection state, compacted: partition p holds the tracks of check-ins partition p (keyed by monitor-environment) and that partition's position. Read back when a partition is assigned.",
    producers: ['scheduler'],
    consumers: ['scheduler'],
    // Must equal vigil.checkins.v1's partition count: partition p is the state of check-ins partition p.
    partitions: 12,
    carriesPulses: false,
    // Segments roll every 10 minutes so the cleaner can compact them: a restore reads about one record per
    // track plus the changes of the last minutes.
    config: {
      'cleanup.policy': 'compact',
      'segment.ms': String(600 * 1000),
      'min.cleanable.dirty.ratio': '0.1',
      'delete.retention.ms': String(24 * 3600 * 1000),
    },
    schema: schedulerStateV1Schema,
    example: schedulerStateV1Example,
  },
  'vigil.run-results.v1': {
    name: 'vigil.run-results.v1',
    description: 'Every finished run (ok, error, missed, timeout) in the order the scheduler judged them, keyed by monitor-environment.',
    producers: ['scheduler'],
    consumers: ['issues'],
    partitions: 12,
    carriesPulses: false,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * 3600 * 1000) },
    schema: runResultV1Schema,
    example: runResultV1Example,
  },
  'vigil.issues.v1': {
    name: 'vigil.issues.v1',
    description: 'Issues opened, updated and resolved by failure and recovery thresholds, keyed by monitor-environment.',
    producers: ['issues'],
    consumers: ['notifier'],
    partitions: 12,
    carriesPulses: false,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(14 * 24 * 3600 * 1000) },
    schema: issueEventV1Schema,
    example: issueEventV1Example,
  },
  'vigil.notifications-dead-letter.v1': {
    name: 'vigil.notifications-dead-letter.v1',
    description:
      'Alerts the notifier gave up on (a permanent failure, or every attempt failed), one per issue transition and integration, keyed by integration id.',
    producers: ['notifier'],
    consumers: [],
    partitions: 3,
    carriesPulses: false,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 24 * 3600 * 1000) },
    schema: notificationDeadLetterV1Schema,
    example: notificationDeadLetterV1Example,
  },
  'vigil.dead-letters.v1': {
    name: 'vigil.dead-letters.v1',
    description:
      'Messages a consumer could not apply after its bounded retries (or that break their contract), with the reason, the consumer group and the original record, keyed by consumer group; its partition moved on.',
    producers: ['scheduler', 'issues', 'notifier', 'history'],
    consumers: [],
    partitions: 3,
    carriesPulses: false,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 24 * 3600 * 1000) },
    schema: deadLetterV1Schema,
    example: deadLetterV1Example,
  },
};

export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

/**
 * The Kafka consumer group of each consuming service, before the deployment's topic prefix (which groups carry too).
 * The scheduler's self-heartbeat reads the others' lag by these names.
 */
export const CONSUMER_GROUPS = { scheduler: 'vigil-scheduler', issues: 'vigil-issues', notifier: 'vigil-notifier', history: 'vigil-history' } as const;
export type ConsumingService = keyof typeof CONSUMER_GROUPS;

/**
 * The physical topic name: an optional prefix lets several Vigil installations (or a test run) share
 * one Kafka cluster without reading each other's messages.
 */
export function physicalTopicName(topic: TopicName, prefix: string): string {
  return `${prefix}${topic}`;
}

/** The Kafka message key of one monitor-environment track: all of its messages land on one partition. */
export function monitorEnvironmentKey(monitorId: string, environment: string): string {
  return `${monitorId}:${environment}`;
}

/**
 * A clock pulse: a record with this header (its value the event time, epoch milliseconds, in decimal), no key
 * and an empty value, written to one partition of a topic that `carriesPulses`. A consumer reads it in order
 * with the check-ins of that partition, so when it handles a pulse it has already handled every check-in
 * Kafka appended before it. Pulses are not payloads: they have no schema version and consumers that do not
 * keep time skip them.
 */
export const PULSE_HEADER = 'vigil-pulse';

/**
 * An ingest beat (decision 0023): a record like a pulse, with this header instead, that every running ingest
 * instance writes into every partition of `vigil.checkins.v1` every VIGIL_INGEST_BEAT_MS, dated by its own clock.
 * It says "an ingest instance was alive and reached Kafka at this time"; it does not move any clock. The
 * scheduler's outage guard reads the silence of beats as an outage of ingest; every other consumer skips them.
 */
export const INGEST_BEAT_HEADER = 'vigil-ingest-beat';

type RecordHeaders = Readonly<Record<string, Buffer | string | Array<Buffer | string> | undefined>> | undefined;

/** The event time a pulse record carries, or null if the headers are not a pulse's. */
export function pulseTime(headers: RecordHeaders): number | null {
  return headerTime(headers, PULSE_HEADER);
}

/** The event time an ingest beat carries, or null if the headers are not a beat's. */
export function ingestBeatTime(headers: RecordHeaders): number | null {
  return headerTime(headers, INGEST_BEAT_HEADER);
}

function headerTime(headers: RecordHeaders, name: string): number | null {
  const raw = headers?.[name];
  if (raw === undefined) return null;
  const text = (Array.isArray(raw) ? raw[0] : raw)?.toString() ?? '';
  return /^\d{1,16}$/.test(text) ? Number(text) : null;
}
