import {
  checkinMessageV1Example,
  confirmedCheckinEventId,
  monitorIdFor,
  PARTITION_POSITION_KEY,
  type CheckinMessageV1,
  type ProcessingErrorV1,
  type RunResultV1,
  type SchedulerStateV1,
} from '@vigil/contracts';
import { createLogger } from '@vigil/logging';
import { DetectionEngine, type SchedulerInput } from '../engine/detection-engine';
import { MonitorDirectory } from '../engine/monitor-directory';
import { FakeKafka } from './fake-kafka';
import { hourly, SECOND, T0 } from './detection-harness';

// Decision 0021: a Sentry check-in for a slug ingest did not know is published `unconfirmed` under the id the
// monitor would get; the scheduler confirms it (republishing a copy every consumer applies) or refuses it.

const logger = createLogger('unconfirmed-spec', 'silent');
const ORG = '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c';
const PROJECT = 7;
const SLUG = 'fast-job';
const MONITOR = monitorIdFor(PROJECT, SLUG);
const RUN = '00000000-0000-4000-8000-00000000abcd';
const WAIT = 10 * SECOND;
const noHeartbeat = { heartbeat: async () => undefined };

class Partition {
  private offset = 0;
  constructor(readonly partition = 5) {}

  checkin(status: 'in_progress' | 'ok' | 'error', at: number, existence?: CheckinMessageV1['monitor_existence'], eventId?: string): SchedulerInput {
    const payload: CheckinMessageV1 = {
      ...checkinMessageV1Example,
      event_id: eventId ?? `00000000-0000-4000-8000-${String(this.offset).padStart(12, '0')}`,
      organization_id: ORG,
      project_id: PROJECT,
      monitor_id: MONITOR,
      monitor_slug: SLUG,
      checkin_id: RUN,
      environment: 'production',
      status,
      run_match: 'exact',
      received_at: at,
      duration_ms: 5,
      ...(existence ? { monitor_existence: existence } : {}),
    };
    return { kind: 'message', topic: 'vigil.checkins.v1', partition: this.partition, offset: String(this.offset++), key: `${MONITOR}:production`, payload };
  }

  /** The scheduler's own copy, as it comes back through the partition. */
  copy(of: CheckinMessageV1): SchedulerInput {
    return { kind: 'message', topic: 'vigil.checkins.v1', partition: this.partition, offset: String(this.offset++), key: `${MONITOR}:production`, payload: of };
  }

  pulse(at: number): SchedulerInput {
    return { kind: 'pulse', topic: 'vigil.checkins.v1', partition: this.partition, offset: String(this.offset++), at };
  }
}

function known(directory: MonitorDirectory, slug = SLUG): void {
  directory.set({ id: MONITOR, identity: { organization_id: ORG, project_id: PROJECT, monitor_slug: slug }, config: hourly() });
}

function engineWith(directory: MonitorDirectory, kafka: FakeKafka, refreshed: string[][] = []): DetectionEngine {
  return new DetectionEngine(directory, kafka, kafka.readState, logger, {
    maxPulseAheadMs: 3_600_000,
    unconfirmedWaitMs: WAIT,
    now: () => T0,
    refreshMonitors: async (ids) => {
      refreshed.push([...ids]);
    },
  });
}

describe('unconfirmed check-ins (decision 0021)', () => {
  it('a closing check-in that overtook the check-in creating its monitor is confirmed once the monitor exists, and counts only as its copy', async () => {
    const kafka = new FakeKafka();
    const directory = new MonitorDirectory(logger);
    const engine = engineWith(directory, kafka);
    const p = new Partition();
    const close = p.checkin('ok', T0 + 2 * SECOND, 'unconfirmed');
    await engine.handle([close, p.checkin('in_progress', T0 + 2 * SECOND + 1), p.pulse(T0 + 3 * SECOND)], noHeartbeat);
    // The monitor is not in the directory yet (its NOTIFY is on its way): nothing is confirmed, nothing refused.
    expect(kafka.of<CheckinMessageV1>('vigil.checkins.v1')).toEqual([]);
    expect(kafka.of<ProcessingErrorV1>('vigil.processing-errors.v1')).toEqual([]);

    known(directory);
    engine.monitorChanged(MONITOR);
    await engine.handle([p.pulse(T0 + 4 * SECOND)], noHeartbeat);
    const copies = kafka.of<CheckinMessageV1>('vigil.checkins.v1');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toEqual({
      ...(close.kind === 'message' ? close.payload : null),
      event_id: confirmedCheckinEventId(close.kind === 'message' ? close.payload.event_id : ''),
      monitor_existence: 'confirmed',
    });
    expect(kafka.log.find((w) => w.topic === 'vigil.checkins.v1')?.key).toBe(`${MONITOR}:production`);
    // The unconfirmed original reported no result; the copy, where it comes back, closes the run that opened.
    expect(kafka.of<RunResultV1>('vigil.run-results.v1')).toEqual([]);
    await engine.handle([p.copy(copies[0]!)], noHeartbeat);
    expect(kafka.of<RunResultV1>('vigil.run-results.v1').map((result) => [result.kind, result.checkin_id])).toEqual([['ok', RUN]]);
    expect(engine.detector(5)?.track(MONITOR, 'production')?.openRuns).toEqual([]);
  });

  it('one whose monitor never comes is refused as unknown_monitor once event time is the wait past it, after a last look at the source of truth', async () => {
    const kafka = new FakeKafka();
    const refreshed: string[][] = [];
    const engine = engineWith(new MonitorDirectory(logger), kafka, refreshed);
    const p = new Partition();
    await engine.handle([p.checkin('error', T0, 'unconfirmed'), p.pulse(T0 + WAIT - 1)], noHeartbeat);
    expect(refreshed).toEqual([]);
    expect(kafka.of<ProcessingErrorV1>('vigil.processing-errors.v1')).toEqual([]);

    await engine.handle([p.pulse(T0 + WAIT)], noHeartbeat);
    expect(refreshed).toEqual([[MONITOR]]);
    const [refusal, ...more] = kafka.of<ProcessingErrorV1>('vigil.processing-errors.v1');
    expect(more).toEqual([]);
    expect(refusal).toMatchObject({
      project_id: PROJECT,
      organization_id: ORG,
      monitor_slug: SLUG,
      environment: 'production',
      errors: [{ code: 'unknown_monitor', field: 'monitor_slug' }],
      received_at: T0,
    });
    expect(JSON.parse(refusal!.payload!)).toEqual({ monitor_slug: SLUG, status: 'error', environment: 'production', check_in_id: RUN, duration: 0.005 });
    expect(kafka.of<CheckinMessageV1>('vigil.checkins.v1')).toEqual([]);
    expect(engine.detector(5)?.trackCount).toBe(0);
  });

  it('the last look finds a monitor the directory had not heard of yet: confirmed, not refused', async () => {
    const kafka = new FakeKafka();
    const directory = new MonitorDirectory(logger);
    const engine = new DetectionEngine(directory, kafka, kafka.readState, logger, {
      maxPulseAheadMs: 3_600_000,
      unconfirmedWaitMs: WAIT,
      refreshMonitors: async () => {
        known(directory);
        engine.monitorChanged(MONITOR);
      },
    });
    const p = new Partition();
    await engine.handle([p.checkin('ok', T0, 'unconfirmed'), p.pulse(T0 + WAIT + SECOND)], noHeartbeat);
    expect(kafka.of<CheckinMessageV1>('vigil.checkins.v1').map((copy) => copy.monitor_existence)).toEqual(['confirmed']);
    expect(kafka.of<ProcessingErrorV1>('vigil.processing-errors.v1')).toEqual([]);
  });

  it('a monitor renamed away from the slug does not take its check-ins: the id matches, the slug does not', async () => {
    const kafka = new FakeKafka();
    const directory = new MonitorDirectory(logger);
    known(directory, 'renamed-job');
    const engine = engineWith(directory, kafka);
    const p = new Partition();
    await engine.handle([p.checkin('ok', T0, 'unconfirmed'), p.pulse(T0 + WAIT)], noHeartbeat);
    expect(kafka.of<CheckinMessageV1>('vigil.checkins.v1')).toEqual([]);
    expect(kafka.of<ProcessingErrorV1>('vigil.processing-errors.v1').map((error) => error.errors[0]!.code)).toEqual(['unknown_monitor']);
  });

  it('waiting check-ins are part of the partition position: a restore after a crash still confirms them', async () => {
    const kafka = new FakeKafka();
    const directory = new MonitorDirectory(logger);
    const p = new Partition();
    await engineWith(directory, kafka).handle([p.checkin('ok', T0, 'unconfirmed'), p.pulse(T0 + SECOND)], noHeartbeat);
    const position = kafka
      .of<SchedulerStateV1>('vigil.scheduler-state.v1')
      .filter((record) => record.kind === 'partition')
      .pop();
    expect(position?.position?.waiting?.map((checkin) => checkin.monitor_slug)).toEqual([SLUG]);
    expect(kafka.log.filter((w) => w.topic === 'vigil.scheduler-state.v1').pop()?.key).toBe(PARTITION_POSITION_KEY);

    // Another instance takes the partition; the monitor exists by then.
    known(directory);
    const successor = engineWith(directory, kafka);
    await successor.handle([p.pulse(T0 + 2 * SECOND)], noHeartbeat);
    expect(kafka.of<CheckinMessageV1>('vigil.checkins.v1').map((copy) => copy.monitor_existence)).toEqual(['confirmed']);
    const last = kafka
      .of<SchedulerStateV1>('vigil.scheduler-state.v1')
      .filter((record) => record.kind === 'partition')
      .pop();
    expect(last?.position?.waiting).toBeUndefined();
  });
});
