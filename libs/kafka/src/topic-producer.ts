import { compatibilityPartitioner, Producer, ProduceAcks, type MessageToProduce } from '@platformatic/kafka';
import { encodeMessage, INGEST_BEAT_HEADER, physicalTopicName, PULSE_HEADER, TOPICS, type TopicName, type TopicPayloads } from '@vigil/contracts';
import type { Logger } from '@vigil/logging';
import type { KafkaConnection } from './kafka-client';

type OutgoingRecord = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

interface Pending {
  /** Built when the message is queued, so a batch hands the client its records without copying them. */
  record: OutgoingRecord;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface TopicProducerOptions {
  prefix: string;
  /** How long the first message of an idle producer waits for company before the batch is sent. */
  lingerMs: number;
  /** Most messages sent in one request. */
  maxBatch?: number;
}

/**
 * The partition a keyed record goes to among `partitions`: Kafka's Java-compatible murmur2 (positive hash modulo
 * the count), which TopicProducer uses and which kafkajs, librdkafka's `murmur2_random` and the Java client share.
 */
export function partitionForKey(key: string, partitions: number): number {
  return compatibilityPartitioner({ topic: '' }, Buffer.from(key)) % partitions;
}

/** Backoff between attempts of one request: 100 ms doubling to 5 s, about 25 s over the 8 retries (as kafkajs did). */
function retryDelay(_client: unknown, _operation: string, attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 5000);
}

/**
 * The only way Vigil writes to Kafka: payloads are checked against their topic's schema before they leave,
 * the producer is idempotent with acks from all in-sync replicas, and concurrent `produce` calls share
 * requests (app-level batching), so a caller that awaits `produce` has its message acknowledged by Kafka
 * without paying a round trip of its own.
 *
 * The client is @platformatic/kafka, not kafkajs (decision 0014): it encodes a record in about a third of
 * kafkajs' CPU. Keys go to partitions by Kafka's Java-compatible murmur2 partitioner, the one kafkajs and
 * every other client use, so a monitor-environment keeps its partition whichever client wrote it.
 */
export class TopicProducer {
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private queue: Pending[] = [];
  private sending = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    connection: KafkaConnection,
    private readonly logger: Logger,
    private readonly options: TopicProducerOptions,
  ) {
    this.producer = new Producer({
      clientId: connection.clientId,
      bootstrapBrokers: connection.brokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      partitioner: compatibilityPartitioner,
      connectTimeout: 3000,
      timeout: 30000,
      retries: 8,
      retryDelay,
      strict: false,
    });
  }

  /** Reaches the cluster and registers the idempotent producer, so a service is ready only when it can write. */
  async connect(): Promise<void> {
    await this.producer.initIdempotentProducer({});
  }

  /**
   * Resolves once Kafka acknowledged the message; rejects if it could not be written. The partition follows
   * from the key unless `partition` names one (a changelog that mirrors another topic's partitions).
   */
  produce<T extends TopicName>(topic: T, key: string, payload: TopicPayloads[T], partition?: number): Promise<void> {
    let value: string;
    try {
      value = encodeMessage(topic, payload);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return this.enqueue(topic, key, value, partition);
  }

  /** Deletes a key from a compacted topic (a record with a null value). Only compacted topics take them. */
  tombstone(topic: TopicName, key: string, partition?: number): Promise<void> {
    if (TOPICS[topic].config['cleanup.policy'] !== 'compact') return Promise.reject(new Error(`${topic} is not compacted: it takes no tombstones`));
    return this.enqueue(topic, key, null, partition);
  }

  /** `value` null: a tombstone (compacted topics only). */
  private enqueue(topic: TopicName, key: string | null, value: string | null, partition: number | undefined, headers?: Map<Buffer, Buffer>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('producer is shutting down'));
    const record: OutgoingRecord = { topic: physicalTopicName(topic, this.options.prefix) };
    if (key !== null) record.key = Buffer.from(key);
    if (value !== null) record.value = Buffer.from(value);
    if (partition !== undefined) record.partition = partition;
    if (headers) record.headers = headers;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Writes a clock pulse at event time `at` into each of the given partitions (see PULSE_HEADER). Resolves
   * once Kafka acknowledged all of them. Only topics that carry pulses take them.
   */
  pulse(topic: TopicName, partitions: readonly number[], at: number): Promise<void> {
    return this.timeRecords(PULSE_HEADER, topic, partitions, at);
  }

  /**
   * Writes an ingest beat at event time `at` into each of the given partitions (see INGEST_BEAT_HEADER): the
   * outage guard's sign that an ingest instance is alive and reaches Kafka. Only topics that carry pulses take them.
   */
  beat(topic: TopicName, partitions: readonly number[], at: number): Promise<void> {
    return this.timeRecords(INGEST_BEAT_HEADER, topic, partitions, at);
  }

  private timeRecords(name: string, topic: TopicName, partitions: readonly number[], at: number): Promise<void> {
    if (!TOPICS[topic].carriesPulses) return Promise.reject(new Error(`${topic} does not carry clock pulses`));
    const header = Buffer.from(name);
    const time = Buffer.from(String(Math.trunc(at)));
    return Promise.all(partitions.map((partition) => this.enqueue(topic, null, '', partition, new Map([[header, time]])))).then(() => undefined);
  }

  private schedule(): void {
    if (this.sending) return;
    if (this.queue.length >= (this.options.maxBatch ?? 1000) || this.options.lingerMs === 0) {
      this.clearLinger();
      void this.flush();
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        void this.flush();
      }, this.options.lingerMs);
    }
  }

  private clearLinger(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 1000);
        try {
          await this.producer.send({ messages: batch.map((item) => item.record) });
          for (const item of batch) item.resolve();
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          this.logger.error({ err: failure, messages: batch.length }, 'kafka produce failed');
          for (const item of batch) item.reject(failure);
          await this.restartIdempotence();
        }
      }
    } finally {
      this.sending = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /**
   * After a failed request Kafka may or may not have written it, and this client advances its sequence numbers
   * only on success: a new producer id starts the sequences afresh, so the next batch is neither refused as out
   * of order nor dropped as a duplicate. Callers of the failed batch were told it failed; a retry of theirs may
   * write a message twice, which every consumer tolerates (deterministic ids).
   */
  private async restartIdempotence(): Promise<void> {
    try {
      await this.producer.initIdempotentProducer({});
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error : new Error(String(error)) }, 'kafka producer id not renewed yet; retried with the next batch');
    }
  }

  /** Stops taking messages, sends what is queued, then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearLinger();
    if (this.queue.length > 0 || this.sending) {
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      void this.flush();
      await idle;
    }
    await this.producer.close();
  }
}
