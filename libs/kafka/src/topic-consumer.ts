import type { VigilConfig } from '@vigil/config';
import {
  ContractViolationError,
  decodeMessage,
  ingestBeatTime,
  physicalTopicName,
  pulseTime,
  type DeadLetterV1,
  type TopicName,
  type TopicPayloads,
} from '@vigil/contracts';
import type { Logger } from '@vigil/logging';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { classifyFailure, describeFailure, type FailureKind } from './failure';
import { partitionLag } from './group-lag';
import { TurnBatcher } from './turn-batcher';

export interface ConsumedMessage<T extends TopicName> {
  kind: 'message';
  topic: T;
  partition: number;
  offset: string;
  key: string | null;
  payload: TopicPayloads[T];
}

/** A clock pulse read from a partition, in its place among the messages (see PULSE_HEADER). */
export interface ConsumedPulse<T extends TopicName> {
  kind: 'pulse';
  topic: T;
  partition: number;
  offset: string;
  /** The event time the pulse carries, epoch milliseconds. */
  at: number;
}

/** An ingest beat read from a partition, in its place among the messages (see INGEST_BEAT_HEADER). */
export interface ConsumedBeat<T extends TopicName> {
  kind: 'beat';
  topic: T;
  partition: number;
  offset: string;
  /** The event time the beat carries (the ingest host's clock), epoch milliseconds. */
  at: number;
}

export type ConsumedItem<T extends TopicName> = ConsumedMessage<T> | ConsumedPulse<T> | ConsumedBeat<T>;

export interface BatchContext {
  /** Keeps this member in its group during long work on one batch (a state rebuild); throws once it lost its partitions. */
  heartbeat: () => Promise<void>;
}

/** How a consumer keeps its group membership, retries and gives up (`consumerSettings` reads them from the config). */
export interface ConsumerSettings {
  /** Kafka session timeout; also how long without word from the group before the consumer reports it is not consuming. */
  sessionTimeoutMs: number;
  /** How long the consumer may stay out of its group, restarting itself, before it reports failure (the process exits). */
  recoveryMs: number;
  /** Longest one handler call may take before the consumer reports it stalled (the process exits). */
  handlerTimeoutMs: number;
  /** Attempts at a failing message before it is dead-lettered (a store being unavailable is not counted). */
  messageAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_CONSUMER_SETTINGS: ConsumerSettings = {
  sessionTimeoutMs: 10000,
  recoveryMs: 180000,
  handlerTimeoutMs: 300000,
  messageAttempts: 5,
  retryBaseMs: 200,
  retryMaxMs: 10000,
};

export function consumerSettings(config: VigilConfig): ConsumerSettings {
  return {
    sessionTimeoutMs: config.VIGIL_KAFKA_SESSION_TIMEOUT_MS,
    recoveryMs: config.VIGIL_KAFKA_CONSUMER_RECOVERY_MS,
    handlerTimeoutMs: config.VIGIL_KAFKA_HANDLER_TIMEOUT_MS,
    messageAttempts: config.VIGIL_KAFKA_MESSAGE_ATTEMPTS,
    retryBaseMs: config.VIGIL_KAFKA_RETRY_BASE_MS,
    retryMaxMs: config.VIGIL_KAFKA_RETRY_MAX_MS,
  };
}

/** Where dead letters go (a `TopicProducer` fits). */
export interface DeadLetterSink {
  produce(topic: 'vigil.dead-letters.v1', key: string, payload: DeadLetterV1): Promise<void>;
}

/** Facts about a (re)join handed to `onGroupJoin`. */
export interface GroupJoin {
  /**
   * True when this member kept its identity since the previous join: it was in every generation between, so a
   * partition it kept was never anyone else's. False after a restart of the consumer or a lost membership: another
   * member may have processed any partition meanwhile, so nothing kept per partition may be trusted.
   */
  continuous: boolean;
}

export interface TopicConsumerOptions<T extends TopicName> {
  /** Carries the topic prefix too, so installations sharing a cluster never share a consumer group. */
  groupId: string;
  topics: readonly T[];
  prefix: string;
  /** The service, for dead letters and their count. */
  service?: string;
  /**
   * Handles one batch of valid messages from one partition. Offsets are committed only after it resolves,
   * so a crash re-delivers the batch: handlers must be idempotent. A batch that fails is retried, then split
   * to find the messages that fail; see `classifyFailure` for what a failure means.
   */
  handleBatch: (messages: ConsumedMessage<T>[]) => Promise<void>;
  /**
   * Consumers that keep event time (the scheduler) set this: the batch then goes to `handleItems` instead,
   * with the pulses and ingest beats in their place among the messages. Everyone else never sees either.
   */
  handleItems?: (items: ConsumedItem<T>[], context: BatchContext) => Promise<void>;
  /**
   * `handleBatch` gets the messages of every partition of a topic that one fetch brought at once (each partition's
   * in order, one partition after another): one insert or one transaction per fetch instead of one per partition.
   * One such call runs at a time per topic; batches that arrive meanwhile join the next. When the call fails, each
   * partition's batch is handled alone, one after the other, with the retries, splitting and dead letters of a
   * consumer without this. Not with `handleItems`. Give `partitionsConcurrently` the partitions this instance may
   * own, or the batches come a few at a time.
   */
  coalescePartitions?: boolean;
  /**
   * Larger batches, later: each fetch waits at the broker up to `maxWaitMs` for `minBytes` to gather (kafkajs'
   * `minBytes` and `maxWaitTimeInMs`). Without it a fetch returns as soon as anything is there.
   */
  gather?: { minBytes: number; maxWaitMs: number };
  /**
   * After a fetch that brought fewer than LINGER_BATCH messages of a partition, wait this long before handling them:
   * the next fetch then brings what arrived meanwhile (see VIGIL_KAFKA_CONSUMER_LINGER_MS). An idle consumer is not
   * woken by it, unlike a short `gather` wait.
   */
  lingerMs?: number;
  fromBeginning?: boolean;
  /**
   * How many partitions' batches may be in the handler at once (1). Order within a partition is kept; a
   * handler that waits on Kafka acknowledgements gets more done with several.
   */
  partitionsConcurrently?: number;
  /**
   * Called when this member (re)joins the group, before any batch of the new assignment: partitions may have
   * moved, so state kept per partition must be dropped (and rebuilt from the store) here.
   */
  onGroupJoin?: (assignment: ReadonlyMap<T, readonly number[]>, join: GroupJoin) => void;
  settings?: Partial<ConsumerSettings>;
  /** Where messages that cannot be applied go; without one they are only logged and counted. */
  deadLetters?: DeadLetterSink;
}

/** How far a consumer group is behind the end of one topic, summed over the topic's partitions. */
export interface TopicLag {
  service: string;
  topic: TopicName;
  messages: number;
}

export type ConsumerState = 'idle' | 'starting' | 'consuming' | 'restarting' | 'stopped' | 'failed';

/** The batch in hand was given up: the consumer stopped, or the partition went to another generation. */
class BatchAbandoned extends Error {
  constructor() {
    super('batch abandoned: the consumer stopped or lost the partition');
    this.name = 'BatchAbandoned';
  }
}

interface Attempt {
  active: () => boolean;
  heartbeat: () => Promise<void>;
}

/** One partition's offset to commit (kafkajs `commitOffsets` takes many at once). */
type OffsetCommit = { topic: string; partition: number; offset: string };

/** One partition's batch of one fetch, waiting to be handled with the others (`coalescePartitions`). */
interface PartitionBatch<T extends TopicName> {
  partition: number;
  items: ConsumedItem<T>[];
  raw: ReadonlyMap<string, KafkaMessage>;
  attempt: Attempt;
}

const deadLetterCounts = new Map<string, { service: string; topic: string; reason: DeadLetterV1['reason']; count: number }>();

/** Dead letters written by this process, by service, topic and reason (exported later as vigil_dead_letters_total). */
export function deadLetterTotals(): Array<{ service: string; topic: string; reason: DeadLetterV1['reason']; count: number }> {
  return [...deadLetterCounts.values()].map((entry) => ({ ...entry }));
}

function countDeadLetter(service: string, topic: string, reason: DeadLetterV1['reason']): void {
  const key = `${service}\u0000${topic}\u0000${reason}`;
  const entry = deadLetterCounts.get(key);
  if (entry) entry.count += 1;
  else deadLetterCounts.set(key, { service, topic, reason, count: 1 });
}

/** A partition's batch at least this large is handled at once, whatever `lingerMs` says: a backlog needs no gathering. */
const LINGER_BATCH = 500;

/** A watchdog tick later than this (it ticks every second) means the process itself was stopped or starved. */
const STALL_MS = 3000;

const RESTART_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads topics batch by batch, validates every message against its contract, and commits offsets only after the
 * batch was handled. It keeps itself consuming and says when it is not:
 * - kafkajs gives up on some failures for good (a lost membership after a stall, a broker restart at the wrong
 *   moment: its CRASH event without restart). This consumer then starts a new kafkajs consumer, with backoff,
 *   which joins the group afresh (`onGroupJoin` with `continuous: false`).
 * - `isConsuming` is false while it is not a member with partitions, restarting, blocked on a store, or has heard
 *   nothing from its group for a session timeout (a stalled process learns it only when it runs again).
 * - After `recoveryMs` out of its group, or a handler call running past `handlerTimeoutMs`, it fails: `hasFailed`
 *   turns true and the `onFailure` listeners run (the service exits for its supervisor to restart it).
 * A message that cannot be applied never stops its partition: it is retried `messageAttempts` times, then written
 * to `vigil.dead-letters.v1` with the reason, logged and counted, and the partition moves on. A store that is
 * unavailable stops the partition until it answers; nothing is dead-lettered for it.
 */
export class TopicConsumer<T extends TopicName> {
  private readonly byPhysicalName = new Map<string, T>();
  private readonly settings: ConsumerSettings;
  private readonly groupId: string;
  private consumer: Consumer | null = null;
  /** Increases with every kafkajs consumer created: events and batches of an older one are ignored. */
  private generation = 0;
  private state: ConsumerState = 'idle';
  private joined = false;
  private everJoined = false;
  private memberId: string | null = null;
  /** Last word from the group (a join, a heartbeat, a commit), epoch ms. */
  private lastContact = 0;
  /** Since when the consumer has not been consuming (null while it is). */
  private outSince: number | null = null;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly handlersRunning = new Map<symbol, number>();
  /** With `coalescePartitions`: the partitions' batches gathered per topic (see the option). */
  private readonly together = new Map<T, TurnBatcher<PartitionBatch<T>>>();
  private readonly blockedPartitions = new Set<string>();
  private readonly failureListeners: Array<(error: Error) => void> = [];
  private failure: Error | null = null;
  private lastTick = Date.now();
  /** When the process last ran again after being stalled itself (a stalled process is not a silent kafkajs). */
  private resumedAt = 0;
  /** The admin client `lag()` asks the broker with, connected on first use. */
  private admin: Admin | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: TopicConsumerOptions<T>,
  ) {
    if (options.coalescePartitions && options.handleItems) throw new Error('coalescePartitions works with handleBatch, not handleItems');
    this.settings = { ...DEFAULT_CONSUMER_SETTINGS, ...options.settings };
    this.groupId = `${options.prefix}${options.groupId}`;
    for (const topic of options.topics) this.byPhysicalName.set(physicalTopicName(topic, options.prefix), topic);
  }

  /** Started and not stopped (it may be restarting). */
  get isRunning(): boolean {
    return this.state === 'starting' || this.state === 'consuming' || this.state === 'restarting';
  }

  /** True once the group has given this member its partitions (a new group starting at the latest offset reads from here). */
  get isAssigned(): boolean {
    return this.everJoined;
  }

  /** A member of its group with its partitions, in contact within the session timeout, and not blocked on a store. */
  get isConsuming(): boolean {
    return this.inGroup(Date.now()) && this.blockedPartitions.size === 0;
  }

  /** The consumer gave up recovering (or a handler stalled): the process must be restarted. */
  get hasFailed(): boolean {
    // Judged now, not at the next tick: a process that was stopped answers its first request before its timers run.
    if (this.watchdog !== null) this.check();
    // Stays true through the shutdown that follows (stop() sets the state to stopped).
    return this.failure !== null;
  }

  /** What /readyz and the logs say about it. */
  describe(): { state: ConsumerState; consuming: boolean; blocked_partitions: string[]; out_since: string | null } {
    return {
      state: this.state,
      consuming: this.isConsuming,
      blocked_partitions: [...this.blockedPartitions],
      out_since: this.outSince === null ? null : new Date(this.outSince).toISOString(),
    };
  }

  /** Called once if the consumer fails for good (see `hasFailed`). */
  onFailure(listener: (error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  /** Joins the group; rejects if the first start fails (a service must not come up without its consumer). */
  async start(): Promise<void> {
    this.state = 'starting';
    this.outSince = Date.now();
    await this.startConsumer();
    this.watchdog = setInterval(() => this.check(), 1000);
    this.watchdog.unref();
  }

  /**
   * The group's lag on each of its topics, from the broker: the end of every partition minus the group's committed
   * offset there (a partition the group never committed counts from where a new group starts reading). It is the
   * group's, whichever instance owns the partitions, and it grows while the group is stopped or stuck, unlike a
   * lag measured from the batches a member receives. Rejects when Kafka does not answer.
   */
  async lag(): Promise<TopicLag[]> {
    const service = this.options.service ?? this.options.groupId;
    try {
      this.admin ??= this.kafka.admin();
      await this.admin.connect(); // kafkajs: a no-op once connected
      const admin = this.admin;
      const topics = [...this.byPhysicalName.keys()];
      const committed = await admin.fetchOffsets({ groupId: this.groupId, topics });
      const lags: TopicLag[] = [];
      for (const [physical, topic] of this.byPhysicalName) {
        const ends = await admin.fetchTopicOffsets(physical);
        const done = new Map((committed.find((entry) => entry.topic === physical)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        let messages = 0;
        for (const end of ends) {
          const high = Number(end.high);
          messages += partitionLag(high, done.get(end.partition) ?? -1, (this.options.fromBeginning ?? true) ? Number(end.low) : high);
        }
        lags.push({ service, topic, messages });
      }
      return lags;
    } catch (error) {
      const admin = this.admin;
      this.admin = null;
      await admin?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Finishes the batch in hand, commits it, and leaves the group. */
  async stop(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
    this.state = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect();
  }

  private inGroup(now: number): boolean {
    return this.state === 'consuming' && this.joined && now - this.lastContact <= this.settings.sessionTimeoutMs;
  }

  private contact(generation: number): void {
    // A process that was stopped reads, when it runs again, answers the broker sent before the stop (a heartbeat's
    // success): while the watchdog is overdue such an answer says nothing about the group now.
    if (this.watchdog !== null && Date.now() - this.lastTick > STALL_MS) return;
    if (generation === this.generation) this.lastContact = Date.now();
  }

  private async startConsumer(): Promise<void> {
    this.generation += 1;
    const generation = this.generation;
    this.joined = false;
    this.memberId = null;
    const heartbeatInterval = Math.max(300, Math.floor(this.settings.sessionTimeoutMs / 10));
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval,
      // Heartbeats go out between fetches: an idle fetch must return well within the session timeout.
      maxWaitTimeInMs: Math.min(this.options.gather?.maxWaitMs ?? 5000, 5000, Math.floor(this.settings.sessionTimeoutMs / 4)),
      ...(this.options.gather ? { minBytes: this.options.gather.minBytes } : {}),
      // This class restarts a crashed consumer itself, as a new instance: kafkajs' own restart does not cover
      // the crashes that need it most (a lost membership, restart: false).
      retry: { initialRetryTime: 100, retries: 8, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    // The partitions' batches of one fetch commit their offsets in one request.
    const commits = new TurnBatcher<OffsetCommit>((offsets) => consumer.commitOffsets(offsets));
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (generation !== this.generation) return;
      const continuous = this.memberId !== null && this.memberId === event.payload.memberId;
      this.memberId = event.payload.memberId;
      this.joined = true;
      this.everJoined = true;
      this.contact(generation);
      const assignment = new Map<T, number[]>();
      for (const [physical, partitions] of Object.entries(event.payload.memberAssignment)) {
        const topic = this.byPhysicalName.get(physical);
        if (topic !== undefined) assignment.set(topic, [...partitions]);
      }
      if (!continuous)
        this.logger.info({ group: this.groupId, member_id: event.payload.memberId, assignment: Object.fromEntries(assignment) }, 'consumer joined its group');
      this.options.onGroupJoin?.(assignment, { continuous });
    });
    consumer.on(consumer.events.HEARTBEAT, () => this.contact(generation));
    consumer.on(consumer.events.COMMIT_OFFSETS, () => this.contact(generation));
    consumer.on(consumer.events.CRASH, (event) => {
      if (generation !== this.generation || this.state === 'stopped' || this.state === 'failed') return;
      this.restart(event.payload.error, 'crashed');
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.byPhysicalName.keys()], fromBeginning: this.options.fromBeginning ?? true });
      await consumer.run({
        partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.consumeBatch(payload, generation, commits),
      });
    } catch (error) {
      if (generation === this.generation && this.state !== 'stopped') {
        await consumer.disconnect().catch(() => undefined);
        if (this.state === 'starting') throw error;
        this.restart(error, 'could not start');
      }
      return;
    }
    if (generation === this.generation && this.state !== 'stopped' && this.state !== 'failed') {
      this.state = 'consuming';
      this.contact(generation);
    }
  }

  /** A new kafkajs consumer after a delay that grows with each restart in a row. */
  private restart(error: unknown, what: string): void {
    if (this.state === 'stopped' || this.state === 'failed' || this.restartTimer) return;
    // Before the state changes: a member that stalled has been out since its session ran out, not since now.
    this.outSince ??= this.outageStart(Date.now());
    this.state = 'restarting';
    this.joined = false;
    const delay = RESTART_DELAYS_MS[Math.min(this.restarts, RESTART_DELAYS_MS.length - 1)] ?? 15000;
    this.restarts += 1;
    this.logger.error({ err: error, group: this.groupId, restart: this.restarts, delay_ms: delay }, `consumer ${what}; restarting it`);
    const old = this.consumer;
    this.generation += 1; // batches and events of the old consumer are ignored from here
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        if (this.state !== 'restarting') return;
        await this.startConsumer();
      })();
    }, delay);
    this.restartTimer.unref();
  }

  /** When the present time out of the group began: a member's session runs out a session timeout after its last word. */
  private outageStart(now: number): number {
    return this.state === 'consuming' && this.joined ? Math.min(now, this.lastContact + this.settings.sessionTimeoutMs) : now;
  }

  /** Every second: the time out of the group, a consumer gone silent, a handler that stalled. */
  private check(): void {
    if (this.state === 'stopped' || this.state === 'failed') return;
    const now = Date.now();
    if (now - this.lastTick > STALL_MS) this.resumedAt = now;
    this.lastTick = now;
    if (this.inGroup(now)) {
      if (this.outSince !== null) {
        this.logger.info({ group: this.groupId, out_ms: now - this.outSince }, 'consumer is consuming');
        this.restarts = 0;
      }
      this.outSince = null;
    } else {
      if (this.outSince === null) {
        this.outSince = this.outageStart(now);
        this.logger.warn({ group: this.groupId, ...this.describe() }, 'consumer is not consuming');
      }
      // kafkajs went quiet without a crash (no heartbeat for three session timeouts, no handler running): start afresh.
      const silent = now - Math.max(this.lastContact, this.resumedAt);
      if (this.state === 'consuming' && this.handlersRunning.size === 0 && silent > 3 * this.settings.sessionTimeoutMs) {
        this.restart(new Error(`no word from the group for ${silent} ms`), 'went silent');
      }
      if (now - this.outSince > this.settings.recoveryMs) {
        this.fail(new Error(`consumer of ${this.groupId} has not been back in its group for ${now - this.outSince} ms (limit ${this.settings.recoveryMs} ms)`));
        return;
      }
    }
    const oldest = Math.min(...this.handlersRunning.values());
    if (Number.isFinite(oldest) && now - oldest > this.settings.handlerTimeoutMs) {
      this.fail(new Error(`a batch handler of ${this.groupId} has been running for ${now - oldest} ms (limit ${this.settings.handlerTimeoutMs} ms)`));
    }
  }

  private fail(error: Error): void {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.state = 'failed';
    this.failure = error;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.logger.fatal({ err: error, group: this.groupId }, 'consumer gave up: the process needs a restart');
    for (const listener of this.failureListeners) listener(error);
  }

  get failureReason(): Error | null {
    return this.failure;
  }

  private async consumeBatch(payload: EachBatchPayload, generation: number, commits: TurnBatcher<OffsetCommit>): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs passes closures; its types declare them as methods
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const attempt: Attempt = {
      active: () => isRunning() && !isStale() && generation === this.generation && this.state !== 'stopped' && this.state !== 'failed',
      heartbeat: async () => {
        await heartbeat();
      },
    };
    if (!attempt.active()) return;
    const topic = this.byPhysicalName.get(batch.topic);
    if (topic === undefined) return;
    if (this.options.lingerMs && batch.messages.length < LINGER_BATCH) {
      await sleep(this.options.lingerMs);
      if (!attempt.active()) return;
    }
    const raw = new Map<string, KafkaMessage>();
    const items: ConsumedItem<T>[] = [];
    try {
      for (const message of batch.messages) {
        raw.set(message.offset, message);
        const at = pulseTime(message.headers);
        if (at !== null) {
          items.push({ kind: 'pulse', topic, partition: batch.partition, offset: message.offset, at });
          continue;
        }
        const beat = ingestBeatTime(message.headers);
        if (beat !== null) {
          items.push({ kind: 'beat', topic, partition: batch.partition, offset: message.offset, at: beat });
          continue;
        }
        try {
          items.push({
            kind: 'message',
            topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            payload: decodeMessage(topic, message.value ?? Buffer.alloc(0)),
          });
        } catch (error) {
          if (!(error instanceof ContractViolationError)) throw error;
          await this.deadLetter(topic, batch.partition, message, 'contract', 0, error, attempt);
        }
      }
      if (this.options.coalescePartitions) {
        // Pulses and beats alone are nothing for handleBatch: the offsets only move on.
        if (items.some((item) => item.kind === 'message')) await this.togetherBatcher(topic).add({ partition: batch.partition, items, raw, attempt });
      } else if (items.length > 0) await this.apply(topic, batch.partition, items, raw, attempt, true);
    } catch (error) {
      if (error instanceof BatchAbandoned) return;
      throw error;
    } finally {
      this.blockedPartitions.delete(`${topic}/${batch.partition}`);
    }
    if (!attempt.active()) return;
    const last = batch.messages[batch.messages.length - 1];
    if (last) {
      resolveOffset(last.offset);
      await commits.add({ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() });
    }
    await heartbeat();
  }

  private togetherBatcher(topic: T): TurnBatcher<PartitionBatch<T>> {
    let batcher = this.together.get(topic);
    if (!batcher) {
      batcher = new TurnBatcher((batches) => this.applyTogether(topic, batches), { serial: true });
      this.together.set(topic, batcher);
    }
    return batcher;
  }

  /**
   * `coalescePartitions`: one handler call for the batches of several partitions; if it fails, each batch alone, one
   * after the other, as `apply` handles a batch. Returns the failure of each batch (undefined where it was handled).
   */
  private async applyTogether(topic: T, batches: readonly PartitionBatch<T>[]): Promise<unknown[]> {
    const live = batches.filter((batch) => batch.attempt.active());
    if (live.length > 1) {
      const attempt: Attempt = { active: () => live.every((batch) => batch.attempt.active()), heartbeat: () => live[0]!.attempt.heartbeat() };
      try {
        await this.callHandler(
          live.flatMap((batch) => batch.items),
          attempt,
        );
        for (const batch of live) this.blockedPartitions.delete(`${topic}/${batch.partition}`);
        return batches.map((batch) => (live.includes(batch) ? undefined : new BatchAbandoned()));
      } catch (error) {
        this.logger.debug({ topic, partitions: live.map((batch) => batch.partition), err: error }, 'batches handled together failed: each partition alone');
      }
    }
    const failures: unknown[] = [];
    for (const batch of batches) {
      try {
        await this.apply(topic, batch.partition, batch.items, batch.raw, batch.attempt, true);
        failures.push(undefined);
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }

  /**
   * Applies `items` in order. A failure of a store that is unavailable is waited out (the partition stays where it
   * is). Any other failure is retried (`messageAttempts` for the whole batch), then the batch is split in halves
   * applied one after the other, each tried once and split again when it fails, down to single messages, which get
   * their full attempts before they are dead-lettered. Handlers are idempotent, so a repeat is harmless.
   */
  private async apply(
    topic: T,
    partition: number,
    items: ConsumedItem<T>[],
    raw: ReadonlyMap<string, KafkaMessage>,
    attempt: Attempt,
    whole: boolean,
  ): Promise<void> {
    const limit = whole || items.length === 1 ? this.settings.messageAttempts : 1;
    let failures = 0;
    let outages = 0;
    const blockKey = `${topic}/${partition}`;
    for (;;) {
      if (!attempt.active()) throw new BatchAbandoned();
      let kind: FailureKind;
      let failure: unknown;
      try {
        await this.callHandler(items, attempt);
        this.blockedPartitions.delete(blockKey);
        return;
      } catch (error) {
        if (error instanceof BatchAbandoned) throw error;
        failure = error;
        kind = classifyFailure(error);
      }
      const first = items[0]!;
      const span = { topic, partition, first_offset: first.offset, last_offset: items[items.length - 1]!.offset, messages: items.length };
      if (kind === 'unavailable') {
        outages += 1;
        this.blockedPartitions.add(blockKey);
        const delay = this.backoff(outages);
        this.logger.warn({ err: failure, ...span, retry_in_ms: delay, tries: outages }, 'Kafka or a store is unavailable: the partition waits for it');
        await this.wait(delay, attempt);
        continue;
      }
      this.blockedPartitions.delete(blockKey);
      failures += 1;
      if (failures < limit) {
        const delay = this.backoff(failures);
        this.logger.warn({ err: failure, ...span, kind, attempt: failures, of: limit, retry_in_ms: delay }, 'batch failed; retrying');
        await this.wait(delay, attempt);
        continue;
      }
      if (items.length === 1) {
        const message = raw.get(first.offset);
        if (message) await this.deadLetter(topic, partition, message, kind === 'rejected' ? 'rejected' : 'failed', failures, failure, attempt);
        return;
      }
      this.logger.warn({ err: failure, ...span, kind }, 'batch keeps failing; splitting it to find the messages at fault');
      const middle = Math.ceil(items.length / 2);
      await this.apply(topic, partition, items.slice(0, middle), raw, attempt, false);
      await this.apply(topic, partition, items.slice(middle), raw, attempt, false);
      return;
    }
  }

  /** One handler call, with heartbeats while it runs (a long batch must not cost the membership). */
  private async callHandler(items: ConsumedItem<T>[], attempt: Attempt): Promise<void> {
    const id = Symbol('handler');
    this.handlersRunning.set(id, Date.now());
    const beat = setInterval(
      () => {
        if (attempt.active()) attempt.heartbeat().catch(() => undefined);
      },
      Math.max(300, Math.floor(this.settings.sessionTimeoutMs / 5)),
    );
    try {
      if (this.options.handleItems) {
        await this.options.handleItems(items, { heartbeat: attempt.heartbeat });
      } else {
        const messages = items.filter((item): item is ConsumedMessage<T> => item.kind === 'message');
        if (messages.length > 0) await this.options.handleBatch(messages);
      }
    } finally {
      clearInterval(beat);
      this.handlersRunning.delete(id);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.settings.retryBaseMs * 2 ** Math.max(0, attempt - 1), this.settings.retryMaxMs);
  }

  /** Waits, heartbeating; gives up the batch once the consumer stops or the partition moves. */
  private async wait(ms: number, attempt: Attempt): Promise<void> {
    const slice = Math.max(100, Math.floor(this.settings.sessionTimeoutMs / 5));
    const until = Date.now() + ms;
    for (;;) {
      if (!attempt.active()) throw new BatchAbandoned();
      const left = until - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(slice, left));
      if (!attempt.active()) throw new BatchAbandoned();
      await attempt.heartbeat();
    }
  }

  /** Writes the dead letter (waiting for Kafka if it must), then logs and counts it. */
  private async deadLetter(
    topic: T,
    partition: number,
    message: KafkaMessage,
    reason: DeadLetterV1['reason'],
    attempts: number,
    error: unknown,
    attempt: Attempt,
  ): Promise<void> {
    const failure = describeFailure(error);
    const service = this.options.service ?? this.options.groupId;
    const letter: DeadLetterV1 = {
      version: 1,
      service,
      group: this.options.groupId,
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString('utf8').slice(0, 1024) ?? null,
      value_base64: message.value ? message.value.toString('base64') : null,
      pulse_at: pulseTime(message.headers),
      reason,
      attempts,
      error_name: failure.name,
      error_code: failure.code,
      error_message: failure.message,
      dead_at: Date.now(),
    };
    const sink = this.options.deadLetters;
    for (let tries = 1; sink; tries += 1) {
      try {
        await sink.produce('vigil.dead-letters.v1', this.options.groupId, letter);
        break;
      } catch (writeError) {
        if (writeError instanceof ContractViolationError) {
          this.logger.error({ err: writeError, topic, partition, offset: message.offset }, 'dead letter breaks its own contract: not written');
          break;
        }
        const delay = this.backoff(tries);
        this.logger.warn({ err: writeError, topic, partition, offset: message.offset, retry_in_ms: delay }, 'dead letter not written yet; the partition waits');
        await this.wait(delay, attempt);
      }
    }
    countDeadLetter(service, topic, reason);
    this.logger.error(
      {
        topic,
        partition,
        offset: message.offset,
        key: letter.key,
        group: this.options.groupId,
        reason,
        attempts,
        error_name: failure.name,
        error_code: failure.code,
        error: failure.message,
        written: sink !== undefined,
      },
      'message dead-lettered: its partition moves on without it',
    );
  }
}
