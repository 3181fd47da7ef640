import type { Admin } from 'kafkajs';

/**
 * Messages a consumer group has yet to read on one partition: its end (high watermark) minus the group's committed
 * offset. `uncommitted` says where a group that never committed there counts from.
 */
export function partitionLag(high: number, committed: number, uncommitted: number): number {
  return Math.max(0, high - (committed >= 0 ? committed : uncommitted));
}

/**
 * A consumer group's lag on each topic it has committed offsets for, from the broker (`groupId` and the topics are
 * physical names, prefix included). It needs no list of the group's topics, so one service (or a benchmark) can read
 * another's; partitions the group never committed count as read, since only the group knows where it would start. No
 * entries for a group that does not exist. Rejects when Kafka does not answer.
 */
export async function committedGroupLag(admin: Admin, groupId: string): Promise<Array<{ topic: string; messages: number }>> {
  const lags: Array<{ topic: string; messages: number }> = [];
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((end) => [end.partition, Number(end.high)]));
    let messages = 0;
    for (const { partition, offset } of partitions) {
      const committed = Number(offset);
      messages += partitionLag(ends.get(partition) ?? committed, committed, ends.get(partition) ?? 0);
    }
    lags.push({ topic, messages });
  }
  return lags;
}
