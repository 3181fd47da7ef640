import { randomUUID } from 'node:crypto';
import { monitorEnvironmentKey, runResultV1Example, type IssueEventV1, type RunResultKind, type RunResultV1 } from '@vigil/contracts';
import { createDataSource } from '@vigil/db';
import { createKafkaClient, kafkaConnection, TopicConsumer, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { testConfig, waitFor } from '@vigil/testing';
import { ApplyRunResults, type IssueEventSink, type RunResultMessage } from '../processing/apply-run-results.usecase';
import { IssueRepository } from '../store/issue.repository';

// Real Postgres (the test database global setup migrated) and real Kafka: the batch transaction as the
// worker runs it, with the consumer left out (batches are built here, offsets chosen by the test).
const config = testConfig();
const logger = createLogger('issues-int-test', 'silent');
const dataSource = createDataSource(config, { poolSize: 4 });
const kafka = createKafkaClient(config, 'issues-int-test', logger);
const producer = new TopicProducer(kafkaConnection(config, 'issues-int-test'), logger, { prefix: config.VIGIL_KAFKA_TOPIC_PREFIX, lingerMs: 0 });
const repository = new IssueRepository(dataSource);
/** Every issue event on the topic, as read back from Kafka. */
const onKafka: IssueEventV1[] = [];
let reader: TopicConsumer<'vigil.issues.v1'>;

const HOUR = 3_600_000;
const BASE = 1_796_000_000_000;
const PARTITION = 7;

/** A producer that records what it was asked to send and can fail on purpose, like a broker going away. */
class RecordingSink implements IssueEventSink {
  readonly sent: IssueEventV1[] = [];
  private calls = 0;

  constructor(private readonly failure: { at: number; when: 'before' | 'after' } | null = null) {}

  async produce(topic: 'vigil.issues.v1', key: string, payload: IssueEventV1): Promise<void> {
    this.calls += 1;
    const failsHere = this.failure?.at === this.calls ? this.failure.when : null;
    if (failsHere === 'before') throw new Error('simulated: Kafka unreachable');
    await producer.produce(topic, key, payload);
    this.sent.push(payload);
    if (failsHere === 'after') throw new Error('simulated: crash after the acknowledgement');
  }
}

interface Monitor {
  id: string;
  slug: string;
  organizationId: string;
  projectId: number;
}

async function createMonitor(options: { failure?: number; recovery?: number; muted?: boolean } = {}): Promise<Monitor> {
  const organizationId = randomUUID();
  const slug = `issues-${randomUUID().slice(0, 8)}`;
  await dataSource.query(`INSERT INTO organizations (id, slug, name) VALUES ($1, $2, 'Issues test')`, [organizationId, slug]);
  const [project] = await dataSource.query<Array<{ id: number }>>(
    `INSERT INTO projects (organization_id, slug, name, ping_key) VALUES ($1, 'p', 'P', $2) RETURNING id`,
    [organizationId, randomUUID()],
  );
  const id = randomUUID();
  await dataSource.query(
    `INSERT INTO monitors (id, project_id, slug, name, ping_uuid, schedule_type, schedule_crontab, failure_issue_threshold, recovery_threshold, is_muted)
     VALUES ($1, $2, $3, $3, $4, 'crontab', '0 * * * *', $5, $6, $7)`,
    [id, project!.id, slug, randomUUID(), options.failure ?? 1, options.recovery ?? 1, options.muted ?? false],
  );
  return { id, slug, organizationId, projectId: project!.id };
}

/** A run result for hour `hour` of a track, as the scheduler would publish it. */
function result(monitor: Monitor, environment: string, kind: RunResultKind, hour: number): RunResultV1 {
  return {
    ...runResultV1Example,
    event_id: `${monitor.id}:${environment}:${BASE + hour * HOUR}:${kind}`,
    kind,
    organization_id: monitor.organizationId,
    project_id: monitor.projectId,
    monitor_id: monitor.id,
    monitor_slug: monitor.slug,
    environment,
    checkin_id: randomUUID(),
    slot: BASE + hour * HOUR,
    at: BASE + hour * HOUR + 6 * 60_000,
  };
}

/** Records at consecutive offsets from `first`, as one partition's batch. */
function batch(first: number, results: readonly RunResultV1[]): RunResultMessage[] {
  return results.map((payload, index) => ({
    kind: 'message',
    topic: 'vigil.run-results.v1',
    partition: PARTITION,
    offset: String(first + index),
    key: monitorEnvironmentKey(payload.monitor_id, payload.environment),
    payload,
  }));
}

/** What Postgres holds about a monitor: its issues and tracks, times as epoch milliseconds. */
async function stored(monitorId: string): Promise<{ issues: Array<Record<string, unknown>>; tracks: Array<Record<string, unknown>> }> {
  const issues: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT id, environment, status, failure_count, opening_checkin_id, opening_status, (extract(epoch FROM opened_at) * 1000)::bigint::text AS opened_at,
            (extract(epoch FROM last_failure_at) * 1000)::bigint::text AS last_failure_at, resolving_checkin_id,
            (extract(epoch FROM resolved_at) * 1000)::bigint::text AS resolved_at
       FROM issues WHERE monitor_id = $1 ORDER BY opened_at, environment, id`,
    [monitorId],
  );
  const tracks: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT environment, consecutive_failures, consecutive_oks, open_issue_id, last_partition, last_offset, recent_results
       FROM issue_tracks WHERE monitor_id = $1 ORDER BY environment`,
    [monitorId],
  );
  return { issues, tracks };
}

function kafkaEvents(monitorId: string): IssueEventV1[] {
  return onKafka.filter((event) => event.monitor_id === monitorId);
}

beforeAll(async () => {
  await dataSource.initialize();
  await producer.connect();
  reader = new TopicConsumer(kafka, logger, {
    groupId: `issues-int-${randomUUID()}`,
    topics: ['vigil.issues.v1'],
    prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
    handleBatch: async (messages) => {
      for (const message of messages) onKafka.push(message.payload);
    },
  });
  await reader.start();
});

afterAll(async () => {
  await reader.stop();
  await producer.close();
  await dataSource.destroy();
});

describe('ApplyRunResults on Postgres and Kafka', () => {
  it('stores the issue with its opening and resolving runs and publishes opened, updated and resolved', async () => {
    const monitor = await createMonitor({ failure: 2, recovery: 2 });
    const results = [
      result(monitor, 'prod', 'ok', 0),
      result(monitor, 'prod', 'error', 1),
      result(monitor, 'prod', 'missed', 2), // opens (2 in a row)
      result(monitor, 'prod', 'ok', 3),
      result(monitor, 'prod', 'timeout', 4), // attaches: 3
      result(monitor, 'prod', 'ok', 5),
      result(monitor, 'prod', 'ok', 6), // resolves
    ];
    const sink = new RecordingSink();
    const outcome = await new ApplyRunResults(repository, sink, logger).execute(batch(0, results));

    expect(outcome).toMatchObject({ applied: 7, redelivered: 0, repeated: 0, orphaned: 0 });
    expect(sink.sent.map((event) => [event.kind, event.checkin_id, event.failure_count])).toEqual([
      ['issue.opened', results[2]!.checkin_id, 2],
      ['issue.updated', results[4]!.checkin_id, 3],
      ['issue.resolved', results[6]!.checkin_id, 3],
    ]);
    const issueId = sink.sent[0]!.issue_id;
    const { issues, tracks } = await stored(monitor.id);
    expect(issues).toEqual([
      {
        id: issueId,
        environment: 'prod',
        status: 'resolved',
        failure_count: 3,
        opening_checkin_id: results[2]!.checkin_id,
        opening_status: 'missed',
        opened_at: String(results[2]!.at),
        last_failure_at: String(results[4]!.at),
        resolving_checkin_id: results[6]!.checkin_id,
        resolved_at: String(results[6]!.at),
      },
    ]);
    expect(tracks).toMatchObject([
      { environment: 'prod', consecutive_failures: 0, consecutive_oks: 2, open_issue_id: null, last_partition: PARTITION, last_offset: '6' },
    ]);
    await waitFor('the events on Kafka', () => kafkaEvents(monitor.id).length >= 3);
    expect(kafkaEvents(monitor.id)).toEqual(sink.sent);
  });

  it('a redelivered record (same offset) changes nothing and emits nothing; the new record after it is applied', async () => {
    const monitor = await createMonitor();
    const results = [result(monitor, 'prod', 'error', 0), result(monitor, 'prod', 'missed', 1), result(monitor, 'prod', 'ok', 2)];
    await new ApplyRunResults(repository, new RecordingSink(), logger).execute(batch(100, results));
    const before = await stored(monitor.id);

    const again = new RecordingSink();
    const repeat = await new ApplyRunResults(repository, again, logger).execute(batch(100, results));
    expect(repeat).toMatchObject({ applied: 0, redelivered: 3, events: [] });
    expect(again.sent).toEqual([]);
    expect(await stored(monitor.id)).toEqual(before);

    // A batch that starts with redelivered records and goes on with a new one.
    const next = result(monitor, 'prod', 'timeout', 3);
    const overlapping = new RecordingSink();
    const outcome = await new ApplyRunResults(repository, overlapping, logger).execute(batch(101, [results[1]!, results[2]!, next]));
    expect(outcome).toMatchObject({ applied: 1, redelivered: 2 });
    expect(overlapping.sent.map((event) => [event.kind, event.checkin_id, event.failure_count])).toEqual([['issue.opened', next.checkin_id, 1]]);
  });

  it('a result published again at a later offset counts once (a producer retry)', async () => {
    const monitor = await createMonitor({ failure: 1 });
    const error = result(monitor, 'prod', 'error', 0);
    const missed = result(monitor, 'prod', 'missed', 1);
    const sink = new RecordingSink();
    await new ApplyRunResults(repository, sink, logger).execute(batch(200, [error, missed]));
    const outcome = await new ApplyRunResults(repository, sink, logger).execute(batch(202, [error, missed, result(monitor, 'prod', 'ok', 2)]));
    expect(outcome).toMatchObject({ applied: 1, repeated: 2 });
    expect(sink.sent.map((event) => [event.kind, event.failure_count])).toEqual([
      ['issue.opened', 1],
      ['issue.updated', 2],
      ['issue.resolved', 2],
    ]);
    expect((await stored(monitor.id)).issues).toMatchObject([{ failure_count: 2, status: 'resolved' }]);
  });

  it('an opening result repeated after its fingerprint was forgotten opens nothing: its issue exists', async () => {
    const monitor = await createMonitor();
    const opening = result(monitor, 'prod', 'error', 0);
    await new ApplyRunResults(repository, new RecordingSink(), logger).execute(batch(300, [opening, result(monitor, 'prod', 'ok', 1)]));
    await dataSource.query(`UPDATE issue_tracks SET recent_results = '{}' WHERE monitor_id = $1`, [monitor.id]);

    const sink = new RecordingSink();
    const outcome = await new ApplyRunResults(repository, sink, logger).execute(batch(302, [opening]));
    expect(outcome).toMatchObject({ applied: 0, repeated: 1 });
    expect(sink.sent).toEqual([]);
    expect((await stored(monitor.id)).issues).toHaveLength(1);
  });

  it.each(['before', 'after'] as const)(
    'a crash while publishing (%s Kafka acknowledged an event) leaves Postgres unchanged; the retry publishes identical events',
    async (when) => {
      const monitor = await createMonitor({ failure: 1, recovery: 1 });
      // Two tracks, so the batch publishes from both: opened, updated and resolved for prod, opened for staging.
      await new ApplyRunResults(repository, new RecordingSink(), logger).execute(batch(400, [result(monitor, 'prod', 'ok', 0)]));
      const results = [
        result(monitor, 'prod', 'error', 1),
        result(monitor, 'staging', 'missed', 1),
        result(monitor, 'prod', 'timeout', 2),
        result(monitor, 'prod', 'ok', 3),
      ];
      const before = await stored(monitor.id);

      const failing = new RecordingSink({ at: 2, when });
      await expect(new ApplyRunResults(repository, failing, logger).execute(batch(401, results))).rejects.toThrow('simulated');
      expect(await stored(monitor.id)).toEqual(before);

      const retry = new RecordingSink();
      await new ApplyRunResults(repository, retry, logger).execute(batch(401, results));
      expect(retry.sent.map((event) => `${event.environment} ${event.kind} ${event.failure_count}`)).toEqual([
        'prod issue.opened 1',
        'staging issue.opened 1',
        'prod issue.updated 2',
        'prod issue.resolved 2',
      ]);
      // Whatever reached Kafka before the crash is repeated by the retry, byte for byte (same ids, same payloads).
      for (const event of failing.sent) expect(retry.sent).toContainEqual(event);
      await waitFor('the events on Kafka', () => kafkaEvents(monitor.id).length >= failing.sent.length + retry.sent.length);
      const distinct = new Map(kafkaEvents(monitor.id).map((event) => [event.event_id, JSON.stringify(event)]));
      expect([...distinct.keys()].sort()).toEqual(retry.sent.map((event) => event.event_id).sort());
      for (const event of kafkaEvents(monitor.id)) expect(JSON.stringify(event)).toBe(distinct.get(event.event_id));

      const after = await stored(monitor.id);
      expect(after.issues.map((issue) => [issue['environment'], issue['status'], issue['failure_count']])).toEqual([
        ['prod', 'resolved', 2],
        ['staging', 'open', 1],
      ]);
    },
  );

  it('the same batch handled twice at once (a zombie consumer) is applied once', async () => {
    const monitor = await createMonitor({ failure: 1, recovery: 2 });
    const results = [result(monitor, 'prod', 'error', 0), result(monitor, 'prod', 'missed', 1), result(monitor, 'prod', 'ok', 2)];
    const [a, b] = await Promise.all([
      new ApplyRunResults(repository, new RecordingSink(), logger).execute(batch(500, results)),
      new ApplyRunResults(repository, new RecordingSink(), logger).execute(batch(500, results)),
    ]);
    expect([a.applied, b.applied].sort()).toEqual([0, 3]);
    expect([a.redelivered, b.redelivered].sort()).toEqual([0, 3]);
    expect((await stored(monitor.id)).issues).toMatchObject([{ status: 'open', failure_count: 2 }]);
  });

  it('a muted monitor or environment records its issues; the events say muted', async () => {
    const muted = await createMonitor({ muted: true });
    const loud = await createMonitor();
    await dataSource.query(`INSERT INTO monitor_environments (monitor_id, environment, is_muted) VALUES ($1, 'quiet', true), ($1, 'loud', false)`, [loud.id]);
    const sink = new RecordingSink();
    await new ApplyRunResults(repository, sink, logger).execute(
      batch(600, [result(muted, 'prod', 'error', 0), result(loud, 'quiet', 'missed', 0), result(loud, 'loud', 'timeout', 0), result(loud, 'prod', 'error', 0)]),
    );
    expect(sink.sent.map((event) => [event.monitor_id === muted.id ? 'muted monitor' : 'monitor', event.environment, event.kind, event.muted])).toEqual([
      ['muted monitor', 'prod', 'issue.opened', true],
      ['monitor', 'quiet', 'issue.opened', true],
      ['monitor', 'loud', 'issue.opened', false],
      ['monitor', 'prod', 'issue.opened', false],
    ]);
    expect((await stored(muted.id)).issues).toHaveLength(1);
    expect((await stored(loud.id)).issues).toHaveLength(3);
  });

  it("skips results of a deleted monitor, and a deleted monitor's issues and tracks go with it", async () => {
    const monitor = await createMonitor();
    await new ApplyRunResults(repository, new RecordingSink(), logger).execute(batch(700, [result(monitor, 'prod', 'error', 0)]));
    await dataSource.query('DELETE FROM monitors WHERE id = $1', [monitor.id]);
    expect(await stored(monitor.id)).toEqual({ issues: [], tracks: [] });

    const sink = new RecordingSink();
    const outcome = await new ApplyRunResults(repository, sink, logger).execute(batch(701, [result(monitor, 'prod', 'missed', 1)]));
    expect(outcome).toMatchObject({ applied: 0, orphaned: 1 });
    expect(sink.sent).toEqual([]);
  });
});
