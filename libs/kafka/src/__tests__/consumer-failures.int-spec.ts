// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { checkinMessageV1Example, monitorEnvironmentKey, TOPICS, type CheckinMessageV1, type DeadLetterV1 } from '@vigil/contracts';
import { createLogger } from '@vigil/logging';
import { testConfig, waitFor } from '@vigil/testing';
import { StoreUnavailableError } from '../failure';
import { createKafkaClient, kafkaConnection } from '../kafka-client';
import { ensureTopics } from '../topic-admin';
import { deadLetterTotals, TopicConsumer } from '../topic-consumer';
import { partitionForKey, TopicProducer } from '../topic-producer';

/** A Postgres data error as typeorm raises it (what the issues service met with a NUL byte). */
function dataError(): Error {
  return Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { name: 'QueryFailedError', code: '22021' });
}

// Real Kafka: a consumer's handler that fails on some messages, or while a store is away.
describe('TopicConsumer: retries, dead letters, outages', () => {
  const config = testConfig();
  const logger = createLogger('consumer-failures-test', 'silent');
  const kafka = createKafkaClient(config, 'consumer-failures-test', logger);
  const prefix = config.VIGIL_KAFKA_TOPIC_PREFIX;
  const producer = new TopicProducer(kafkaConnection(config, 'consumer-failures-test'), logger, { prefix, lingerMs: 5 });
  const letters: DeadLetterV1[] = [];
  let letterReader: TopicConsumer<'vigil.dead-letters.v1'>;
  const settings = { messageAttempts: 3, retryBaseMs: 20, retryMaxMs: 200 };

  beforeAll(async () => {
    await ensureTopics(kafka, prefix);
    await producer.connect();
    letterReader = new TopicConsumer(kafka, logger, {
      groupId: `letters-${randomUUID()}`,
      topics: ['vigil.dead-letters.v1'],
      prefix,
      handleBatch: async (messages) => {
        letters.push(...messages.map((message) => message.payload));
      },
    });
    await letterReader.start();
  });

  afterAll(async () => {
    await letterReader.stop();
    await producer.close();
  });

  const keyOf = (sent: CheckinMessageV1[]) => monitorEnvironmentKey(sent[0]!.monitor_id, 'production');

  /** 40 check-ins of one monitor-environment (one partition, in order), produced before the consumer starts so they arrive as batches. */
  async function track(): Promise<CheckinMessageV1[]> {
    const monitorId = randomUUID();
    const sent = Array.from({ length: 40 }, (_, i): CheckinMessageV1 => ({
      ...checkinMessageV1Example,
      monitor_id: monitorId,
      event_id: randomUUID(),
      received_at: 1795000000000 + i,
    }));
    for (const message of sent) await producer.produce('vigil.checkins.v1', monitorEnvironmentKey(monitorId, 'production'), message);
    return sent;
  }

  it('a message that fails every attempt is dead-lettered with its reason and coordinates; the others are applied in order, and the partition moves on', async () => {
    const sent = await track();
    const poison = new Set([sent[7]!.event_id, sent[30]!.event_id]);
    const applied: string[] = [];
    const attempts = new Map<string, number>();
    const group = `poison-${randomUUID()}`;
    const consumer = new TopicConsumer(kafka, logger, {
      groupId: group,
      service: 'test',
      topics: ['vigil.checkins.v1'],
      prefix,
      settings,
      deadLetters: producer,
      handleBatch: async (messages) => {
        // Applies in order until the poison (as a transaction that fails midway would not, and an idempotent
        // handler may): what came before it is applied again on the next attempt, harmlessly.
        for (const message of messages.filter((m) => m.payload.monitor_id === sent[0]!.monitor_id)) {
          if (poison.has(message.payload.event_id)) {
            attempts.set(message.payload.event_id, (attempts.get(message.payload.event_id) ?? 0) + 1);
            throw dataError();
          }
          if (!applied.includes(message.payload.event_id)) applied.push(message.payload.event_id);
        }
      },
    });
    await consumer.start();
    try {
      await waitFor(
        '38 applied and 2 dead letters',
        () => applied.length === 38 && letters.filter((letter) => letter.group === group && letter.key === keyOf(sent)).length === 2,
        { timeoutMs: 60000 },
      );
    } finally {
      await consumer.stop();
    }
    expect(applied).toEqual(sent.filter((message) => !poison.has(message.event_id)).map((message) => message.event_id));
    // Earlier tests left a malformed message on the topic (a `contract` letter of this group): only this track's count here.
    const mine = letters.filter((letter) => letter.group === group && letter.key === keyOf(sent));
    expect(mine.map((letter) => (JSON.parse(Buffer.from(letter.value_base64 ?? '', 'base64').toString('utf8')) as CheckinMessageV1).event_id)).toEqual([
      sent[7]!.event_id,
      sent[30]!.event_id,
    ]);
    for (const letter of mine) {
      expect(letter).toMatchObject({
        service: 'test',
        topic: 'vigil.checkins.v1',
        reason: 'rejected',
        attempts: 3,
        error_name: 'QueryFailedError',
        error_code: '22021',
        key: monitorEnvironmentKey(sent[0]!.monitor_id, 'production'),
      });
      expect(letter.offset).toMatch(/^\d+$/);
    }
    // Each poison message got exactly its attempts once it was alone; before that, the batches it was in failed too.
    for (const id of poison) expect(attempts.get(id)).toBeGreaterThanOrEqual(3);
    expect(deadLetterTotals()).toContainEqual({ service: 'test', topic: 'vigil.checkins.v1', reason: 'rejected', count: expect.any(Number) });
  });

  it('coalescePartitions: the batches of several partitions come in one handler call, each partition in order; a poison message in one is dead-lettered and the others are applied, and every offset is committed', async () => {
    // Six monitor-environments on at least three partitions, produced before the consumer starts: the first fetch brings them all.
    const tracks: CheckinMessageV1[][] = [];
    const partitionsUsed = new Set<number>();
    while (tracks.length < 6 || partitionsUsed.size < 3) {
      const monitorId = randomUUID();
      const sent = Array.from({ length: 20 }, (_, i): CheckinMessageV1 => ({
        ...checkinMessageV1Example,
        monitor_id: monitorId,
        event_id: randomUUID(),
        received_at: 1795000000000 + i,
      }));
      await Promise.all(sent.map((message) => producer.produce('vigil.checkins.v1', monitorEnvironmentKey(monitorId, 'production'), message)));
      partitionsUsed.add(partitionForKey(monitorEnvironmentKey(monitorId, 'production'), TOPICS['vigil.checkins.v1'].partitions));
      tracks.push(sent);
    }
    const mineIds = new Set(tracks.map((sent) => sent[0]!.monitor_id));
    const poison = tracks[0]![11]!.event_id;
    const applied = new Map<string, string[]>();
    const calls: number[][] = [];
    const disorder: string[] = [];
    const group = `together-${randomUUID()}`;
    const consumer = new TopicConsumer(kafka, logger, {
      groupId: group,
      service: 'test',
      topics: ['vigil.checkins.v1'],
      prefix,
      settings,
      deadLetters: producer,
      coalescePartitions: true,
      partitionsConcurrently: TOPICS['vigil.checkins.v1'].partitions,
      handleBatch: async (messages) => {
        const mine = messages.filter((m) => mineIds.has(m.payload.monitor_id));
        if (mine.length > 0) calls.push([...new Set(mine.map((m) => m.partition))]);
        // Each partition's messages in order: the offsets of one partition only grow within a call.
        const last = new Map<number, bigint>();
        for (const message of messages) {
          const offset = BigInt(message.offset);
          if (offset <= (last.get(message.partition) ?? -1n)) disorder.push(`${message.partition}/${message.offset}`);
          last.set(message.partition, offset);
        }
        for (const message of mine) {
          if (message.payload.event_id === poison) throw dataError();
          const list = applied.get(message.payload.monitor_id) ?? [];
          if (!list.includes(message.payload.event_id)) list.push(message.payload.event_id);
          applied.set(message.payload.monitor_id, list);
        }
      },
    });
    await consumer.start();
    try {
      await waitFor(
        'every message but the poison applied, and its dead letter',
        () =>
          [...applied.values()].reduce((sum, list) => sum + list.length, 0) === tracks.length * 20 - 1 &&
          letters.some((letter) => letter.group === group && letter.reason === 'rejected'),
        { timeoutMs: 60000 },
      );
      await waitFor('every offset committed', async () => (await consumer.lag()).every((lag) => lag.messages === 0), { timeoutMs: 20000 });
    } finally {
      await consumer.stop();
    }
    for (const sent of tracks) {
      const expected = sent.map((message) => message.event_id).filter((id) => id !== poison);
      expect(applied.get(sent[0]!.monitor_id)).toEqual(expected);
    }
    expect(disorder).toEqual([]);
    expect(calls.some((partitions) => partitions.length >= 2)).toBe(true);
    // Earlier tests left a malformed message on the topic (a `contract` letter of this group): only the rejected one here.
    const mine = letters.filter((letter) => letter.group === group && letter.reason === 'rejected');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ reason: 'rejected', attempts: 3, key: monitorEnvironmentKey(tracks[0]![0]!.monitor_id, 'production') });
  });

  it('a store that is unavailable is waited for, however many attempts that takes: nothing is dead-lettered, /readyz would say not consuming meanwhile', async () => {
    const sent = await track();
    const applied: string[] = [];
    let outage = 8; // far more failures than messageAttempts
    let sawBlocked = false;
    const group = `outage-${randomUUID()}`;
    const consumer: TopicConsumer<'vigil.checkins.v1'> = new TopicConsumer(kafka, logger, {
      groupId: group,
      service: 'test',
      topics: ['vigil.checkins.v1'],
      prefix,
      settings,
      deadLetters: producer,
      handleBatch: async (messages) => {
        const mine = messages.filter((m) => m.payload.monitor_id === sent[0]!.monitor_id);
        if (mine.length > 0 && outage > 0) {
          outage -= 1;
          if (outage < 6) sawBlocked ||= !consumer.isConsuming;
          throw new StoreUnavailableError('Postgres is down', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
        }
        for (const message of mine) if (!applied.includes(message.payload.event_id)) applied.push(message.payload.event_id);
      },
    });
    await consumer.start();
    try {
      await waitFor('every message applied after the outage', () => applied.length === 40, { timeoutMs: 60000 });
      await waitFor('consuming again', () => consumer.isConsuming, { timeoutMs: 10000 });
    } finally {
      await consumer.stop();
    }
    expect(applied).toEqual(sent.map((message) => message.event_id));
    expect(sawBlocked).toBe(true);
    expect(letters.filter((letter) => letter.group === group && letter.key === keyOf(sent))).toEqual([]);
  });
  it('a process stalled past the session timeout (the event loop blocked, as in a long GC pause): not consuming at once, then back in its group; a consumer with a short recovery bound fails instead', async () => {
    const monitorId = randomUUID();
    const key = monitorEnvironmentKey(monitorId, 'production');
    const seen: string[] = [];
    const failures: Error[] = [];
    const common = { topics: ['vigil.checkins.v1'] as const, prefix, fromBeginning: false };
    const handle = async (messages: Array<{ payload: CheckinMessageV1 }>) => {
      for (const message of messages) if (message.payload.monitor_id === monitorId) seen.push(message.payload.event_id);
    };
    const recovering = new TopicConsumer(kafka, logger, {
      ...common,
      topics: [...common.topics],
      groupId: `stall-${randomUUID()}`,
      settings: { sessionTimeoutMs: 6000 },
      handleBatch: handle,
    });
    const bounded = new TopicConsumer(kafka, logger, {
      ...common,
      topics: [...common.topics],
      groupId: `stall-bounded-${randomUUID()}`,
      settings: { sessionTimeoutMs: 6000, recoveryMs: 1000 },
      handleBatch: async () => undefined,
    });
    bounded.onFailure((error) => failures.push(error));
    await Promise.all([recovering.start(), bounded.start()]);
    try {
      await waitFor('both consuming', () => recovering.isConsuming && bounded.isConsuming, { timeoutMs: 30000 });
      // Nothing in this process runs for 9 s: no heartbeat, no timer, no I/O.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 9000);
      expect(recovering.isConsuming).toBe(false);
      await waitFor('the bounded consumer to give up', () => bounded.hasFailed, { timeoutMs: 5000 });
      expect(failures).toHaveLength(1);
      expect(failures[0]?.message).toMatch(/has not been back in its group/);
      await waitFor('the other to be consuming again', () => recovering.isConsuming, { timeoutMs: 60000 });
      const after = { ...checkinMessageV1Example, monitor_id: monitorId, event_id: randomUUID() };
      await producer.produce('vigil.checkins.v1', key, after);
      await waitFor('a check-in written after the stall to be consumed', () => seen.includes(after.event_id), { timeoutMs: 30000 });
      expect(recovering.hasFailed).toBe(false);
    } finally {
      await Promise.allSettled([recovering.stop(), bounded.stop()]);
    }
  });
});
