import { randomUUID } from 'node:crypto';
import { ClickHouse, RUN_OPEN, RUN_STATUS, sql } from '@vigil/clickhouse';
import { monitorEnvironmentKey, monitorEventV1Example, monitorStateV1Example, processingErrorV1Example, type MonitorEventV1 } from '@vigil/contracts';
import { createKafkaClient, ensureTopics, kafkaConnection, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { testConfig, waitFor } from '@vigil/testing';
import { rowFromMonitorEvent } from '../checkins/checkin-row';
import { HistoryConsumer } from '../checkins/history-consumer';
import { rowFromMonitorState } from '../monitor-states/monitor-state-row';
import { rowFromProcessingError } from '../processing-errors/processing-error-row';

/**
 * The rows history inserts for the scheduler's outcomes, its state changes and processing errors, as ClickHouse
 * stores them (on 18.16 in the integration tier, on current ClickHouse in integration-clickhouse-current):
 * every value read back as written. (Check-in rows: clickhouse-run-store.int-spec.ts.) The last test runs history's
 * consumer on real Kafka: what the scheduler publishes reaches the table.
 */
describe('history rows', () => {
  const clickhouse = ClickHouse.connect(testConfig());

  afterAll(async () => {
    await clickhouse.close();
  });

  it('a processing error: codes as an array, the details and the payload as text', async () => {
    const errorId = randomUUID();
    await clickhouse.insert('processing_errors', [rowFromProcessingError({ ...processingErrorV1Example, error_id: errorId })]);
    const rows = await clickhouse.query<Record<string, unknown>>(sql`
      SELECT monitor_slug, environment, toString(source) AS source, error_codes, errors, payload, toUnixTimestamp(received_at) AS at_s, toString(received_at_ms) AS at_ms
        FROM processing_errors WHERE error_id = ${errorId}`);
    expect(rows).toEqual([
      {
        monitor_slug: 'nightly-backup',
        environment: 'production',
        source: 'sentry_envelope',
        error_codes: ['invalid_monitor_config'],
        errors: JSON.stringify(processingErrorV1Example.errors),
        payload: processingErrorV1Example.payload,
        at_s: processingErrorV1Example.received_at / 1000,
        at_ms: String(processingErrorV1Example.received_at),
      },
    ]);
  });

  it('a state change with its Kafka offset, and a scheduler outcome dated at its slot', async () => {
    const monitorId = randomUUID();
    await clickhouse.insert('monitor_states', [rowFromMonitorState({ ...monitorStateV1Example, monitor_id: monitorId }, '9007199254740993')]);
    expect(
      await clickhouse.query<Record<string, unknown>>(sql`
        SELECT toString(from_state) AS from_state, toString(to_state) AS to_state, toUnixTimestamp(at) AS at_s, toString(at_ms) AS at_ms, toString(kafka_offset) AS kafka_offset
          FROM monitor_states WHERE monitor_id = ${monitorId}`),
    ).toEqual([
      {
        from_state: 'late',
        to_state: 'missed',
        at_s: monitorStateV1Example.at / 1000,
        at_ms: String(monitorStateV1Example.at),
        kafka_offset: '9007199254740993',
      },
    ]);

    await clickhouse.insert('checkins', [rowFromMonitorEvent({ ...monitorEventV1Example, monitor_id: monitorId })]);
    expect(
      await clickhouse.query<Record<string, unknown>>(sql`
        SELECT toString(status) AS status, toString(source) AS source, toString(received_at_ms) AS at_ms, duration_ms, toString(run_match) AS run_match, toString(body_encoding) AS body_encoding
          FROM checkins WHERE monitor_id = ${monitorId}`),
    ).toEqual([
      { status: 'missed', source: 'scheduler', at_ms: String(monitorEventV1Example.slot), duration_ms: null, run_match: 'exact', body_encoding: 'utf8' },
    ]);
  });

  it('an unknown outcome (a miss while Vigil was down) on Kafka becomes a closed run with status unknown, dated at its slot', async () => {
    // History consumes its own topics here: each ClickHouse tier (18.16, current) gets a prefix of its own, so the two
    // projects never share a consumer group, whichever order or concurrency jest runs them in. The test run's prefix
    // starts it, so the next run's reset deletes these topics and groups too.
    const base = testConfig();
    const tier = process.env['VIGIL_TEST_CLICKHOUSE'] === 'current' ? 'current' : 'stack';
    const config = testConfig({ VIGIL_KAFKA_TOPIC_PREFIX: `${base.VIGIL_KAFKA_TOPIC_PREFIX}history-rows-${tier}.` });
    const logger = createLogger('history-rows-int-test', 'silent');
    // Global setup deleted this prefix's topics moments ago: creating them again can still collide with that.
    const kafka = createKafkaClient(config, 'history-rows-int-test', logger);
    await waitFor('the test topics', async () => (await ensureTopics(kafka, config.VIGIL_KAFKA_TOPIC_PREFIX), true), { timeoutMs: 30_000, intervalMs: 500 });
    const producer = new TopicProducer(kafkaConnection(config, 'history-rows-int-test'), logger, { prefix: config.VIGIL_KAFKA_TOPIC_PREFIX, lingerMs: 0 });
    const history = new HistoryConsumer(clickhouse, config, logger, producer);

    const monitorId = randomUUID();
    const slot = 1_796_000_040_000;
    const event = (kind: MonitorEventV1['kind'], at: number): MonitorEventV1 => ({
      ...monitorEventV1Example,
      event_id: `${monitorId}:production:${at}:${kind}`,
      kind,
      monitor_id: monitorId,
      slot: at,
      checkin_id: randomUUID(),
      emitted_at: at + 120_000,
    });
    const unknown = event('unknown', slot);
    const missed = event('missed', slot + 60_000);
    await producer.connect();
    try {
      await history.start();
      await producer.produce('vigil.monitor-events.v1', monitorEnvironmentKey(monitorId, 'production'), unknown);
      await producer.produce('vigil.monitor-events.v1', monitorEnvironmentKey(monitorId, 'production'), missed);
      await waitFor(
        'history to write both outcomes',
        async () =>
          Number((await clickhouse.query<{ n: string | number }>(sql`SELECT count() AS n FROM checkins WHERE monitor_id = ${monitorId}`))[0]?.n) === 2,
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      await history.stop();
      await producer.close();
    }

    expect(
      await clickhouse.query<Record<string, unknown>>(sql`
        SELECT checkin_id, toString(status) AS status, toString(source) AS source, toString(received_at_ms) AS at_ms, duration_ms
          FROM checkins WHERE monitor_id = ${monitorId} ORDER BY received_at_ms`),
    ).toEqual([
      { checkin_id: unknown.checkin_id, status: 'unknown', source: 'scheduler', at_ms: String(slot), duration_ms: null },
      { checkin_id: missed.checkin_id, status: 'missed', source: 'scheduler', at_ms: String(slot + 60_000), duration_ms: null },
    ]);
    // Every reader's fold: the unknown is a run of its own, closed, with its own status.
    expect(
      await clickhouse.query<Record<string, unknown>>(sql`
        SELECT checkin_id, ${RUN_STATUS} AS run_status, ${RUN_OPEN} AS open
          FROM checkins WHERE monitor_id = ${monitorId} GROUP BY checkin_id ORDER BY min(received_at_ms)`),
    ).toEqual([
      { checkin_id: unknown.checkin_id, run_status: 'unknown', open: 0 },
      { checkin_id: missed.checkin_id, run_status: 'missed', open: 0 },
    ]);
  });
});
