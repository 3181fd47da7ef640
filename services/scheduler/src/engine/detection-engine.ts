import {
  confirmedCheckinEventId,
  ContractViolationError,
  decodeMessage,
  MAX_WAITING_CHECKINS,
  monitorEnvironmentKey,
  nameBasedUuid,
  PARTITION_POSITION_KEY,
  type CheckinMessageV1,
  type MonitorEventV1,
  type ProcessingErrorV1,
  type MonitorStateV1,
  type RunResultV1,
  type SchedulerStateV1,
  type TopicName,
  type TopicPayloads,
} from '@vigil/contracts';
import type { BatchContext, ConsumedItem, StoredRecord } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { PartitionIngestBeats, type IngestBeatsSettings } from '../outage-guard/ingest-beats';
import { PartitionDetector, toMonitorEventV1, type DetectionResult, type Outcome, type Transition } from '../detection';
import type { MonitorDirectory } from './monitor-directory';

export type SchedulerInput = ConsumedItem<'vigil.checkins.v1'>;

/** Where the engine writes (a `TopicProducer` fits): every promise resolves once Kafka acknowledged. */
export interface EngineSink {
  produce<T extends TopicName>(topic: T, key: string, payload: TopicPayloads[T], partition?: number): Promise<void>;
  tombstone(topic: TopicName, key: string, partition?: number): Promise<void>;
}

/** Reads changelog partitions from their start to their current end (`readPartitionsToEnd` fits). */
export type StateReader = (partitions: readonly number[], onRecord: (record: StoredRecord) => void, heartbeat: () => Promise<void>) => Promise<number>;

/** A result a check-in reported (`ok`, `error`), in its place among the detected outcomes. */
interface Finished {
  kind: 'finished';
  status: 'ok' | 'error';
  eventId: string;
  monitorId: string;
  environment: string;
  checkinId: string;
  slot: number | null;
  at: number;
}

/**
 * What a batch produced, in order: outcomes and finished check-ins (for run results), state changes, and the
 * verdicts on unconfirmed check-ins (decision 0021): confirmed copies to republish, processing errors to record.
 */
interface Judged {
  results: Array<Outcome | Finished>;
  transitions: Transition[];
  confirmed: CheckinMessageV1[];
  refused: ProcessingErrorV1[];
  /** Event ids of the misses the outage guard covers: published as `unknown` (decision 0023). */
  unknown: Set<string>;
}

const nothing = (): Judged => ({ results: [], transitions: [], confirmed: [], refused: [], unknown: new Set() });

/** Changing it would change the ids of recorded `unknown_monitor` errors: never change it. */
const REFUSAL_NAMESPACE = Buffer.from('6b0e4c7a92d14f3b8e5a1c9d07f2b468', 'hex');
/** `unknown_monitor` errors recorded per project and minute by one instance (ingest bounds its own the same way). */
const REFUSALS_PER_PROJECT_MINUTE = 120;

interface PartitionState {
  detector: PartitionDetector;
  /** Offset of the last check-ins record applied: a redelivered record at or below it is skipped. */
  lastOffset: bigint;
  /** What configuration changes and the restore produced, published with the partition's next batch. */
  pending: Judged;
  /** Unconfirmed check-ins at or below `lastOffset` whose monitor is not confirmed yet, oldest first. */
  waiting: CheckinMessageV1[];
  /** `waiting` changed since the position was last written. */
  waitingChanged: boolean;
  /** Ingest's beats as this partition saw them (decision 0023); null with the outage guard off. */
  beats: PartitionIngestBeats | null;
}

const UUID_LENGTH = 36;

export interface DetectionEngineOptions {
  /**
   * A pulse dated further than this ahead of this host's clock is skipped and logged: a producer with a wrong
   * clock must not make every monitor miss years of slots at once. Backlogs are in the past, unaffected.
   */
  maxPulseAheadMs: number;
  now?: () => number;
  /**
   * Reads these monitors' configuration again from its source of truth and applies it (directory, then
   * `monitorChanged`). Called before a batch that holds a success or failure ping for a monitor the directory
   * has as paused: ingest resumes a paused check in Postgres before it publishes the ping that resumes it, but
   * the change reaches this instance by NOTIFY, which the ping through Kafka can overtake.
   */
  refreshMonitors?: (monitorIds: readonly string[]) => Promise<void>;
  /**
   * Event time an unconfirmed check-in waits for its monitor to exist (decision 0021) before the monitor is read
   * from its source of truth (`refreshMonitors`) one last time and, when absent, `unknown_monitor` is recorded.
   */
  unconfirmedWaitMs?: number;
  /** Called with each missed or timeout outcome's deadline (event time) once Kafka acknowledged it (for metrics). */
  acknowledged?: (dueAt: number) => void;
  /**
   * The outage guard (decision 0023); absent: off. `beats`: how each partition reads ingest's beats (a miss whose
   * window overlaps a silence of ingest is `unknown`); `covers`: the instance's volume rule, asked for the same.
   */
  outageGuard?: { beats: IngestBeatsSettings; covers?: (from: number, to: number) => boolean };
  /** Called with each miss published as `unknown` (for metrics). */
  unknown?: () => void;
}

export const DEFAULT_UNCONFIRMED_WAIT_MS = 10_000;

/**
 * Detection for the check-ins partitions one scheduler instance owns, without Nest or timers (the worker
 * drives it; the benchmark drives it the same way). Per batch of one partition, in order:
 * 1. a partition seen for the first time since it was assigned is rebuilt from the state changelog
 *    (`vigil.scheduler-state.v1`, partition p for check-ins partition p), tracks and position;
 * 2. its check-ins and pulses go through the partition's `PartitionDetector`; records at or below the
 *    restored position are skipped (they are in the state already);
 * 3. missed/timeout events, run results (check-ins' ok/error and the outcomes, in order) and state changes
 *    are published and acknowledged;
 * 4. the changed tracks and the new position are written to the changelog and acknowledged.
 * Only then does the consumer commit. A failure at 3 or 4 drops the partition's state: the batch comes
 * again and is applied to the state rebuilt from the changelog, so what was published is published again
 * with the same deterministic ids (consumers drop repeats) and nothing is lost.
 */
export class DetectionEngine {
  private readonly partitions = new Map<number, PartitionState>();
  /** `unknown_monitor` errors recorded this minute per project: [minute, count]. */
  private readonly refusals = new Map<number, [number, number]>();

  constructor(
    private readonly directory: MonitorDirectory,
    private readonly sink: EngineSink,
    private readonly readState: StateReader,
    private readonly logger: Logger,
    private readonly options: DetectionEngineOptions = { maxPulseAheadMs: 3_600_000 },
  ) {}

  /** The partitions with state in memory, and their tracks (for metrics and the benchmark). */
  get trackCount(): number {
    let count = 0;
    for (const state of this.partitions.values()) count += state.detector.trackCount;
    return count;
  }

  /** The event-time clock of each partition with state in memory that has one yet (for metrics). */
  clocks(): number[] {
    const clocks: number[] = [];
    for (const state of this.partitions.values()) if (Number.isFinite(state.detector.clock)) clocks.push(state.detector.clock);
    return clocks;
  }

  detector(partition: number): PartitionDetector | undefined {
    return this.partitions.get(partition)?.detector;
  }

  /**
   * After a (re)join: partitions this instance still owns keep their state when the membership was continuous
   * (nobody else processed them in between); the others are dropped and will be rebuilt from the changelog if they
   * come back. After a lost membership or a restarted consumer (`continuous` false) another instance may have
   * judged any partition meanwhile, so every partition is dropped and rebuilt before its next batch.
   */
  assigned(partitions: readonly number[], continuous = true): void {
    if (!continuous) {
      if (this.partitions.size > 0)
        this.logger.info({ partitions: [...this.partitions.keys()] }, 'membership was not continuous: partition state dropped, rebuilt from the changelog');
      this.partitions.clear();
      return;
    }
    const kept = new Set(partitions);
    for (const partition of this.partitions.keys()) if (!kept.has(partition)) this.partitions.delete(partition);
  }

  /** A monitor was created, changed or deleted (null): applied to the partitions that know it. */
  monitorChanged(monitorId: string): void {
    const settings = this.directory.settings(monitorId);
    const deleted = this.directory.identity(monitorId) === null;
    for (const state of this.partitions.values()) {
      if (!state.detector.knows(monitorId)) continue;
      if (deleted) {
        this.merge(state.pending, state.detector.applySettings(monitorId, null));
      } else if (settings) {
        this.merge(state.pending, state.detector.applySettings(monitorId, settings));
      }
    }
  }

  /**
   * Environments of a monitor dropped through the API (decision 0018): their tracks go from every partition
   * that has them, with a tombstone in the changelog written with the partition's next batch. Check-ins
   * received at or before the drop are ignored from now on (`handle`), so one still on its way cannot bring
   * the track back.
   */
  environmentsDropped(monitorId: string, environments: ReadonlyArray<readonly [string, number]>): void {
    for (const [partition, state] of this.partitions) {
      for (const [environment, at] of environments) {
        if (state.detector.dropTrack(monitorId, environment)) {
          this.logger.info({ monitor_id: monitorId, environment, dropped_at: at, partition }, 'monitor environment dropped');
        }
      }
    }
  }

  /** Rebuilds the given partitions from the changelog (the worker calls it for a batch's new partitions). */
  async restore(partitions: readonly number[], heartbeat: () => Promise<void> = async () => undefined): Promise<void> {
    const fresh = new Map<number, PartitionState>();
    for (const partition of partitions) {
      fresh.set(partition, {
        detector: new PartitionDetector(this.directory.registry, this.directory.settings),
        lastOffset: -1n,
        pending: nothing(),
        waiting: [],
        waitingChanged: false,
        beats: this.options.outageGuard ? new PartitionIngestBeats(this.options.outageGuard.beats) : null,
      });
    }
    for (const state of fresh.values()) this.judgeOutages(state);
    const started = Date.now();
    const records = await this.readState(
      partitions,
      (record) => {
        const state = fresh.get(record.partition);
        if (state) this.restoreRecord(state, record);
      },
      heartbeat,
    );
    for (const [partition, state] of fresh) {
      this.applyDropsAfterRestore(partition, state);
      state.detector.finishRestore();
      this.partitions.set(partition, state);
      this.logger.info(
        { partition, tracks: state.detector.trackCount, offset: state.lastOffset.toString(), clock: state.detector.clock },
        'partition state restored',
      );
    }
    this.logger.info({ partitions: [...partitions], records, ms: Date.now() - started }, 'scheduler state rebuilt from the changelog');
  }

  /** Applies one batch (the consumer commits its offsets once this resolves). */
  async handle(items: readonly SchedulerInput[], context: BatchContext): Promise<void> {
    const partitions = [...new Set(items.map((item) => item.partition))];
    try {
      await this.judgeAndPublish(items, partitions, context);
    } catch (error) {
      // The detectors may have moved past records whose results are not all stored (a failure anywhere: a
      // publish, a lost membership, a bug meeting one record): rebuild them when the batch comes again, from the
      // changelog, which holds only what was acknowledged.
      for (const partition of partitions) this.partitions.delete(partition);
      throw error;
    }
  }

  private async judgeAndPublish(items: readonly SchedulerInput[], partitions: readonly number[], context: BatchContext): Promise<void> {
    const missing = partitions.filter((partition) => !this.partitions.has(partition));
    if (missing.length > 0) await this.restore(missing, context.heartbeat);
    const resuming = this.resumingPings(items);
    if (resuming.length > 0 && this.options.refreshMonitors) await this.options.refreshMonitors(resuming);

    const touched = new Map<number, Judged>();
    for (const item of items) {
      const state = this.partitions.get(item.partition);
      // Dropped by a rejoin while this batch waited (restore, refresh): it belongs to a generation that is over.
      if (!state) throw new Error(`partition ${item.partition} was dropped while its batch was being applied`);
      let result = touched.get(item.partition);
      if (!result) {
        result = state.pending;
        state.pending = nothing();
        touched.set(item.partition, result);
      }
      const offset = BigInt(item.offset);
      if (offset <= state.lastOffset) continue;
      state.lastOffset = offset;
      if (item.kind === 'beat') {
        state.beats?.beat(item.at);
      } else if (item.kind === 'pulse') {
        const limit = (this.options.now ?? Date.now)() + this.options.maxPulseAheadMs;
        if (item.at > limit) {
          this.logger.error(
            { partition: item.partition, offset: item.offset, pulse_at: item.at, limit },
            'skipping a clock pulse dated too far ahead of this host',
          );
          continue;
        }
        // While ingest is in doubt (beats overdue, not yet silent long enough) the clock waits (decision 0023).
        const at = state.beats ? state.beats.admit(item.at) : item.at;
        this.merge(result, state.detector.pulse(at));
      } else if (item.payload.monitor_existence === 'unconfirmed') {
        // Judged below, with the partition's waiting check-ins: it changes nothing until its monitor is confirmed.
        state.waiting.push(item.payload);
        state.waitingChanged = true;
      } else {
        const droppedAt = this.directory.droppedAt(item.payload.monitor_id, item.payload.environment);
        // A check-in from before its environment was dropped belongs to the history that was deleted.
        if (droppedAt !== null && item.payload.received_at <= droppedAt) continue;
        const checkin = state.detector.checkin(item.payload);
        this.merge(result, checkin);
        if (checkin.finished) {
          const signal = item.payload;
          result.results.push({
            kind: 'finished',
            status: checkin.finished,
            eventId: signal.event_id,
            monitorId: signal.monitor_id,
            environment: signal.environment,
            checkinId: checkin.run.checkinId,
            slot: checkin.creditedSlot,
            at: signal.received_at,
          });
        }
      }
    }

    await this.judgeWaiting(touched);

    // A fence: a member that lost its partitions while stalled (a long pause, a starved process) learns it here,
    // before it publishes results or overwrites the changelog that the partitions' new owner writes.
    await context.heartbeat();
    await this.publish([...touched.values()]);
    await this.writeState(touched.keys());
  }

  /**
   * Decides the unconfirmed check-ins of the batch's partitions (decision 0021). One whose monitor the directory
   * has, with its project and slug, is confirmed: its copy is republished to its partition, where every consumer
   * applies it. One still unknown once the partition's event time is `unconfirmedWaitMs` past its receipt is
   * looked up in the source of truth once more (`refreshMonitors`), then confirmed or refused as
   * `unknown_monitor`. The rest keep waiting, in the position written to the changelog.
   */
  private async judgeWaiting(touched: ReadonlyMap<number, Judged>): Promise<void> {
    const waitMs = this.options.unconfirmedWaitMs ?? DEFAULT_UNCONFIRMED_WAIT_MS;
    const overdue = (state: PartitionState, checkin: CheckinMessageV1) => state.detector.clock >= checkin.received_at + waitMs;
    const stale = new Set<string>();
    for (const partition of touched.keys()) {
      const state = this.partitions.get(partition);
      if (!state) continue;
      // Over the bound, the oldest are judged now: confirmed if the directory has their monitor, else refused.
      while (state.waiting.length > MAX_WAITING_CHECKINS) this.settle(state, touched.get(partition)!, 0, true);
      for (const checkin of state.waiting) if (!this.exists(checkin) && overdue(state, checkin)) stale.add(checkin.monitor_id);
    }
    if (stale.size > 0 && this.options.refreshMonitors) await this.options.refreshMonitors([...stale]);
    for (const [partition, judged] of touched) {
      const state = this.partitions.get(partition);
      if (!state || state.waiting.length === 0) continue;
      for (let index = 0; index < state.waiting.length;) {
        const checkin = state.waiting[index]!;
        if (this.exists(checkin) || overdue(state, checkin)) this.settle(state, judged, index, false);
        else index += 1;
      }
    }
  }

  /** Confirms or refuses the waiting check-in at `index` (`force`: refused unless its monitor exists now). */
  private settle(state: PartitionState, judged: Judged, index: number, force: boolean): void {
    const [checkin] = state.waiting.splice(index, 1);
    state.waitingChanged = true;
    if (!checkin) return;
    const fields = { monitor_id: checkin.monitor_id, environment: checkin.environment, checkin_id: checkin.checkin_id, project_id: checkin.project_id };
    if (this.exists(checkin)) {
      judged.confirmed.push({ ...checkin, event_id: confirmedCheckinEventId(checkin.event_id), monitor_existence: 'confirmed' });
      this.logger.debug(fields, 'unconfirmed check-in confirmed');
      return;
    }
    this.logger.info({ ...fields, monitor_slug: checkin.monitor_slug, forced: force }, 'check-in for a monitor that does not exist refused');
    const minute = Math.floor((this.options.now ?? Date.now)() / 60_000);
    const [counted, count] = this.refusals.get(checkin.project_id) ?? [minute, 0];
    const used = counted === minute ? count : 0;
    if (used >= REFUSALS_PER_PROJECT_MINUTE) return;
    this.refusals.set(checkin.project_id, [minute, used + 1]);
    if (this.refusals.size > 10_000) this.refusals.clear();
    judged.refused.push({
      version: 1,
      error_id: nameBasedUuid(REFUSAL_NAMESPACE, checkin.event_id),
      organization_id: checkin.organization_id,
      project_id: checkin.project_id,
      monitor_slug: checkin.monitor_slug,
      environment: checkin.environment,
      source: checkin.source,
      errors: [
        {
          code: 'unknown_monitor',
          field: 'monitor_slug',
          message: `monitor "${checkin.monitor_slug}" does not exist; send monitor_config to create it`,
        },
      ],
      payload: JSON.stringify({
        monitor_slug: checkin.monitor_slug,
        status: checkin.status,
        environment: checkin.environment,
        ...(checkin.run_match === 'exact' ? { check_in_id: checkin.checkin_id } : {}),
        ...(checkin.duration_ms === null ? {} : { duration: checkin.duration_ms / 1000 }),
      }),
      received_at: checkin.received_at,
    });
  }

  /** The monitor an unconfirmed check-in names exists: the directory has its id, in its project, under its slug. */
  private exists(checkin: CheckinMessageV1): boolean {
    const identity = this.directory.identity(checkin.monitor_id);
    return identity !== null && identity.project_id === checkin.project_id && identity.monitor_slug === checkin.monitor_slug;
  }

  /**
   * A drop later than the restored position may not have reached the changelog before the partition moved
   * (the instance that had it stopped first): apply it now. An earlier one was applied by the instance that
   * wrote that position, and a track there now was made by check-ins after the drop.
   */
  private applyDropsAfterRestore(partition: number, state: PartitionState): void {
    const clock = state.detector.clock;
    for (const monitorId of this.directory.monitorsWithDrops()) {
      for (const [environment, at] of this.directory.drops(monitorId)) {
        if (at >= clock && state.detector.dropTrack(monitorId, environment)) {
          this.logger.info({ monitor_id: monitorId, environment, dropped_at: at, partition }, 'monitor environment dropped after a restore');
        }
      }
    }
  }

  /** Monitors the directory has as paused that the batch brings a success or failure ping for (see `refreshMonitors`). */
  private resumingPings(items: readonly SchedulerInput[]): string[] {
    const found = new Set<string>();
    for (const item of items) {
      if (item.kind !== 'message') continue;
      const { source, status, monitor_id: monitorId } = item.payload;
      if (source === 'ping' && (status === 'ok' || status === 'error') && this.directory.settings(monitorId)?.status === 'paused') found.add(monitorId);
    }
    return [...found];
  }

  private restoreRecord(state: PartitionState, record: StoredRecord): void {
    if (record.key === PARTITION_POSITION_KEY) {
      if (record.value === null) return;
      const message = this.decode(record);
      if (message?.position) {
        if (message.position.clock !== null) state.detector.restoreClock(message.position.clock);
        state.lastOffset = BigInt(message.position.offset);
        state.waiting = message.position.waiting ?? [];
        if (this.options.outageGuard) state.beats = PartitionIngestBeats.restore(this.options.outageGuard.beats, message.position.ingest_beats);
      }
      return;
    }
    if (record.value === null) {
      if (record.key !== null && record.key.length > UUID_LENGTH) state.detector.forget(record.key.slice(0, UUID_LENGTH), record.key.slice(UUID_LENGTH + 1));
      return;
    }
    const message = this.decode(record);
    if (message?.track) this.merge(state.pending, state.detector.restore(message.track));
  }

  private decode(record: StoredRecord): SchedulerStateV1 | null {
    try {
      return decodeMessage('vigil.scheduler-state.v1', record.value ?? Buffer.alloc(0));
    } catch (error) {
      if (!(error instanceof ContractViolationError)) throw error;
      this.logger.error(
        { partition: record.partition, offset: record.offset, field: error.field, rule: error.rule },
        'skipping a changelog record that breaks its contract: that track starts as new',
      );
      return null;
    }
  }

  private async publish(batches: readonly Judged[]): Promise<void> {
    const sends: Array<Promise<void>> = [];
    const logged: MonitorEventV1[] = [];
    const deadlines: number[] = [];
    for (const batch of batches) {
      for (const judged of batch.results) {
        const identity = this.directory.identity(judged.monitorId);
        if (!identity) continue;
        const key = monitorEnvironmentKey(judged.monitorId, judged.environment);
        let result: RunResultV1;
        if (judged.kind === 'finished') {
          result = {
            version: 1,
            event_id: judged.eventId,
            kind: judged.status,
            ...identity,
            monitor_id: judged.monitorId,
            environment: judged.environment,
            checkin_id: judged.checkinId,
            slot: judged.slot,
            at: judged.at,
          };
        } else {
          const detected = toMonitorEventV1(judged, identity);
          const unknown = batch.unknown.has(judged.eventId);
          const event: MonitorEventV1 = unknown ? { ...detected, kind: 'unknown', event_id: unknownEventId(detected.event_id) } : detected;
          logged.push(event);
          if (unknown) this.options.unknown?.();
          // The detection delay is of what alerts: a miss held while ingest was in doubt is not one.
          else deadlines.push(judged.dueAt);
          sends.push(this.send('vigil.monitor-events.v1', key, event));
          result = {
            version: 1,
            event_id: event.event_id,
            kind: event.kind,
            ...identity,
            monitor_id: event.monitor_id,
            environment: event.environment,
            checkin_id: event.checkin_id,
            slot: event.slot,
            at: event.emitted_at,
          };
        }
        sends.push(this.send('vigil.run-results.v1', key, result));
      }
      for (const transition of batch.transitions) {
        const state = this.toMonitorStateV1(transition);
        if (state) sends.push(this.send('vigil.monitor-states.v1', monitorEnvironmentKey(state.monitor_id, state.environment), state));
      }
      for (const checkin of batch.confirmed)
        sends.push(this.send('vigil.checkins.v1', monitorEnvironmentKey(checkin.monitor_id, checkin.environment), checkin));
      for (const refusal of batch.refused) sends.push(this.send('vigil.processing-errors.v1', String(refusal.project_id), refusal));
    }
    await Promise.all(sends);
    if (this.options.acknowledged) for (const dueAt of deadlines) this.options.acknowledged(dueAt);
    for (const event of logged) {
      this.logger.info(
        { monitor_id: event.monitor_id, environment: event.environment, checkin_id: event.checkin_id, kind: event.kind, slot: event.slot },
        'monitor event',
      );
    }
  }

  private async writeState(partitions: Iterable<number>): Promise<void> {
    const sends: Array<Promise<void>> = [];
    for (const partition of partitions) {
      const state = this.partitions.get(partition);
      if (!state) continue;
      const changes = state.detector.drainChanges();
      // A batch that changed no track and no waiting check-in (pulses with nothing due) needs no position:
      // replaying it after a restore changes nothing either. This keeps idle pulses from writing to the changelog.
      if (changes.length === 0 && !state.waitingChanged) continue;
      state.waitingChanged = false;
      for (const change of changes) {
        const key = monitorEnvironmentKey(change.monitorId, change.environment);
        sends.push(
          change.snapshot === null
            ? this.sink.tombstone('vigil.scheduler-state.v1', key, partition)
            : this.send('vigil.scheduler-state.v1', key, { version: 1, kind: 'track', track: change.snapshot, position: null }, partition),
        );
      }
      // The position goes after the tracks in the same partition, so a restore that sees it sees them too.
      const clock = state.detector.clock;
      const beats = state.beats?.snapshot();
      sends.push(
        this.send(
          'vigil.scheduler-state.v1',
          PARTITION_POSITION_KEY,
          {
            version: 1,
            kind: 'partition',
            track: null,
            position: {
              clock: Number.isFinite(clock) ? clock : null,
              offset: state.lastOffset.toString(),
              ...(state.waiting.length > 0 ? { waiting: state.waiting } : {}),
              ...(beats ? { ingest_beats: beats } : {}),
            },
          },
          partition,
        ),
      );
    }
    await Promise.all(sends);
  }

  private toMonitorStateV1(transition: Transition): MonitorStateV1 | null {
    const identity = this.directory.identity(transition.monitorId);
    // A change before the partition has any event time (a new track paused) has no instant to report.
    if (!identity || !Number.isFinite(transition.at)) return null;
    return {
      version: 1,
      event_id: `${transition.monitorId}:${transition.environment}:${transition.at}:${transition.to}`,
      ...identity,
      monitor_id: transition.monitorId,
      environment: transition.environment,
      from: transition.from,
      to: transition.to,
      at: transition.at,
    };
  }

  /**
   * Gives the partition's detector the outage guard's verdict on a miss's window: a silence of ingest this partition
   * saw, or a volume collapse the instance's guard saw (decision 0023).
   */
  private judgeOutages(state: PartitionState): void {
    const guard = this.options.outageGuard;
    if (!guard) return;
    state.detector.outage = (opensAt, dueAt) => (state.beats?.covers(opensAt, dueAt) ?? false) || (guard.covers?.(opensAt, dueAt) ?? false);
  }

  /**
   * Adds what detection produced to a batch's results; a miss the detector marked (its window for a check-in
   * overlaps an outage the guard saw: `judgeOutages`) is to be published as `unknown`.
   */
  private merge(into: Judged, from: DetectionResult): void {
    for (const outcome of from.outcomes) {
      into.results.push(outcome);
      if (outcome.kind === 'missed' && outcome.unknown) into.unknown.add(outcome.eventId);
    }
    for (const transition of from.transitions) into.transitions.push(transition);
  }

  /** A message its schema rejects is a bug to log, not a reason to stop the partition for ever. */
  private send<T extends TopicName>(topic: T, key: string, payload: TopicPayloads[T], partition?: number): Promise<void> {
    return this.sink.produce(topic, key, payload, partition).catch((error: unknown) => {
      if (!(error instanceof ContractViolationError)) throw error;
      this.logger.error({ topic, key, field: error.field, rule: error.rule }, 'not publishing a message that breaks its contract');
    });
  }
}

/** The event id a miss the outage guard covers is published under (`...:missed` becomes `...:unknown`). */
export function unknownEventId(missedEventId: string): string {
  return missedEventId.replace(/:missed$/, ':unknown');
}
