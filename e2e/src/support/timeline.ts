import { randomUUID } from 'node:crypto';
import type { VigilConfig } from '@vigil/config';
import { checkinMessageV1Example, monitorEnvironmentKey, physicalTopicName, TOPICS, type CheckinMessageV1, type MonitorEventV1 } from '@vigil/contracts';
import { createKafkaClient, kafkaConnection, partitionForKey, TopicConsumer, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { waitFor } from '@vigil/testing';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { waitForGroupCommit, waitForReader } from './kafka-progress';

/** The scheduler's consumer group on the check-ins topic (`DetectionWorker`), before the topic prefix. */
export const SCHEDULER_GROUP = 'vigil-scheduler';
export const CHECKIN_PARTITIONS = TOPICS['vigil.checkins.v1'].partitions;
const ALL_CHECKIN_PARTITIONS = Array.from({ length: CHECKIN_PARTITIONS }, (_, index) => index);

/** The check-ins partition of a monitor-environment: what the producer's partitioner picks. */
export function checkinPartition(monitorId: string, environment: string): number {
  return partitionForKey(monitorEnvironmentKey(monitorId, environment), CHECKIN_PARTITIONS);
}

/** What a test says about one check-in; the rest of the message is filled in. */
export interface TimelineCheckin {
  projectId: number;
  monitorId: string;
  slug: string;
  environment: string;
  status: CheckinMessageV1['status'];
  checkinId: string;
  /** received_at: the event time of the check-in. */
  at: number;
}

/** One member of the scheduler's consumer group and the check-ins partitions it was assigned. */
export interface GroupMember {
  memberId: string;
  partitions: number[];
}

export interface SchedulerGroup {
  state: string;
  members: GroupMember[];
}

/**
 * The scheduler's inputs and outputs on real Kafka, with the clock in the test's hands: writes check-ins (as
 * ingest would) and clock pulses with chosen event times into `vigil.checkins.v1`, reads everything on
 * `vigil.monitor-events.v1`, and tells when the scheduler has handled every input written so far (`caughtUp`),
 * so a test asserts on a complete output instead of sleeping. Start the scheduler with
 * VIGIL_SCHEDULER_PULSE_MS=0 so the test's pulses are the only ones.
 */
export class EventTimeline {
  /** Every monitor event on the topic, in the order read (earlier runs' included: filter by monitor). */
  readonly events: MonitorEventV1[] = [];
  /** Per events partition, the next offset this reader has not seen yet. */
  private readonly read = new Map<number, bigint>();

  private readonly prefix: string;
  private readonly producer: TopicProducer;
  private readonly consumer: TopicConsumer<'vigil.monitor-events.v1'>;
  private readonly admin: Admin;

  private constructor(config: VigilConfig) {
    const prefix = config.VIGIL_KAFKA_TOPIC_PREFIX;
    this.prefix = prefix;
    const logger = createLogger('timeline-e2e', 'silent');
    const kafka = createKafkaClient(config, 'timeline-e2e', logger);
    this.producer = new TopicProducer(kafkaConnection(config, 'timeline-e2e'), logger, { prefix, lingerMs: 0 });
    this.admin = kafka.admin();
    this.consumer = new TopicConsumer(kafka, logger, {
      groupId: `timeline-e2e-${randomUUID()}`,
      topics: ['vigil.monitor-events.v1'],
      prefix,
      handleBatch: async (messages) => {
        for (const message of messages) {
          this.events.push(message.payload);
          const next = BigInt(message.offset) + 1n;
          if (next > (this.read.get(message.partition) ?? -1n)) this.read.set(message.partition, next);
        }
      },
    });
  }

  static async start(config: VigilConfig): Promise<EventTimeline> {
    const timeline = new EventTimeline(config);
    await Promise.all([timeline.producer.connect(), timeline.admin.connect()]);
    await timeline.consumer.start();
    return timeline;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.close();
    await this.admin.disconnect();
  }

  /** The message of a check-in (a new event_id each call: produce the returned message again for a redelivery). */
  message(checkin: TimelineCheckin): CheckinMessageV1 {
    return {
      ...checkinMessageV1Example,
      event_id: randomUUID(),
      checkin_id: checkin.checkinId,
      project_id: checkin.projectId,
      monitor_id: checkin.monitorId,
      monitor_slug: checkin.slug,
      environment: checkin.environment,
      status: checkin.status,
      run_match: 'exact',
      received_at: checkin.at,
      duration_ms: null,
    };
  }

  /** Writes a check-in message on its track's partition; resolves once Kafka acknowledged it. */
  produce(message: CheckinMessageV1): Promise<void> {
    return this.producer.produce('vigil.checkins.v1', monitorEnvironmentKey(message.monitor_id, message.environment), message);
  }

  async checkin(checkin: TimelineCheckin): Promise<CheckinMessageV1> {
    const message = this.message(checkin);
    await this.produce(message);
    return message;
  }

  /** A clock pulse at event time `at` in every check-ins partition. */
  pulse(at: number): Promise<void> {
    return this.producer.pulse('vigil.checkins.v1', ALL_CHECKIN_PARTITIONS, at);
  }

  /** An ingest beat at event time `at` in every check-ins partition, as a running ingest writes them (decision 0023). */
  beat(at: number): Promise<void> {
    return this.producer.beat('vigil.checkins.v1', ALL_CHECKIN_PARTITIONS, at);
  }

  /**
   * Waits until the scheduler's group has committed every check-in and pulse written so far (the scheduler
   * commits a batch only after Kafka acknowledged the events it produced), then until this reader has read
   * every event on the topic. Afterwards `events` holds everything the scheduler will say about those inputs
   * (except outcomes of a configuration change, which go out with the next batch). Needs a running scheduler.
   */
  async caughtUp(timeoutMs = 30000): Promise<void> {
    const checkins = physicalTopicName('vigil.checkins.v1', this.prefix);
    await waitForGroupCommit(this.admin, `${this.prefix}${SCHEDULER_GROUP}`, checkins, 'the scheduler to commit every check-in and pulse', timeoutMs);
    await waitForReader(this.admin, physicalTopicName('vigil.monitor-events.v1', this.prefix), this.read, 'the test to read every monitor event', timeoutMs);
  }

  /** The scheduler's consumer group: its state and which check-ins partitions each member holds. */
  async schedulerGroup(): Promise<SchedulerGroup> {
    const checkins = physicalTopicName('vigil.checkins.v1', this.prefix);
    const { groups } = await this.admin.describeGroups([`${this.prefix}${SCHEDULER_GROUP}`]);
    const group = groups[0];
    if (!group) return { state: 'Unknown', members: [] };
    return {
      state: group.state,
      members: group.members.map((member) => ({
        memberId: member.memberId,
        partitions: [...(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[checkins] ?? [])].sort((a, b) => a - b),
      })),
    };
  }

  /** Waits until the scheduler's group is stable with `count` members that each hold some partitions. */
  async waitForSchedulerGroup(count: number, timeoutMs = 30000): Promise<SchedulerGroup> {
    let last: SchedulerGroup | string = 'nothing yet';
    try {
      return await waitFor(
        `${count} scheduler(s) sharing the check-ins partitions`,
        async () => {
          const group = await this.schedulerGroup();
          last = group;
          const ready = group.state === 'Stable' && group.members.length === count && group.members.every((member) => member.partitions.length > 0);
          return ready ? group : undefined;
        },
        { timeoutMs, intervalMs: 200 },
      );
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; last seen: ${JSON.stringify(last)}`);
    }
  }
}
