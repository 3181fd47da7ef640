import { waitFor } from '@vigil/testing';
import type { Admin } from 'kafkajs';

/**
 * Waits until consumer group `groupId` has committed every record written to `topic` so far (a Vigil consumer
 * commits a batch only after what it produced for it was acknowledged). Fails naming the partitions behind.
 */
export async function waitForGroupCommit(admin: Admin, groupId: string, topic: string, what: string, timeoutMs: number): Promise<void> {
  let lag = 'nothing fetched yet';
  try {
    await waitFor(
      what,
      async () => {
        const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
        const done = new Map((committed[0]?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]));
        const behind = ends.filter((end) => BigInt(end.high) > BigInt(end.low) && (done.get(end.partition) ?? -1n) < BigInt(end.high));
        lag = behind.map((end) => `partition ${end.partition}: committed ${done.get(end.partition) ?? 'none'} of ${end.high}`).join(', ');
        return behind.length === 0;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)} (${lag})`);
  }
}

/**
 * Waits until a reader has read every record on `topic` at the moment of the call. `read` holds, per
 * partition, the next offset the reader has not seen yet.
 */
export async function waitForReader(admin: Admin, topic: string, read: ReadonlyMap<number, bigint>, what: string, timeoutMs: number): Promise<void> {
  const ends = await admin.fetchTopicOffsets(topic);
  await waitFor(what, () => ends.every((end) => (read.get(end.partition) ?? BigInt(end.low)) >= BigInt(end.high)), { timeoutMs, intervalMs: 50 });
}
