import { randomUUID } from 'node:crypto';
import { ClickHouse, sql } from '@vigil/clickhouse';
import { monitorEventV1Example, monitorStateV1Example, processingErrorV1Example } from '@vigil/contracts';
import { testConfig } from '@vigil/testing';
import { rowFromMonitorEvent } from '../checkins/checkin-row';
import { rowFromMonitorState } from '../monitor-states/monitor-state-row';
import { rowFromProcessingError } from '../processing-errors/processing-error-row';

/**
 * The rows history inserts for the scheduler's outcomes, its state changes and processing errors, as ClickHouse
 * stores them (on 18.16 in the integration tier, on current ClickHouse in integration-clickhouse-current):
 * every value read back as written. (Check-in rows: clickhouse-run-store.int-spec.ts.)
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
});
