import { randomUUID } from 'node:crypto';
import { physicalTopicName, type TopicName } from '@vigil/contracts';
import type { createKafkaClient } from '@vigil/kafka';

type Kafka = ReturnType<typeof createKafkaClient>;

/** One record as the broker stores it, with its timestamp (CreateTime: set by the producing client when it sent the batch). */
export interface TimedRecord {
  partition: number;
  offset: bigint;
  /** Epoch milliseconds. */
  timestamp: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
}

/**
 * Reads every partition of a topic from its first record to the end it had when the read began, with the
 * records' timestamps (which `readPartitionsToEnd` of libs/kafka does not keep). A throwaway consumer group that
 * never commits, deleted afterwards. For the benchmark's after-the-fact stage timestamps only.
 */
export async function readTopic(kafka: Kafka, topic: TopicName, prefix: string, onRecord: (record: TimedRecord) => void, timeoutMs = 120000): Promise<number> {
  const name = physicalTopicName(topic, prefix);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(name)) if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
  } catch (error) {
    await admin.disconnect();
    throw error;
  }
  if (ends.size === 0) {
    await admin.disconnect();
    return 0;
  }
  const groupId = `${prefix}bench-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 10000, heartbeatInterval: 1000, maxBytesPerPartition: 8 << 20, maxBytes: 32 << 20 });
  const pending = new Set(ends.keys());
  let records = 0;
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const timer = setTimeout(() => settle?.reject(new Error(`reading ${name} (partitions ${[...pending].join(',')}) took longer than ${timeoutMs} ms`)), timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [name], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, pause, resolveOffset }) => {
        const end = ends.get(batch.partition);
        if (end === undefined || !pending.has(batch.partition)) {
          pause();
          return;
        }
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          onRecord({
            partition: batch.partition,
            offset: BigInt(message.offset),
            timestamp: Number(message.timestamp),
            key: message.key?.toString('utf8') ?? null,
            value: message.value,
            headers: message.headers ?? {},
          });
          records += 1;
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last) resolveOffset(last.offset);
        if (last && BigInt(last.offset) + 1n >= end) {
          pending.delete(batch.partition);
          pause();
          if (pending.size === 0) settle?.resolve();
        }
      },
    });
    await finished;
    return records;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
