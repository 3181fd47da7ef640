import { ContractViolationError, decodeMessage, physicalTopicName, pulseTime, type TopicName, type TopicPayloads } from '@vigil/contracts';
import type { Logger } from '@vigil/logging';
import type { Consumer, Kafka } from 'kafkajs';

export interface ConsumedMessage<T extends TopicName> {
  kind: 'message';
  topic: T;
  partition: number;
  offset: string;
  key: string | null;
  payload: TopicPayloads[T];
}

/** A clock pulse read from a partition, in its place among the messages (see PULSE_HEADER). */
export interface ConsumedPulse<T extends TopicName> {
  kind: 'pulse';
  topic: T;
  partition: number;
  offset: string;
  /** The event time the pulse carries, epoch milliseconds. */
  at: number;
}

export type ConsumedItem<T extends TopicName> = ConsumedMessage<T> | ConsumedPulse<T>;

export interface BatchContext {
  /** Keeps this member in its group during long work on one batch (a state rebuild). */
  heartbeat: () => Promise<void>;
}

export interface TopicConsumerOptions<T extends TopicName> {
  /** Carries the topic prefix too, so installations sharing a cluster never share a consumer group. */
  groupId: string;
  topics: readonly T[];
  prefix: string;
  /**
   * Handles one batch of valid messages from one partition. Offsets are committed only after it resolves,
   * so a crash re-delivers the batch: handlers must be idempotent.
   */
  handleBatch: (messages: ConsumedMessage<T>[]) => Promise<void>;
  /**
   * Consumers that keep event time (the scheduler) set this: the batch then goes to `handleItems` instead,
   * with the pulses in their place among the messages. Everyone else never sees a pulse.
   */
  handleItems?: (items: ConsumedItem<T>[], context: BatchContext) => Promise<void>;
  fromBeginning?: boolean;
  /**
   * How many partitions' batches may be in the handler at once (1). Order within a partition is kept; a
   * handler that waits on Kafka acknowledgements gets more done with several.
   */
  partitionsConcurrently?: number;
  /**
   * Called when this member (re)joins the group, before any batch of the new assignment: partitions may have
   * moved, so state kept per partition must be dropped (and rebuilt from the store) here.
   */
  onGroupJoin?: (assignment: ReadonlyMap<T, readonly number[]>) => void;
}

/**
 * Reads topics batch by batch, validates every message against its contract, and commits offsets only
 * after the batch was handled. A message that breaks its contract is logged with its coordinates and
 * skipped: one bad message must not stop a partition.
 */
export class TopicConsumer<T extends TopicName> {
  private readonly consumer: Consumer;
  private readonly byPhysicalName = new Map<string, T>();
  private running = false;
  private assigned = false;

  constructor(
    kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: TopicConsumerOptions<T>,
  ) {
    this.consumer = kafka.consumer({ groupId: `${options.prefix}${options.groupId}`, allowAutoTopicCreation: false, sessionTimeout: 10000, heartbeatInterval: 1000 });
    for (const topic of options.topics) this.byPhysicalName.set(physicalTopicName(topic, options.prefix), topic);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** True once the group has given this member its partitions (a new group starting at the latest offset reads from here). */
  get isAssigned(): boolean {
    return this.assigned;
  }

  async start(): Promise<void> {
    const onGroupJoin = this.options.onGroupJoin;
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.assigned = true;
      const assignment = new Map<T, number[]>();
      for (const [physical, partitions] of Object.entries(event.payload.memberAssignment)) {
        const topic = this.byPhysicalName.get(physical);
        if (topic !== undefined) assignment.set(topic, [...partitions]);
      }
      onGroupJoin?.(assignment);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.byPhysicalName.keys()], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      autoCommit: false,
      eachBatchAutoResolve: false,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs passes closures; its types declare them as methods
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const topic = this.byPhysicalName.get(batch.topic);
        if (topic === undefined) return;
        const items: ConsumedItem<T>[] = [];
        for (const message of batch.messages) {
          const at = pulseTime(message.headers);
          if (at !== null) {
            items.push({ kind: 'pulse', topic, partition: batch.partition, offset: message.offset, at });
            continue;
          }
          try {
            items.push({
              kind: 'message',
              topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              payload: decodeMessage(topic, message.value ?? Buffer.alloc(0)),
            });
          } catch (error) {
            if (!(error instanceof ContractViolationError)) throw error;
            this.logger.error({ topic: batch.topic, partition: batch.partition, offset: message.offset, field: error.field, rule: error.rule }, 'skipping message that breaks its contract');
          }
        }
        if (this.options.handleItems) {
          if (items.length > 0) await this.options.handleItems(items, { heartbeat });
        } else {
          const messages = items.filter((item): item is ConsumedMessage<T> => item.kind === 'message');
          if (messages.length > 0) await this.options.handleBatch(messages);
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last) {
          resolveOffset(last.offset);
          await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        }
        await heartbeat();
      },
    });
    this.running = true;
  }

  /** Finishes the batch in hand, commits it, and leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}
