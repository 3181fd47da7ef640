import { physicalTopicName, type TopicName } from '@vigil/contracts';
import type { Logger } from '@vigil/logging';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** One record as stored: a null value is a tombstone. Decoding is the caller's (it knows the payload type). */
export interface StoredRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** Epoch milliseconds: the record's CreateTime, set by the producing client when it sent the batch. */
  timestamp: number;
  headers: Readonly<Record<string, Buffer | string | Array<Buffer | string> | undefined>>;
}

export interface ReadToEndOptions {
  topic: TopicName;
  prefix: string;
  partitions: readonly number[];
  /** Called for every record, in offset order per partition. */
  onRecord: (record: StoredRecord) => void;
  /** Called between fetches: a caller reading inside a consumer group's batch keeps its membership alive. */
  heartbeat?: () => Promise<void>;
  /** Gives up (rejects) after this long; a partial read is never reported as complete. */
  timeoutMs?: number;
  /** Most bytes fetched per partition in one request (8 MiB); a partition larger than this takes several fetches. */
  maxBytesPerPartition?: number;
}

/**
 * Reads partitions of a topic from their first record to the end they had when the read began (the high
 * watermark), e.g. a compacted changelog to rebuild state from. kafkajs reads only through consumer groups,
 * so this joins a throwaway group of its own that never commits, pauses the partitions it was not asked for,
 * and leaves (deleting the group) once every asked-for partition reached its end. Returns the records read.
 */
export async function readPartitionsToEnd(kafka: Kafka, logger: Logger, options: ReadToEndOptions): Promise<number> {
  const topic = physicalTopicName(options.topic, options.prefix);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (options.partitions.includes(partition) && BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
    }
  } catch (error) {
    await admin.disconnect();
    throw error;
  }
  if (ends.size === 0) {
    await admin.disconnect();
    return 0;
  }

  const groupId = `${options.prefix}vigil-reader-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 8 << 20,
    maxBytes: 32 << 20,
  });
  let records = 0;
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const pending = new Set(ends.keys());
  const timer = setTimeout(
    () => settle?.reject(new Error(`reading ${topic} partitions ${[...pending].join(',')} did not finish within ${options.timeoutMs ?? 120000} ms`)),
    options.timeoutMs ?? 120000,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs passes closures; its types declare them as methods
      eachBatch: async ({ batch, pause, resolveOffset }) => {
        const end = ends.get(batch.partition);
        if (end === undefined || !pending.has(batch.partition)) {
          pause();
          return;
        }
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          options.onRecord({
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value,
            timestamp: Number(message.timestamp),
            headers: message.headers ?? {},
          });
          records += 1;
        }
        const last = batch.messages[batch.messages.length - 1];
        // kafkajs fetches the next batch from the last resolved offset: without this it reads the first again.
        if (last) resolveOffset(last.offset);
        if (last && BigInt(last.offset) + 1n >= end) {
          pending.delete(batch.partition);
          pause();
          if (pending.size === 0) settle?.resolve();
        }
        await options.heartbeat?.();
      },
    });
    await finished;
    return records;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch((error: unknown) => logger.warn({ err: error }, 'reader did not leave its group cleanly'));
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
