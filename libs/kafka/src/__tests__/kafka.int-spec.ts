import { checkinMessageV1Example, schedulerStateV1Example, monitorEnvironmentKey, physicalTopicName, type CheckinMessageV1 } from '@vigil/contracts';
import { createLogger } from '@vigil/logging';
import { testConfig, waitFor } from '@vigil/testing';
import { randomUUID } from 'node:crypto';
import { createKafkaClient, kafkaConnection } from '../kafka-client';
import { ensureTopics } from '../topic-admin';
import { TopicConsumer, type ConsumedItem, type ConsumedMessage } from '../topic-consumer';
import { readPartitionsToEnd, type StoredRecord } from '../partition-reader';
import { TopicProducer } from '../topic-producer';

/** The part of a scheduler-state record the tests read back. */
interface StoredTrack {
  track: { clock: number };
}

// Real Kafka (KRaft, 3.9): what the producer acknowledges, the consumer reads, in key order per partition.
describe('kafka producer and consumer', () => {
  const config = testConfig();
  const logger = createLogger('kafka-test', 'silent');
  const kafka = createKafkaClient(config, 'kafka-int-test', logger);
  const prefix = config.VIGIL_KAFKA_TOPIC_PREFIX;
  const producer = new TopicProducer(kafkaConnection(config, 'kafka-int-test'), logger, { prefix, lingerMs: 5 });

  beforeAll(async () => {
    await ensureTopics(kafka, prefix);
    await producer.connect();
  });

  afterAll(async () => {
    await producer.close();
  });

  it('creating topics again creates nothing', async () => {
    expect(await ensureTopics(kafka, prefix)).toEqual([]);
  });

  it('keeps one monitor-environment on one partition, in order, and skips messages that break the contract', async () => {
    const monitorId = randomUUID();
    const key = monitorEnvironmentKey(monitorId, 'production');
    const sent: CheckinMessageV1[] = Array.from({ length: 50 }, (_, i) => ({
      ...checkinMessageV1Example,
      monitor_id: monitorId,
      event_id: randomUUID(),
      received_at: 1795000000000 + i,
    }));
    // A raw producer writes one malformed message between the valid ones.
    const raw = kafka.producer();
    await raw.connect();
    await Promise.all(sent.slice(0, 25).map((m) => producer.produce('vigil.checkins.v1', key, m)));
    await raw.send({ topic: physicalTopicName('vigil.checkins.v1', prefix), messages: [{ key, value: '{"version":1}' }] });
    await raw.disconnect();
    await Promise.all(sent.slice(25).map((m) => producer.produce('vigil.checkins.v1', key, m)));

    const received: ConsumedMessage<'vigil.checkins.v1'>[] = [];
    const consumer = new TopicConsumer(kafka, logger, {
      groupId: `kafka-int-${randomUUID()}`,
      topics: ['vigil.checkins.v1'],
      prefix,
      handleBatch: async (messages) => {
        received.push(...messages.filter((m) => m.payload.monitor_id === monitorId));
      },
    });
    await consumer.start();
    try {
      await waitFor('50 messages', () => received.length >= 50, { timeoutMs: 30000 });
    } finally {
      await consumer.stop();
    }
    expect(received.map((m) => m.payload.event_id)).toEqual(sent.map((m) => m.event_id));
    expect(new Set(received.map((m) => m.partition)).size).toBe(1);
    expect(received.every((m) => m.key === key)).toBe(true);
  });

  it('reads chosen partitions of a compacted topic to their end, tombstones included, and then stops', async () => {
    const startedAt = Date.now();
    const monitorId = randomUUID();
    const key = (env: string) => monitorEnvironmentKey(monitorId, env);
    const state = (env: string, clock: number) => ({
      ...schedulerStateV1Example,
      track: { ...schedulerStateV1Example.track!, monitor_id: monitorId, environment: env, clock },
    });
    await producer.produce('vigil.scheduler-state.v1', key('a'), state('a', 1), 5);
    await producer.produce('vigil.scheduler-state.v1', key('b'), state('b', 2), 5);
    await producer.produce('vigil.scheduler-state.v1', key('elsewhere'), state('elsewhere', 3), 6);
    await producer.tombstone('vigil.scheduler-state.v1', key('a'), 5);
    await expect(producer.tombstone('vigil.checkins.v1', key('a'))).rejects.toThrow('not compacted');

    const read: StoredRecord[] = [];
    let heartbeats = 0;
    const count = await readPartitionsToEnd(kafka, logger, {
      topic: 'vigil.scheduler-state.v1',
      prefix,
      partitions: [5, 7],
      onRecord: (record) => read.push(record),
      heartbeat: async () => {
        heartbeats += 1;
      },
    });
    const mine = read.filter((record) => record.key?.startsWith(monitorId));
    expect(
      mine.map((record) => [record.partition, record.key, record.value === null ? null : (JSON.parse(record.value.toString()) as StoredTrack).track.clock]),
    ).toEqual([
      [5, key('a'), 1],
      [5, key('b'), 2],
      [5, key('a'), null],
    ]);
    expect(count).toBe(read.length);
    expect(read.every((record) => record.partition === 5 || record.partition === 7)).toBe(true);
    // Each record carries its CreateTime (the producer's clock when it sent the batch): this test's few seconds.
    expect(mine.every((record) => record.timestamp >= startedAt && record.timestamp <= Date.now())).toBe(true);
    expect(heartbeats).toBeGreaterThan(0);
    // A partition larger than one fetch is read in several, each from where the last ended.
    // One at a time: each record is its own record batch, so a 4 KiB fetch holds only a few of them.
    for (let i = 0; i < 100; i += 1) await producer.produce('vigil.scheduler-state.v1', key(`many-${i}`), state(`many-${i}`, i), 8);
    const inEight: StoredRecord[] = [];
    await readPartitionsToEnd(kafka, logger, {
      topic: 'vigil.scheduler-state.v1',
      prefix,
      partitions: [8],
      maxBytesPerPartition: 4096,
      onRecord: (record) => inEight.push(record),
      timeoutMs: 20000,
    });
    const clocks = inEight
      .filter((record) => record.key?.startsWith(monitorId))
      .map((record) => (JSON.parse(record.value!.toString()) as StoredTrack).track.clock);
    expect(clocks).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(new Set(inEight.map((record) => record.offset)).size).toBe(inEight.length);
    // An empty partition set reads nothing and returns at once.
    expect(await readPartitionsToEnd(kafka, logger, { topic: 'vigil.scheduler-state.v1', prefix, partitions: [], onRecord: () => undefined })).toBe(0);
  });

  it('refuses to produce a payload that breaks the contract', async () => {
    await expect(producer.produce('vigil.checkins.v1', 'k', { ...checkinMessageV1Example, status: 'missed' as 'ok' })).rejects.toThrow(/status/);
  });

  it('a pulse and an ingest beat land in each partition after what was acknowledged before them; consumers that keep no time never see either', async () => {
    const monitorId = randomUUID();
    const key = monitorEnvironmentKey(monitorId, 'production');
    const message = (i: number): CheckinMessageV1 => ({
      ...checkinMessageV1Example,
      monitor_id: monitorId,
      event_id: randomUUID(),
      received_at: 1795000000000 + i,
    });
    const before = [message(0), message(1), message(2)];
    const after = [message(3), message(4)];
    const partitions = Array.from({ length: 12 }, (_, i) => i);
    // Unique (the test looks for its own pulse), and in the past, so no consumer that keeps time moves forward.
    const pulseAt = Date.now() - 30 * 24 * 3600_000 - Math.floor(Math.random() * 1_000_000);
    await Promise.all(before.map((m) => producer.produce('vigil.checkins.v1', key, m)));
    await producer.pulse('vigil.checkins.v1', partitions, pulseAt);
    await producer.beat('vigil.checkins.v1', partitions, pulseAt + 1);
    await Promise.all(after.map((m) => producer.produce('vigil.checkins.v1', key, m)));
    await expect(producer.pulse('vigil.monitor-events.v1', [0], pulseAt)).rejects.toThrow(/does not carry clock pulses/);

    const timeKeeper: ConsumedItem<'vigil.checkins.v1'>[] = [];
    const plain: ConsumedMessage<'vigil.checkins.v1'>[] = [];
    const mine = (item: ConsumedItem<'vigil.checkins.v1'>) =>
      item.kind === 'pulse' ? item.at === pulseAt : item.kind === 'beat' ? item.at === pulseAt + 1 : item.payload.monitor_id === monitorId;
    const consumers = [
      new TopicConsumer(kafka, logger, {
        groupId: `kafka-int-${randomUUID()}`,
        topics: ['vigil.checkins.v1'],
        prefix,
        handleBatch: async () => {
          throw new Error('a consumer with handleItems gets no plain batches');
        },
        handleItems: async (items) => {
          timeKeeper.push(...items.filter(mine));
        },
      }),
      new TopicConsumer(kafka, logger, {
        groupId: `kafka-int-${randomUUID()}`,
        topics: ['vigil.checkins.v1'],
        prefix,
        handleBatch: async (messages) => {
          plain.push(...messages.filter(mine));
        },
      }),
    ];
    await Promise.all(consumers.map((consumer) => consumer.start()));
    try {
      await waitFor('every pulse and message', () => timeKeeper.length >= 5 + 2 * 12 && plain.length >= 5, { timeoutMs: 30000 });
    } finally {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
    }
    expect(new Set(timeKeeper.filter((item) => item.kind === 'pulse').map((item) => item.partition))).toEqual(new Set(partitions));
    expect(new Set(timeKeeper.filter((item) => item.kind === 'beat').map((item) => item.partition))).toEqual(new Set(partitions));
    const partition = timeKeeper.find((item) => item.kind === 'message')!.partition;
    const track = timeKeeper.filter((item) => item.partition === partition).map((item) => (item.kind === 'message' ? item.payload.event_id : item.kind));
    expect(track).toEqual([...before.map((m) => m.event_id), 'pulse', 'beat', ...after.map((m) => m.event_id)]);
    expect(plain.map((m) => m.payload.event_id)).toEqual([...before, ...after].map((m) => m.event_id));
  });
});
