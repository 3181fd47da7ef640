import {
  TOPIC_NAMES,
  physicalTopicName,
  type MonitorEventV1,
  type MonitorStateV1,
  type SchedulerStateV1,
  type TopicName,
  type TopicPayloads,
} from '@vigil/contracts';
import type { TopicProducer } from '@vigil/kafka';
import type { DetectionEngine, EngineSink, SchedulerInput } from '@vigil/scheduler/dist/engine/detection-engine';
import type { Kafka } from 'kafkajs';
import type { CheckinMessageV1 } from '@vigil/contracts';

/** What the sink reports when Kafka acknowledged a message the benchmark watches. */
export type AckListener = (
  message: { topic: 'vigil.monitor-events.v1'; payload: MonitorEventV1 } | { topic: 'vigil.monitor-states.v1'; payload: MonitorStateV1 },
  ackedAt: number,
) => void;

export interface SinkCounts {
  events: number;
  states: number;
  trackSnapshots: number;
  positions: number;
  tombstones: number;
}

const isEvent = (topic: TopicName, _payload: TopicPayloads[TopicName]): _payload is MonitorEventV1 => topic === 'vigil.monitor-events.v1';
const isState = (topic: TopicName, _payload: TopicPayloads[TopicName]): _payload is MonitorStateV1 => topic === 'vigil.monitor-states.v1';
const isChangelog = (topic: TopicName, _payload: TopicPayloads[TopicName]): _payload is SchedulerStateV1 => topic === 'vigil.scheduler-state.v1';

/**
 * The engine's sink in the bench: the real `TopicProducer` (what the worker passes), counting what goes
 * through it and, while `listener` is set, reporting when Kafka acknowledged each monitor event and state
 * change (the moment its produce promise resolved).
 */
export class RecordingSink implements EngineSink {
  readonly counts: SinkCounts = { events: 0, states: 0, trackSnapshots: 0, positions: 0, tombstones: 0 };
  listener: AckListener | null = null;

  constructor(private readonly producer: TopicProducer) {}

  produce<T extends TopicName>(topic: T, key: string, payload: TopicPayloads[T], partition?: number): Promise<void> {
    const sent = this.producer.produce(topic, key, payload, partition);
    const listener = this.listener;
    if (isEvent(topic, payload)) {
      this.counts.events += 1;
      if (listener) return sent.then(() => listener({ topic: 'vigil.monitor-events.v1', payload }, Date.now()));
    } else if (isState(topic, payload)) {
      this.counts.states += 1;
      if (listener) return sent.then(() => listener({ topic: 'vigil.monitor-states.v1', payload }, Date.now()));
    } else if (isChangelog(topic, payload)) {
      if (payload.kind === 'track') this.counts.trackSnapshots += 1;
      else this.counts.positions += 1;
    }
    return sent;
  }

  tombstone(topic: TopicName, key: string, partition?: number): Promise<void> {
    this.counts.tombstones += 1;
    return this.producer.tombstone(topic, key, partition);
  }

  snapshot(): SinkCounts {
    return { ...this.counts };
  }
}

export function countsSince(before: SinkCounts, after: SinkCounts): SinkCounts {
  return {
    events: after.events - before.events,
    states: after.states - before.states,
    trackSnapshots: after.trackSnapshots - before.trackSnapshots,
    positions: after.positions - before.positions,
    tombstones: after.tombstones - before.tombstones,
  };
}

/**
 * The check-ins partitions as the consumer would deliver them: items with consecutive offsets per
 * partition, check-ins and pulses interleaved in the order they are fed.
 */
export class Feed {
  private readonly offsets: number[];

  constructor(readonly partitions: number) {
    this.offsets = new Array<number>(partitions).fill(0);
  }

  message(partition: number, key: string, payload: CheckinMessageV1): SchedulerInput {
    return { kind: 'message', topic: 'vigil.checkins.v1', partition, offset: String(this.offsets[partition]!++), key, payload };
  }

  pulse(partition: number, at: number): SchedulerInput {
    return { kind: 'pulse', topic: 'vigil.checkins.v1', partition, offset: String(this.offsets[partition]!++), at: Math.trunc(at) };
  }
}

export const NO_HEARTBEAT = { heartbeat: async (): Promise<void> => undefined };

/**
 * One pulse round: a pulse dated `at` into every partition, each handled as its own batch, one partition
 * after the other, as the worker's consumer does (kafkajs hands it one partition's batch at a time).
 */
export async function pulseRound(engine: DetectionEngine, feed: Feed, at: number): Promise<void> {
  for (let partition = 0; partition < feed.partitions; partition += 1) await engine.handle([feed.pulse(partition, at)], NO_HEARTBEAT);
}

export interface RealTimeStats {
  rounds: number;
  batches: number;
  /** Pulses handled in a batch with other pulses (the engine fell behind by at least one pulse interval). */
  coalescedPulses: number;
  /** Longest wall time of one partition's batch, ms. */
  maxBatchMs: number;
  /** Largest delay between a pulse being written (its timer fired) and its batch being handled, ms. */
  maxPulseWaitMs: number;
}

/**
 * The worker in real time: every `pulseMs` a timer writes a pulse dated `Date.now() - lagMs` into every
 * partition (here: a queue per partition instead of the check-ins topic), and each partition has a consumer
 * loop of its own that hands the partition's pending items to the engine as one batch, as the worker's
 * consumer does with all 12 partitions consumed concurrently (`partitionsConcurrently`): one partition's batch
 * waits for its acknowledgements while another's runs, and they share the producer's requests. Pulses that
 * pile up while a partition is busy arrive together, as a lagging consumer's batch would. Runs until `done()`.
 */
export async function runRealTime(engine: DetectionEngine, feed: Feed, pulseMs: number, lagMs: number, done: () => boolean): Promise<RealTimeStats> {
  const queues: Array<Array<{ item: SchedulerInput; writtenAt: number }>> = Array.from({ length: feed.partitions }, () => []);
  const wakers: Array<(() => void) | null> = new Array<(() => void) | null>(feed.partitions).fill(null);
  const stats: RealTimeStats = { rounds: 0, batches: 0, coalescedPulses: 0, maxBatchMs: 0, maxPulseWaitMs: 0 };
  let stopped = false;
  const wakeAll = (): void => {
    for (let partition = 0; partition < feed.partitions; partition += 1) {
      const waiting = wakers[partition];
      wakers[partition] = null;
      waiting?.();
    }
  };
  const timer = setInterval(() => {
    const now = Date.now();
    stats.rounds += 1;
    for (let partition = 0; partition < feed.partitions; partition += 1) queues[partition]!.push({ item: feed.pulse(partition, now - lagMs), writtenAt: now });
    if (done()) stopped = true;
    wakeAll();
  }, pulseMs);
  const consume = async (partition: number): Promise<void> => {
    const queue = queues[partition]!;
    while (!stopped && !done()) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => (wakers[partition] = resolve));
        continue;
      }
      const batch = queue.splice(0);
      const started = Date.now();
      stats.maxPulseWaitMs = Math.max(stats.maxPulseWaitMs, started - batch[0]!.writtenAt);
      if (batch.length > 1) stats.coalescedPulses += batch.length - 1;
      await engine.handle(
        batch.map((entry) => entry.item),
        NO_HEARTBEAT,
      );
      stats.batches += 1;
      stats.maxBatchMs = Math.max(stats.maxBatchMs, Date.now() - started);
    }
    stopped = true;
    wakeAll();
  };
  try {
    await Promise.all(Array.from({ length: feed.partitions }, (_, partition) => consume(partition)));
  } finally {
    clearInterval(timer);
  }
  return stats;
}

/** Topics this bench created under `prefix`. */
export function benchTopics(prefix: string): string[] {
  return TOPIC_NAMES.map((topic) => physicalTopicName(topic, prefix));
}

/** Deletes every topic whose name starts with `prefix` (a run's own, or what a failed run left behind). */
export async function deleteTopicsUnder(kafka: Kafka, prefix: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 60_000 });
    return topics;
  } finally {
    await admin.disconnect();
  }
}
