import type { ClickHouse } from '@vigil/clickhouse';
import type { VigilConfig } from '@vigil/config';
import { CONSUMER_GROUPS, TOPICS, type CheckinMessageV1, type MonitorEventV1, type MonitorStateV1, type ProcessingErrorV1 } from '@vigil/contracts';
import { consumerSettings, createKafkaClient, TopicConsumer, type ConsumedMessage, type DeadLetterSink } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { rowFromMonitorState } from '../monitor-states/monitor-state-row';
import { rowFromProcessingError } from '../processing-errors/processing-error-row';
import { dispositionOf, mayCloseAnotherEnvironment, runRuleError } from '../processing-errors/run-rule-errors';
import { rowFromCheckin, rowFromMonitorEvent, type CheckinRow } from './checkin-row';
import { ClickHouseRunStore, runOfMonitor } from './clickhouse-run-store';
import { HistoryMetrics, type HistoryTable } from './history-metrics';
import { RunResolver } from './run-resolver';

type HistoryTopic = 'vigil.checkins.v1' | 'vigil.monitor-events.v1' | 'vigil.processing-errors.v1' | 'vigil.monitor-states.v1';
const HISTORY_TOPICS: readonly HistoryTopic[] = ['vigil.checkins.v1', 'vigil.monitor-events.v1', 'vigil.processing-errors.v1', 'vigil.monitor-states.v1'];

/**
 * Consumes check-ins, monitor events, processing errors and monitor state changes and writes them to ClickHouse,
 * one insert per topic and fetch (the batches of every partition the fetch brought, `coalescePartitions`). Check-ins are first resolved to their runs (see `RunResolver`). Offsets are committed after the
 * insert, so a crash repeats a batch rather than losing it; a repeat is recognised by its event ids. A plain class
 * (the service runs it through `HistoryWriter`), so the integration tests run it on real Kafka and ClickHouse.
 */
export class HistoryConsumer {
  readonly consumer: TopicConsumer<HistoryTopic>;
  private readonly runs: RunResolver;
  private readonly metrics: HistoryMetrics | null;
  private readonly store: ClickHouseRunStore;

  constructor(
    private readonly clickhouse: ClickHouse,
    private readonly config: VigilConfig,
    private readonly logger: Logger,
    deadLetters: DeadLetterSink,
  ) {
    this.store = new ClickHouseRunStore(clickhouse);
    this.runs = new RunResolver(this.store);
    this.metrics = config.VIGIL_METRICS === 'on' ? new HistoryMetrics() : null;
    this.consumer = new TopicConsumer<HistoryTopic>(createKafkaClient(config, 'vigil-history', logger), logger, {
      groupId: CONSUMER_GROUPS.history,
      service: 'history',
      topics: HISTORY_TOPICS,
      prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
      handleBatch: (messages) => this.write(messages),
      // A fetch's partitions of a topic are one insert (and one read of their runs): ClickHouse makes a part per
      // insert, and a part per partition and fetch cost more than the rows (bench:pipeline, docs/benchmarks.md).
      coalescePartitions: true,
      // Fewer, larger inserts: a second of check-ins is one part, not one per fetch (VIGIL_HISTORY_BATCH_WAIT_MS).
      ...(config.VIGIL_HISTORY_BATCH_WAIT_MS > 0 ? { gather: { minBytes: 1 << 20, maxWaitMs: config.VIGIL_HISTORY_BATCH_WAIT_MS } } : {}),
      partitionsConcurrently: HISTORY_TOPICS.reduce((sum, topic) => sum + TOPICS[topic].partitions, 0),
      onGroupJoin: () => this.runs.forget(),
      settings: consumerSettings(config),
      deadLetters,
    });
  }

  async start(): Promise<void> {
    await this.consumer.start();
  }

  /** Finishes and commits the batch in hand. */
  async stop(): Promise<void> {
    await this.consumer.stop();
  }

  private async write(messages: ConsumedMessage<HistoryTopic>[]): Promise<void> {
    const topic = messages[0]?.topic;
    try {
      if (topic === 'vigil.processing-errors.v1') {
        await this.insert(
          'processing_errors',
          messages.map((m) => rowFromProcessingError(m.payload as ProcessingErrorV1)),
        );
      } else if (topic === 'vigil.monitor-states.v1') {
        await this.insert(
          'monitor_states',
          messages.map((m) => rowFromMonitorState(m.payload as MonitorStateV1, m.offset)),
        );
      } else if (topic === 'vigil.monitor-events.v1') {
        await this.insert(
          'checkins',
          messages.map((m) => rowFromMonitorEvent(m.payload as MonitorEventV1)),
        );
      } else {
        const resolved = await this.runs.resolve(messages.map((m) => m.payload as CheckinMessageV1));
        const mismatched = await this.store.otherEnvironments(resolved.filter((r) => mayCloseAnotherEnvironment(r.message, r.resolved)).map((r) => r.message));
        const rows: CheckinRow[] = [];
        const errors: ProcessingErrorV1[] = [];
        for (const { message, resolved: run } of resolved) {
          const opened = mismatched.get(runOfMonitor(message.monitor_id, message.checkin_id));
          if (opened !== undefined && mayCloseAnotherEnvironment(message, run)) {
            // Sentry: a close of a run opened in another environment is an error, not a run of its own.
            errors.push(runRuleError(message, 'checkin_environment_mismatch', `, opened in environment "${opened}"`));
            continue;
          }
          const disposition = dispositionOf(message, run);
          if (disposition.store) rows.push(rowFromCheckin(message, run));
          if (disposition.error !== null) errors.push(runRuleError(message, disposition.error));
        }
        await this.insert('checkins', rows);
        if (errors.length > 0) await this.insert('processing_errors', errors.map(rowFromProcessingError));
      }
    } catch (error) {
      // The batch will be delivered again: what was remembered about its runs must come from the store.
      this.runs.forget();
      throw error;
    }
    this.logger.debug({ rows: messages.length, topic, partition: messages[0]?.partition }, 'history written');
  }

  private async insert(table: HistoryTable, rows: Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < rows.length; start += this.config.VIGIL_HISTORY_BATCH_SIZE) {
      const slice = rows.slice(start, start + this.config.VIGIL_HISTORY_BATCH_SIZE);
      if (this.metrics) await this.metrics.measure(table, slice.length, () => this.clickhouse.insert(table, slice));
      else await this.clickhouse.insert(table, slice);
    }
  }
}
