import { encodeMessage, physicalTopicName, PULSE_HEADER, TOPICS, type TopicName, type TopicPayloads } from '@vigil/contracts';
import type { Logger } from '@vigil/logging';
import { CompressionTypes, type Kafka, type Producer, type TopicMessages } from 'kafkajs';

interface Pending {
  topic: TopicName;
  key: string | null;
  /** Null: a tombstone (compacted topics only). */
  value: string | null;
  partition?: number;
  headers?: Record<string, string>;
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
 * The only way Vigil writes to Kafka: payloads are checked against their topic's schema before they leave,
 * the producer is idempotent with acks from all in-sync replicas, and concurrent `produce` calls share
 * requests (app-level batching), so a caller that awaits `produce` has its message acknowledged by Kafka
 * without paying a round trip of its own.
 */
export class TopicProducer {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private sending = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: TopicProducerOptions,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
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
    return this.enqueue({ topic, key, value, ...(partition === undefined ? {} : { partition }) });
  }

  /** Deletes a key from a compacted topic (a record with a null value). Only compacted topics take them. */
  tombstone(topic: TopicName, key: string, partition?: number): Promise<void> {
    if (TOPICS[topic].config['cleanup.policy'] !== 'compact') return Promise.reject(new Error(`${topic} is not compacted: it takes no tombstones`));
    return this.enqueue({ topic, key, value: null, ...(partition === undefined ? {} : { partition }) });
  }

  private enqueue(message: Omit<Pending, 'resolve' | 'reject'>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('producer is shutting down'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...message, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Writes a clock pulse at event time `at` into each of the given partitions (see PULSE_HEADER). Resolves
   * once Kafka acknowledged all of them. Only topics that carry pulses take them.
   */
  pulse(topic: TopicName, partitions: readonly number[], at: number): Promise<void> {
    if (!TOPICS[topic].carriesPulses) return Promise.reject(new Error(`${topic} does not carry clock pulses`));
    const headers = { [PULSE_HEADER]: String(Math.trunc(at)) };
    return Promise.all(partitions.map((partition) => this.enqueue({ topic, key: null, value: '', partition, headers }))).then(() => undefined);
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
        const byTopic = new Map<string, TopicMessages>();
        for (const item of batch) {
          const name = physicalTopicName(item.topic, this.options.prefix);
          const entry = byTopic.get(name) ?? { topic: name, messages: [] };
          entry.messages.push({ key: item.key, value: item.value, ...(item.partition === undefined ? {} : { partition: item.partition }), ...(item.headers ? { headers: item.headers } : {}) });
          byTopic.set(name, entry);
        }
        try {
          await this.producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1, compression: CompressionTypes.None });
          for (const item of batch) item.resolve();
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          this.logger.error({ err: failure, messages: batch.length }, 'kafka produce failed');
          for (const item of batch) item.reject(failure);
        }
      }
    } finally {
      this.sending = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
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
    await this.producer.disconnect();
  }
}
