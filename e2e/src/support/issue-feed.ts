import { randomUUID } from 'node:crypto';
import type { VigilConfig } from '@vigil/config';
import { monitorEnvironmentKey, physicalTopicName, type IssueEventV1, type RunResultV1 } from '@vigil/contracts';
import { createKafkaClient, kafkaConnection, TopicConsumer, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import type { Admin } from 'kafkajs';
import { waitForGroupCommit, waitForReader } from './kafka-progress';

/** The issues service's consumer group on the run-results topic (`IssuesWorker`), before the topic prefix. */
export const ISSUES_GROUP = 'vigil-issues';

type FeedTopic = 'vigil.run-results.v1' | 'vigil.issues.v1';

/**
 * The issues service's input and output on real Kafka: reads every run result the scheduler publishes and
 * every issue event, writes a run result again (as a retrying producer would), and tells when the issues
 * service has handled every run result written so far (`caughtUp`), so a test asserts on a complete output.
 */
export class IssueFeed {
  /** Every run result on the topic, in the order read. */
  readonly results: RunResultV1[] = [];
  /** Every issue event on the topic, in the order read (per monitor-environment: the order produced). */
  readonly events: IssueEventV1[] = [];
  private readonly read: Record<FeedTopic, Map<number, bigint>> = { 'vigil.run-results.v1': new Map(), 'vigil.issues.v1': new Map() };

  private readonly prefix: string;
  private readonly producer: TopicProducer;
  private readonly consumer: TopicConsumer<FeedTopic>;
  private readonly admin: Admin;

  private constructor(config: VigilConfig) {
    this.prefix = config.VIGIL_KAFKA_TOPIC_PREFIX;
    const logger = createLogger('issue-feed-e2e', 'silent');
    const kafka = createKafkaClient(config, 'issue-feed-e2e', logger);
    this.producer = new TopicProducer(kafkaConnection(config, 'issue-feed-e2e'), logger, { prefix: this.prefix, lingerMs: 0 });
    this.admin = kafka.admin();
    this.consumer = new TopicConsumer<FeedTopic>(kafka, logger, {
      groupId: `issue-feed-e2e-${randomUUID()}`,
      topics: ['vigil.run-results.v1', 'vigil.issues.v1'],
      prefix: this.prefix,
      handleBatch: async (messages) => {
        for (const message of messages) {
          if (message.topic === 'vigil.issues.v1') this.events.push(message.payload as IssueEventV1);
          else this.results.push(message.payload as RunResultV1);
          const read = this.read[message.topic];
          const next = BigInt(message.offset) + 1n;
          if (next > (read.get(message.partition) ?? -1n)) read.set(message.partition, next);
        }
      },
    });
  }

  static async start(config: VigilConfig): Promise<IssueFeed> {
    const feed = new IssueFeed(config);
    await Promise.all([feed.producer.connect(), feed.admin.connect()]);
    await feed.consumer.start();
    return feed;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.close();
    await this.admin.disconnect();
  }

  /** The run result read with this event id (throws if none was). */
  result(eventId: string): RunResultV1 {
    const found = this.results.find((result) => result.event_id === eventId);
    if (!found) throw new Error(`no run result ${eventId} was read`);
    return found;
  }

  /** Writes a run result again, at a new offset of its track's partition. */
  repeat(result: RunResultV1): Promise<void> {
    return this.producer.produce('vigil.run-results.v1', monitorEnvironmentKey(result.monitor_id, result.environment), result);
  }

  /**
   * Waits until the issues service has committed every run result written so far (it commits a batch after
   * its events were acknowledged and its Postgres transaction committed), then until this reader has read
   * every run result and issue event. Run `EventTimeline.caughtUp` first when the scheduler is still writing.
   */
  async caughtUp(timeoutMs = 30000): Promise<void> {
    const results = physicalTopicName('vigil.run-results.v1', this.prefix);
    await waitForGroupCommit(this.admin, `${this.prefix}${ISSUES_GROUP}`, results, 'the issues service to commit every run result', timeoutMs);
    await waitForReader(this.admin, results, this.read['vigil.run-results.v1'], 'the test to read every run result', timeoutMs);
    await waitForReader(
      this.admin,
      physicalTopicName('vigil.issues.v1', this.prefix),
      this.read['vigil.issues.v1'],
      'the test to read every issue event',
      timeoutMs,
    );
  }
}
