import { Partitioners } from 'kafkajs';
import { partitionForKey } from '../topic-producer';

// Records written before the producer moved off kafkajs must keep their partitions: the scheduler's state for a
// monitor-environment lives with the check-ins partition its key maps to.
describe('partitionForKey', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const pick = (key: string, partitions: number): number =>
    kafkajs({
      topic: 't',
      partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })),
      message: { key, value: null },
    });

  it.each([1, 3, 12, 64])('picks what kafkajs picks among %i partitions for 5,000 keys, multi-byte ones included', (partitions) => {
    const keys = Array.from({ length: 5000 }, (_, i) => `${(i * 2654435761).toString(16)}-${i % 7 === 0 ? 'prödüction-環境' : 'production'}:${i}`);
    const mismatches = keys.filter((key) => partitionForKey(key, partitions) !== pick(key, partitions));
    expect(mismatches).toEqual([]);
  });

  it('spreads keys over every partition', () => {
    const seen = new Set(Array.from({ length: 2000 }, (_, i) => partitionForKey(`monitor-${i}:production`, 12)));
    expect(seen.size).toBe(12);
  });
});
