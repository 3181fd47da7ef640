import { physicalTopicName } from '@vigil/contracts';
import type { ReadToEndOptions } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/**
 * `readPartitionsToEnd` (libs/kafka/src/partition-reader.ts) with one line added: `resolveOffset` after each
 * batch. The production reader runs kafkajs with `eachBatchAutoResolve: false` and never resolves an offset, and
 * kafkajs fetches from the resolved offset: a partition holding more than one fetch (`maxBytesPerPartition`,
 * 8 MiB) is read from its start again and again until the reader's timeout. The bench falls back to this copy
 * when the production reader fails, to measure what the rebuild would cost once that is fixed. Not used by any
 * service.
 */
export async function readPartitionsToEndResolving(kafka: Kafka, logger: Logger, options: ReadToEndOptions): Promise<number> {
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
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 10000, heartbeatInterval: 1000, maxBytesPerPartition: 8 << 20, maxBytes: 32 << 20 });
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
      eachBatch: async ({ batch, pause, resolveOffset }) => {
        const end = ends.get(batch.partition);
        if (end === undefined || !pending.has(batch.partition)) {
          pause();
          return;
        }
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          options.onRecord({ partition: batch.partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value });
          records += 1;
        }
        const last = batch.messages[batch.messages.length - 1];
        // The one change: move the fetch position past this batch (kafkajs fetches from the resolved offset,
        // and with eachBatchAutoResolve off nothing else resolves it).
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
