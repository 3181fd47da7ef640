import { checkinMessageV1Example, PARTITION_POSITION_KEY, type MonitorEventV1 } from '@vigil/contracts';
import { createLogger } from '@vigil/logging';
import type { MonitorConfigInput } from '../detection';
import { DetectionEngine, type SchedulerInput } from '../engine/detection-engine';
import { MonitorDirectory } from '../engine/monitor-directory';
import { FakeKafka } from './fake-kafka';
import { HOUR, hourly, MINUTE, SECOND, T0 } from './detection-harness';

const logger = createLogger('engine-spec', 'silent');
const MONITOR = '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b';
const OTHER = '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3c';
const ORG = '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c';
const RUN = '00000000-0000-4000-8000-00000000abcd';
const noHeartbeat = { heartbeat: async () => undefined };

function directory(monitors: Array<[string, MonitorConfigInput]> = [[MONITOR, hourly()]]): MonitorDirectory {
  const found = new MonitorDirectory(logger);
  for (const [id, config] of monitors) found.set({ id, identity: { organization_id: ORG, project_id: 1, monitor_slug: `slug-${id.slice(-2)}` }, config });
  return found;
}

/** Builds the items of one partition with consecutive offsets, as the consumer would deliver them. */
class Partition {
  private offset = 0;
  constructor(readonly partition = 3) {}

  checkin(status: 'in_progress' | 'ok' | 'error', at: number, checkinId = RUN, monitorId = MONITOR): SchedulerInput {
    return {
      kind: 'message',
      topic: 'vigil.checkins.v1',
      partition: this.partition,
      offset: String(this.offset++),
      key: `${monitorId}:production`,
      payload: {
        ...checkinMessageV1Example,
        checkin_id: checkinId,
        monitor_id: monitorId,
        environment: 'production',
        status,
        run_match: 'exact',
        received_at: at,
        duration_ms: null,
      },
    };
  }

  pulse(at: number): SchedulerInput {
    return { kind: 'pulse', topic: 'vigil.checkins.v1', partition: this.partition, offset: String(this.offset++), at };
  }

  /** Ingest beats every second over [from, to] (decision 0023). */
  beats(from: number, to: number): SchedulerInput[] {
    const items: SchedulerInput[] = [];
    for (let at = from; at <= to; at += SECOND)
      items.push({ kind: 'beat', topic: 'vigil.checkins.v1', partition: this.partition, offset: String(this.offset++), at });
    return items;
  }
}

const slotsOf = (events: MonitorEventV1[]) => events.map((event) => `${event.kind}@${(event.slot - T0) / HOUR}h`);

describe('detection engine: publishing, changelog and restore', () => {
  it('publishes outcomes and state changes, then the changed tracks and the partition position', async () => {
    const kafka = new FakeKafka();
    const engine = new DetectionEngine(directory(), kafka, kafka.readState, logger);
    const p = new Partition();
    await engine.handle([p.checkin('ok', T0 + 10 * SECOND, RUN), p.pulse(T0 + HOUR + 6 * MINUTE)], noHeartbeat);

    expect(slotsOf(kafka.events())).toEqual(['missed@1h']);
    expect(kafka.states().map((state) => `${state.from}->${state.to}`)).toEqual(['new->ok', 'ok->missed']);
    expect(kafka.states()[1]!.event_id).toBe(`${MONITOR}:production:${T0 + HOUR + 6 * MINUTE}:missed`);
    const topics = kafka.log.map((written) => written.topic);
    expect(topics.lastIndexOf('vigil.monitor-events.v1')).toBeLessThan(topics.indexOf('vigil.scheduler-state.v1'));
    const state = kafka.log.filter((written) => written.topic === 'vigil.scheduler-state.v1');
    expect(state.map((written) => [written.key, written.partition])).toEqual([
      [`${MONITOR}:production`, 3],
      [PARTITION_POSITION_KEY, 3],
    ]);
    expect(JSON.parse(state[1]!.value!)).toMatchObject({ kind: 'partition', position: { clock: T0 + HOUR + 6 * MINUTE, offset: '1' } });

    // Pulses with nothing due change no track: nothing is written to the changelog for them.
    const before = kafka.log.length;
    await engine.handle([p.pulse(T0 + HOUR + 7 * MINUTE), p.pulse(T0 + HOUR + 8 * MINUTE)], noHeartbeat);
    expect(kafka.log.length).toBe(before);
  });

  it('run results: reported results and detected outcomes in one ordered stream; a start, and an ok for a timed-out run, are not results', async () => {
    const kafka = new FakeKafka();
    const engine = new DetectionEngine(directory(), kafka, kafka.readState, logger);
    const p = new Partition();
    const slow = '00000000-0000-4000-8000-000000000005';
    await engine.handle(
      [
        p.checkin('ok', T0 + 10 * SECOND, '00000000-0000-4000-8000-000000000001'),
        p.pulse(T0 + HOUR + 6 * MINUTE),
        p.checkin('error', T0 + 2 * HOUR + 5 * SECOND, '00000000-0000-4000-8000-000000000002'),
        p.checkin('in_progress', T0 + 3 * HOUR + 5 * SECOND, slow),
        p.pulse(T0 + 3 * HOUR + 30 * MINUTE),
        p.checkin('ok', T0 + 3 * HOUR + 40 * MINUTE, slow),
      ],
      noHeartbeat,
    );
    expect(kafka.results().map((result) => `${result.kind}@${result.slot === null ? '-' : (result.slot - T0) / HOUR}`)).toEqual([
      'ok@0',
      'missed@1',
      'error@2',
      'timeout@3',
    ]);
    expect(kafka.results()[1]!.event_id).toBe(kafka.events()[0]!.event_id);
    expect(kafka.results()[3]!.checkin_id).toBe(slow);
  });

  it('a partition moved to another instance continues from the changelog: the same events as without the move', async () => {
    const p = new Partition();
    const items = [
      p.checkin('ok', T0 + 10 * SECOND, RUN),
      p.pulse(T0 + 30 * MINUTE),
      p.checkin('in_progress', T0 + 2 * HOUR + 5 * SECOND, '00000000-0000-4000-8000-000000000002'),
      p.pulse(T0 + 2 * HOUR + 10 * MINUTE),
      p.pulse(T0 + 3 * HOUR + 6 * MINUTE),
      p.pulse(T0 + 4 * HOUR + 6 * MINUTE),
    ];
    const straight = new FakeKafka();
    const unmoved = new DetectionEngine(directory(), straight, straight.readState, logger);
    await unmoved.handle(items, noHeartbeat);

    const moved = new FakeKafka();
    const first = new DetectionEngine(directory(), moved, moved.readState, logger);
    await first.handle(items.slice(0, 4), noHeartbeat);
    first.assigned([]); // the partition went elsewhere
    const second = new DetectionEngine(directory(), moved, moved.readState, logger);
    // The rebalance cut the commit short: the new owner gets the last two records again, then the rest.
    await second.handle(items.slice(2), noHeartbeat);

    expect(slotsOf(moved.events())).toEqual(slotsOf(straight.events()));
    expect(slotsOf(straight.events())).toEqual(['missed@1h', 'timeout@2h', 'missed@3h', 'missed@4h']);
    expect(second.detector(3)?.track(MONITOR, 'production')?.snapshot()).toEqual(unmoved.detector(3)?.track(MONITOR, 'production')?.snapshot());
  });

  it('a failed publish drops the partition; the redelivered batch is applied to the restored state and repeats the same ids', async () => {
    const kafka = new FakeKafka();
    const engine = new DetectionEngine(directory(), kafka, kafka.readState, logger);
    const p = new Partition();
    await engine.handle([p.checkin('ok', T0 + 10 * SECOND)], noHeartbeat);
    const batch = [p.pulse(T0 + HOUR + 6 * MINUTE), p.pulse(T0 + 2 * HOUR + 6 * MINUTE)];
    kafka.failNext = true;
    await expect(engine.handle(batch, noHeartbeat)).rejects.toThrow('broker unavailable');
    expect(engine.detector(3)).toBeUndefined();
    kafka.failNext = false;
    await engine.handle(batch, noHeartbeat);
    expect(slotsOf(kafka.events())).toEqual(['missed@1h', 'missed@2h']);
  });

  it('a check-in that reaches the scheduler before its monitor does is credited when the monitor arrives: no false miss or timeout', async () => {
    const kafka = new FakeKafka();
    const known = directory([]);
    const engine = new DetectionEngine(known, kafka, kafka.readState, logger);
    const p = new Partition();
    await engine.handle([p.pulse(T0), p.checkin('in_progress', T0 + 5 * SECOND), p.pulse(T0 + SECOND)], noHeartbeat);
    known.set({ id: MONITOR, identity: { organization_id: ORG, project_id: 1, monitor_slug: 'late-config' }, config: hourly() });
    engine.monitorChanged(MONITOR);
    await engine.handle([p.checkin('ok', T0 + 2 * MINUTE), p.pulse(T0 + 50 * MINUTE), p.pulse(T0 + HOUR + 6 * MINUTE)], noHeartbeat);
    expect(slotsOf(kafka.events())).toEqual(['missed@1h']);
    expect(kafka.states().map((state) => state.to)).toEqual(['ok', 'missed']);
  });

  it('a monitor paused in Postgres produces nothing until resumed, then starts as new', async () => {
    const kafka = new FakeKafka();
    const known = directory();
    const engine = new DetectionEngine(known, kafka, kafka.readState, logger);
    const p = new Partition();
    const identity = { organization_id: ORG, project_id: 1, monitor_slug: 'paused' };
    await engine.handle([p.checkin('ok', T0 + 10 * SECOND)], noHeartbeat);
    known.set({ id: MONITOR, identity, config: hourly({ status: 'paused' }) });
    engine.monitorChanged(MONITOR);
    await engine.handle([p.pulse(T0 + 5 * HOUR)], noHeartbeat);
    known.set({ id: MONITOR, identity, config: hourly() });
    engine.monitorChanged(MONITOR);
    await engine.handle([p.pulse(T0 + 10 * HOUR)], noHeartbeat);
    expect(kafka.events()).toEqual([]);
    expect(kafka.states().map((state) => state.to)).toEqual(['ok', 'paused', 'new']);
  });

  it('a success ping that overtakes the resume it caused is counted: the engine reads the paused monitor again first', async () => {
    const identity = { organization_id: ORG, project_id: 1, monitor_slug: 'pausable' };
    const ping = (p: Partition, at: number): SchedulerInput => {
      const item = p.checkin('ok', at, '00000000-0000-4000-8000-0000000000aa');
      return item.kind === 'message' ? { ...item, payload: { ...item.payload, source: 'ping', run_match: 'latest_open' } } : item;
    };
    const run = async (refresh: boolean): Promise<{ states: string[]; refreshed: string[][] }> => {
      const kafka = new FakeKafka();
      const known = directory();
      // What Postgres holds once ingest committed the resume; the directory hears of it only by NOTIFY.
      const postgres = { id: MONITOR, identity, config: hourly() };
      const refreshed: string[][] = [];
      const engine: DetectionEngine = new DetectionEngine(known, kafka, kafka.readState, logger, {
        maxPulseAheadMs: 3_600_000,
        ...(refresh
          ? {
              refreshMonitors: async (ids: readonly string[]) => {
                refreshed.push([...ids]);
                known.set(postgres);
                for (const id of ids) engine.monitorChanged(id);
              },
            }
          : {}),
      });
      const p = new Partition();
      await engine.handle([p.checkin('ok', T0 + 10 * SECOND)], noHeartbeat);
      known.set({ id: MONITOR, identity, config: hourly({ status: 'paused' }) });
      engine.monitorChanged(MONITOR);
      await engine.handle([p.pulse(T0 + 5 * HOUR)], noHeartbeat);
      // A start does not resume (Healthchecks): no read.
      await engine.handle([p.checkin('in_progress', T0 + 5 * HOUR + SECOND, '00000000-0000-4000-8000-0000000000ab')], noHeartbeat);
      await engine.handle([ping(p, T0 + 5 * HOUR + 2 * SECOND)], noHeartbeat);
      return { states: kafka.states().map((state) => state.to), refreshed };
    };

    const withRefresh = await run(true);
    expect(withRefresh.refreshed).toEqual([[MONITOR]]);
    expect(withRefresh.states).toEqual(['ok', 'paused', 'new', 'ok']);
    // Without the read the ping meets a paused monitor and is dropped: the check would stay paused (or new).
    expect((await run(false)).states).toEqual(['ok', 'paused']);
  });

  it('a pulse dated far ahead of the host clock is skipped, not allowed to miss every slot up to it', async () => {
    const kafka = new FakeKafka();
    const engine = new DetectionEngine(directory(), kafka, kafka.readState, logger, { maxPulseAheadMs: HOUR, now: () => T0 + HOUR });
    const p = new Partition();
    await engine.handle([p.checkin('ok', T0 + 10 * SECOND), p.pulse(T0 + 500 * 24 * HOUR), p.pulse(T0 + HOUR + 6 * MINUTE)], noHeartbeat);
    expect(slotsOf(kafka.events())).toEqual(['missed@1h']);
    expect(engine.detector(3)?.clock).toBe(T0 + HOUR + 6 * MINUTE);
  });

  it('a deleted monitor leaves a tombstone, so a restore does not bring its track back', async () => {
    const kafka = new FakeKafka();
    const known = directory([
      [MONITOR, hourly()],
      [OTHER, hourly()],
    ]);
    const engine = new DetectionEngine(known, kafka, kafka.readState, logger);
    const p = new Partition();
    await engine.handle([p.checkin('ok', T0 + 10 * SECOND), p.checkin('ok', T0 + 20 * SECOND, RUN, OTHER)], noHeartbeat);
    known.delete(MONITOR);
    engine.monitorChanged(MONITOR);
    await engine.handle([p.pulse(T0 + MINUTE)], noHeartbeat);
    expect(kafka.log.some((written) => written.key === `${MONITOR}:production` && written.value === null)).toBe(true);

    const restored = new DetectionEngine(known, kafka, kafka.readState, logger);
    await restored.restore([3]);
    expect(restored.detector(3)?.track(MONITOR, 'production')).toBeUndefined();
    expect(restored.detector(3)?.track(OTHER, 'production')?.state).toBe('ok');
    expect(restored.detector(3)?.clock).toBe(T0 + MINUTE);
    // Every later snapshot of a track replaced the earlier one: no stale queue entry is left keeping them alive.
    expect(restored.detector(3)?.queuedCount).toBeLessThanOrEqual(restored.detector(3)!.trackCount);
  });

  describe('an environment dropped through the API (decision 0018)', () => {
    const identity = { organization_id: ORG, project_id: 1, monitor_slug: 'slug-3b' };
    const staging = (p: Partition, at: number): SchedulerInput => {
      const item = p.checkin('ok', at) as Extract<SchedulerInput, { kind: 'message' }>;
      return { ...item, key: `${MONITOR}:staging`, payload: { ...item.payload, environment: 'staging' } };
    };

    it('the directory reports a drop once, when it is newer than the one it had, and never on first sight', () => {
      const known = new MonitorDirectory(logger);
      expect(known.update({ id: MONITOR, identity, config: hourly(), dropped: new Map([['staging', 100]]) }).newlyDropped).toEqual([]);
      expect(known.droppedAt(MONITOR, 'staging')).toBe(100);
      expect(known.update({ id: MONITOR, identity, config: hourly(), dropped: new Map([['staging', 100]]) }).newlyDropped).toEqual([]);
      expect(
        known.update({
          id: MONITOR,
          identity,
          config: hourly(),
          dropped: new Map([
            ['staging', 200],
            ['qa', 50],
          ]),
        }).newlyDropped,
      ).toEqual([
        ['staging', 200],
        ['qa', 50],
      ]);
      expect([...known.monitorsWithDrops()]).toEqual([MONITOR]);
      known.update({ id: MONITOR, identity, config: hourly() });
      expect(known.droppedAt(MONITOR, 'staging')).toBeNull();
      expect([...known.monitorsWithDrops()]).toEqual([]);
    });

    it('drops the track with a tombstone and raises no miss for it; older check-ins are ignored, a later one starts it anew', async () => {
      const kafka = new FakeKafka();
      const known = directory();
      const engine = new DetectionEngine(known, kafka, kafka.readState, logger);
      const p = new Partition();
      await engine.handle([p.checkin('ok', T0 + 10 * SECOND), staging(p, T0 + 10 * SECOND), p.pulse(T0 + 30 * MINUTE)], noHeartbeat);
      expect(engine.detector(3)?.track(MONITOR, 'staging')?.state).toBe('ok');

      const dropAt = T0 + 40 * MINUTE;
      const { newlyDropped } = known.update({ id: MONITOR, identity, config: hourly(), dropped: new Map([['staging', dropAt]]) });
      engine.environmentsDropped(MONITOR, newlyDropped);
      expect(engine.detector(3)?.track(MONITOR, 'staging')).toBeUndefined();
      // A check-in received before the drop, judged after it: ignored.
      await engine.handle([staging(p, dropAt - MINUTE), p.pulse(T0 + HOUR + 6 * MINUTE)], noHeartbeat);
      expect(engine.detector(3)?.track(MONITOR, 'staging')).toBeUndefined();
      expect(kafka.events().map((event) => `${event.environment}:${(event.slot - T0) / HOUR}h`)).toEqual(['production:1h']);
      const tombstones = kafka.log.filter((written) => written.key === `${MONITOR}:staging` && written.value === null);
      expect(tombstones.map((written) => written.partition)).toEqual([3]);

      const restored = new DetectionEngine(known, kafka, kafka.readState, logger);
      await restored.restore([3]);
      expect(restored.detector(3)?.track(MONITOR, 'staging')).toBeUndefined();
      expect(restored.detector(3)?.track(MONITOR, 'production')?.state).toBe('missed');

      // A check-in after the drop: a new track, judged from then on.
      await restored.handle([staging(p, T0 + 2 * HOUR + 10 * SECOND), p.pulse(T0 + 3 * HOUR + 6 * MINUTE)], noHeartbeat);
      expect(restored.detector(3)?.track(MONITOR, 'staging')?.state).toBe('missed');
      expect(
        kafka
          .events()
          .filter((event) => event.environment === 'staging')
          .map((event) => `${(event.slot - T0) / HOUR}h`),
      ).toEqual(['3h']);
    });

    it('a restore applies a drop at or after its position (the instance that had it may have stopped first), not an earlier one', async () => {
      const kafka = new FakeKafka();
      const engine = new DetectionEngine(directory(), kafka, kafka.readState, logger);
      const p = new Partition();
      await engine.handle([p.checkin('ok', T0 + 10 * SECOND), staging(p, T0 + 10 * SECOND), p.pulse(T0 + 30 * MINUTE)], noHeartbeat);

      const withDrop = (at: number): MonitorDirectory => {
        const known = new MonitorDirectory(logger);
        known.set({ id: MONITOR, identity, config: hourly(), dropped: new Map([['staging', at]]) });
        return known;
      };
      const late = new DetectionEngine(withDrop(T0 + 40 * MINUTE), kafka, kafka.readState, logger);
      await late.restore([3]);
      expect(late.detector(3)?.track(MONITOR, 'staging')).toBeUndefined();
      expect(late.detector(3)?.track(MONITOR, 'production')?.state).toBe('ok');
      // Its tombstone goes with the partition's next batch.
      await late.handle([p.pulse(T0 + 31 * MINUTE)], noHeartbeat);
      expect(kafka.log.some((written) => written.key === `${MONITOR}:staging` && written.value === null)).toBe(true);

      const kafka2 = new FakeKafka();
      const writer = new DetectionEngine(directory(), kafka2, kafka2.readState, logger);
      const q = new Partition();
      await writer.handle([staging(q, T0 + 10 * SECOND), q.pulse(T0 + 30 * MINUTE)], noHeartbeat);
      const early = new DetectionEngine(withDrop(T0 + 20 * MINUTE), kafka2, kafka2.readState, logger);
      await early.restore([3]);
      expect(early.detector(3)?.track(MONITOR, 'staging')?.state).toBe('ok');
    });
  });

  describe('the outage guard: a miss while ingest is silent is unknown (decision 0023)', () => {
    const guard = { beats: { silenceMs: 10 * SECOND, freshMs: 3 * SECOND } };
    const DEADLINE_1H = T0 + HOUR + 5 * MINUTE;

    it('misses whose window overlaps a silence of ingest are published as unknown, alerting nobody; a miss after ingest is back is a miss', async () => {
      const kafka = new FakeKafka();
      const acknowledged: number[] = [];
      const engine = new DetectionEngine(directory(), kafka, kafka.readState, logger, {
        maxPulseAheadMs: 365 * 24 * HOUR,
        outageGuard: guard,
        acknowledged: (dueAt) => acknowledged.push(dueAt),
      });
      const p = new Partition();
      const silentFrom = T0 + HOUR + 3 * MINUTE;
      const backAt = T0 + 2 * HOUR + 30 * MINUTE;
      await engine.handle(
        [
          ...p.beats(T0, T0 + 20 * SECOND),
          p.checkin('ok', T0 + 10 * SECOND),
          p.pulse(T0 + 20 * SECOND),
          ...p.beats(silentFrom - 5 * SECOND, silentFrom),
          p.pulse(silentFrom + 2 * SECOND),
          // ingest is killed: no beat until backAt
          p.pulse(T0 + HOUR + 6 * MINUTE),
          p.pulse(T0 + 2 * HOUR + 6 * MINUTE),
          ...p.beats(backAt, backAt + 2 * SECOND),
          p.pulse(backAt + 2 * SECOND),
          ...p.beats(T0 + 3 * HOUR + 6 * MINUTE - 2 * SECOND, T0 + 3 * HOUR + 6 * MINUTE),
          p.pulse(T0 + 3 * HOUR + 6 * MINUTE),
        ],
        noHeartbeat,
      );
      expect(slotsOf(kafka.events())).toEqual(['unknown@1h', 'unknown@2h', 'missed@3h']);
      expect(kafka.events().map((event) => event.event_id.split(':').pop())).toEqual(['unknown', 'unknown', 'missed']);
      expect(kafka.results().map((result) => result.kind)).toEqual(['ok', 'unknown', 'unknown', 'missed']);
      // The detection delay is of what alerts: only the real miss.
      expect(acknowledged).toEqual([T0 + 3 * HOUR + 5 * MINUTE]);
      // An unknown slot is no result: the monitor was up and stays up (late from its slot while held in doubt, ok
      // again once the slot is judged unknown); the real miss after the recovery takes it down.
      expect(kafka.states().map((state) => `${state.from}->${state.to}`)).toEqual(['new->ok', 'ok->late', 'late->ok', 'ok->missed']);
    });

    /** An ok, beats until 4 s before the 1h deadline, then a pulse past it: the miss is held, ingest in doubt. */
    async function heldMiss(): Promise<{ kafka: FakeKafka; engine: DetectionEngine; p: Partition }> {
      const kafka = new FakeKafka();
      const engine = new DetectionEngine(directory(), kafka, kafka.readState, logger, { maxPulseAheadMs: 365 * 24 * HOUR, outageGuard: guard });
      const p = new Partition();
      await engine.handle(
        [...p.beats(T0, T0 + 20 * SECOND), p.checkin('ok', T0 + 10 * SECOND), ...p.beats(DEADLINE_1H - 30 * SECOND, DEADLINE_1H - 4 * SECOND)],
        noHeartbeat,
      );
      await engine.handle([p.pulse(DEADLINE_1H + SECOND)], noHeartbeat);
      expect(kafka.events()).toEqual([]);
      return { kafka, engine, p };
    }

    it('while beats are overdue but ingest is not yet silent, the miss waits: a beat then makes it a miss', async () => {
      const { kafka, engine, p } = await heldMiss();
      expect(engine.detector(3)?.clock).toBe(DEADLINE_1H - SECOND);
      await engine.handle([...p.beats(DEADLINE_1H + 2 * SECOND, DEADLINE_1H + 2 * SECOND), p.pulse(DEADLINE_1H + 3 * SECOND)], noHeartbeat);
      expect(slotsOf(kafka.events())).toEqual(['missed@1h']);
    });

    it('while beats are overdue, the miss waits: the silence reaching its bound makes it unknown', async () => {
      const { kafka, engine, p } = await heldMiss();
      await engine.handle([p.pulse(DEADLINE_1H + 7 * SECOND)], noHeartbeat);
      expect(slotsOf(kafka.events())).toEqual(['unknown@1h']);
    });

    it('a partition moved mid-silence continues from the changelog with the same verdicts', async () => {
      const p = new Partition();
      const items = [
        ...p.beats(T0, T0 + 20 * SECOND),
        p.checkin('ok', T0 + 10 * SECOND),
        p.pulse(T0 + 20 * SECOND),
        p.pulse(T0 + HOUR + 6 * MINUTE), // silent since T0 + 23 s: unknown
        p.pulse(T0 + 2 * HOUR + 6 * MINUTE),
        ...p.beats(T0 + 2 * HOUR + 10 * MINUTE, T0 + 2 * HOUR + 10 * MINUTE + 2 * SECOND),
        p.pulse(T0 + 2 * HOUR + 10 * MINUTE + 2 * SECOND),
        ...p.beats(T0 + 3 * HOUR + 6 * MINUTE - SECOND, T0 + 3 * HOUR + 6 * MINUTE),
        p.pulse(T0 + 3 * HOUR + 6 * MINUTE),
      ];
      const options = { maxPulseAheadMs: 365 * 24 * HOUR, outageGuard: guard };
      const straight = new FakeKafka();
      await new DetectionEngine(directory(), straight, straight.readState, logger, options).handle(items, noHeartbeat);
      expect(slotsOf(straight.events())).toEqual(['unknown@1h', 'unknown@2h', 'missed@3h']);

      const moved = new FakeKafka();
      const first = new DetectionEngine(directory(), moved, moved.readState, logger, options);
      await first.handle(items.slice(0, 24), noHeartbeat); // up to the first miss, in the silence
      first.assigned([]);
      const second = new DetectionEngine(directory(), moved, moved.readState, logger, options);
      await second.handle(items.slice(24), noHeartbeat);
      expect(slotsOf(moved.events())).toEqual(slotsOf(straight.events()));
    });

    it("the instance's volume rule marks the misses it covers; with the guard off every miss is a miss", async () => {
      const p = new Partition();
      const items = [p.checkin('ok', T0 + 10 * SECOND), p.pulse(T0 + HOUR + 6 * MINUTE), p.pulse(T0 + 2 * HOUR + 6 * MINUTE)];
      const collapse = { from: T0 + HOUR + 30 * MINUTE, to: T0 + 2 * HOUR + 10 * MINUTE };
      const guarded = new FakeKafka();
      await new DetectionEngine(directory(), guarded, guarded.readState, logger, {
        maxPulseAheadMs: 365 * 24 * HOUR,
        outageGuard: { ...guard, covers: (from, to) => from < collapse.to && to >= collapse.from },
      }).handle(items, noHeartbeat);
      expect(slotsOf(guarded.events())).toEqual(['missed@1h', 'unknown@2h']);

      // Off: beats are read and ignored, and a silence of hours changes nothing.
      const q = new Partition();
      const off = new FakeKafka();
      await new DetectionEngine(directory(), off, off.readState, logger, { maxPulseAheadMs: 365 * 24 * HOUR }).handle(
        [...q.beats(T0, T0 + 2 * SECOND), q.checkin('ok', T0 + 10 * SECOND), q.pulse(T0 + HOUR + 6 * MINUTE), q.pulse(T0 + 2 * HOUR + 6 * MINUTE)],
        noHeartbeat,
      );
      expect(slotsOf(off.events())).toEqual(['missed@1h', 'missed@2h']);
    });
  });
});
