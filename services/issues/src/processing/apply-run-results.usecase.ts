import { ContractViolationError, monitorEnvironmentKey, type IssueEventV1 } from '@vigil/contracts';
import type { ConsumedMessage } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { applyRunResult, type IssueTransition } from '../thresholds';
import type { IssueRepository, TrackKey, TrackWrite } from '../store/issue.repository';

export type RunResultMessage = ConsumedMessage<'vigil.run-results.v1'>;

/** Where issue events go (a `TopicProducer` fits): resolves once Kafka acknowledged the message. */
export interface IssueEventSink {
  produce(topic: 'vigil.issues.v1', key: string, payload: IssueEventV1): Promise<void>;
}

/** What one batch did. */
export interface BatchOutcome {
  /** The events published, in order. */
  events: IssueEventV1[];
  /** Results counted. */
  applied: number;
  /** Records at or below their track's stored offset: a redelivery of what was committed already. */
  redelivered: number;
  /** Results whose event id was applied before at another offset (a producer's retry). */
  repeated: number;
  /** Results of monitors that no longer exist. */
  orphaned: number;
}

/**
 * Applies a batch of `vigil.run-results.v1` (one or more partitions, each in order) to the monitor-environments' counting
 * state and publishes the issue events, exactly once in effect. In ONE Postgres transaction:
 * 1. read the batch's monitors (thresholds, mute) and the muted environments;
 * 2. lock the batch's tracks (`SELECT ... FOR UPDATE`), creating new ones;
 * 3. skip records at or below a track's stored offset and results it applied before (fingerprints; an issue
 *    id that exists already), apply the rest with `applyRunResult`;
 * 4. write the issues and the tracks with their new offsets;
 * 5. publish the events and wait for Kafka's acknowledgements;
 * 6. commit. Only then does the consumer commit its offsets.
 * A failure before 6 rolls everything back: the batch comes again and publishes the same events with the same
 * ids (the notifier drops repeats by `event_id`), and nothing is counted twice because the counts and the
 * offsets they include commit together. See docs/decisions/0008-issues-exactly-once.md.
 */
export class ApplyRunResults {
  constructor(
    private readonly repository: IssueRepository,
    private readonly sink: IssueEventSink,
    private readonly logger: Logger,
  ) {}

  async execute(messages: readonly RunResultMessage[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { events: [], applied: 0, redelivered: 0, repeated: 0, orphaned: 0 };
    if (messages.length === 0) return outcome;
    const transitions: IssueTransition[] = [];

    await this.repository.inTransaction(async (transaction) => {
      const monitors = await transaction.monitors(unique(messages.map((message) => message.payload.monitor_id)));
      const keys = new Map<string, TrackKey>();
      for (const { payload } of messages) {
        if (monitors.has(payload.monitor_id))
          keys.set(monitorEnvironmentKey(payload.monitor_id, payload.environment), { monitorId: payload.monitor_id, environment: payload.environment });
      }
      const tracks = await transaction.lockTracks([...keys.values()]);
      const mutedEnvironments = await transaction.mutedEnvironments([...keys.values()]);

      const writes = new Map<string, TrackWrite>();
      for (const message of messages) {
        const result = message.payload;
        const key = monitorEnvironmentKey(result.monitor_id, result.environment);
        const settings = monitors.get(result.monitor_id);
        const stored = tracks.get(key);
        if (!settings || !stored) {
          outcome.orphaned += 1;
          continue;
        }
        const pending = writes.get(key);
        const offset = BigInt(message.offset);
        const last = pending ? { partition: pending.partition, offset: pending.offset } : { partition: stored.lastPartition, offset: stored.lastOffset };
        // Offsets compare only within one partition (a track stays on one unless the topic is recreated).
        if (last.partition === message.partition && last.offset !== null && offset <= last.offset) {
          outcome.redelivered += 1;
          continue;
        }
        const state = pending?.state ?? stored.state;
        let applied = applyRunResult(state, result, settings.thresholds, settings.muted || mutedEnvironments.has(key));
        // Beyond the remembered fingerprints, an opening names an issue that exists only if this result opened it.
        if (applied.transition?.event.kind === 'issue.opened' && (await transaction.issueExists(applied.transition.event.issue_id))) {
          applied = { state, transition: null, duplicate: true };
        }
        writes.set(key, { monitorId: result.monitor_id, environment: result.environment, state: applied.state, partition: message.partition, offset });
        if (applied.duplicate) {
          outcome.repeated += 1;
          continue;
        }
        outcome.applied += 1;
        if (applied.transition) transitions.push(applied.transition);
      }

      await transaction.saveIssues(transitions);
      await transaction.saveTracks([...writes.values()]);
      outcome.events = await this.publish(transitions.map((transition) => transition.event));
    });

    for (const event of outcome.events) {
      this.logger.info(
        {
          monitor_id: event.monitor_id,
          environment: event.environment,
          checkin_id: event.checkin_id,
          issue_id: event.issue_id,
          status: event.status,
          failure_count: event.failure_count,
          muted: event.muted,
        },
        event.kind === 'issue.opened' ? 'issue opened' : event.kind === 'issue.updated' ? 'issue updated' : 'issue resolved',
      );
    }
    if (outcome.redelivered + outcome.repeated + outcome.orphaned > 0) {
      const first = messages[0]!;
      this.logger.info(
        { partition: first.partition, offset: first.offset, redelivered: outcome.redelivered, repeated: outcome.repeated, orphaned: outcome.orphaned },
        'run results skipped: applied before, or their monitor is gone',
      );
    }
    return outcome;
  }

  /** Publishes in order and waits for every acknowledgement; returns the events published. */
  private async publish(events: readonly IssueEventV1[]): Promise<IssueEventV1[]> {
    const published = await Promise.all(
      events.map((event) =>
        this.sink.produce('vigil.issues.v1', monitorEnvironmentKey(event.monitor_id, event.environment), event).then(
          () => event,
          (error: unknown) => {
            // A message its schema rejects is a bug to log, not a reason to stop the partition for ever.
            if (!(error instanceof ContractViolationError)) throw error;
            this.logger.error(
              { monitor_id: event.monitor_id, environment: event.environment, issue_id: event.issue_id, field: error.field, rule: error.rule },
              'not publishing an issue event that breaks its contract',
            );
            return null;
          },
        ),
      ),
    );
    return published.filter((event): event is IssueEventV1 => event !== null);
  }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
