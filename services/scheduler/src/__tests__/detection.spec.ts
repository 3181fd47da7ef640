import { assertPayload } from '@vigil/contracts';
import { COLLAPSED_MISS_EVERY_MS, MISS_STREAK_LIMIT, PartitionDetector, toMonitorEventV1, type MissedOutcome } from '../detection';
import { DAY, ENV, HOUR, Harness, hourly, iso, MINUTE, MONITOR, runId, SECOND, T0 } from './detection-harness';

describe('detection: slots and misses', () => {
  it('a track with no check-in is new and never missed, even after days of pulses (a log does not count)', () => {
    const h = new Harness().monitor(hourly());
    h.every(MINUTE, T0, T0 + 6 * HOUR);
    expect(h.detector.trackCount).toBe(0);
    h.checkin('log', T0 + 6 * HOUR + 10 * SECOND);
    h.every(MINUTE, T0 + 6 * HOUR, T0 + 2 * DAY);
    expect(h.outcomes).toEqual([]);
    expect(h.state).toBe('new');
    expect(h.transitions).toEqual([]);
  });

  it('late between slot and slot + margin, then exactly one miss for the slot, with a deterministic event id', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0 + 10 * SECOND);
    expect(h.state).toBe('ok');
    h.pulse(T0 + HOUR - 1);
    expect(h.state).toBe('ok');
    h.pulse(T0 + HOUR);
    expect(h.state).toBe('late');
    h.pulse(T0 + HOUR + 5 * MINUTE - 1);
    expect(h.outcomes).toEqual([]);
    h.pulse(T0 + HOUR + 5 * MINUTE);
    expect(h.outcomes).toEqual([
      {
        kind: 'missed',
        eventId: `${MONITOR}:${ENV}:${T0 + HOUR}:missed`,
        monitorId: MONITOR,
        environment: ENV,
        slot: T0 + HOUR,
        dueAt: T0 + HOUR + 5 * MINUTE,
        emittedAt: T0 + HOUR + 5 * MINUTE,
        coversFrom: null,
        // A check-in up to a minute early counts for an hourly slot: the window the outage guard looks at (0023).
        opensAt: T0 + HOUR - MINUTE,
      },
    ]);
    h.every(SECOND, T0 + HOUR + 5 * MINUTE, T0 + HOUR + 10 * MINUTE);
    expect(h.outcomes).toHaveLength(1);
    expect(h.states()).toEqual(['new->ok', 'ok->late', 'late->missed']);
  });

  it('a check-in a little early counts for its slot: no false miss at that slot (Sentry marks it missed)', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0 + 5 * SECOND);
    const early = h.checkin('ok', T0 + HOUR - 20 * SECOND);
    expect(early.creditedSlot).toBe(T0 + HOUR);
    h.every(10 * SECOND, T0 + HOUR - 20 * SECOND, T0 + 2 * HOUR - MINUTE);
    expect(h.outcomes).toEqual([]);
    expect(h.states()).toEqual(['new->ok']);
  });

  it('the early tolerance is min(60 s, half the gap between slots): beyond it, the check-in is for the previous slot', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0 + 5 * SECOND);
    expect(h.checkin('ok', T0 + HOUR - 61 * SECOND).creditedSlot).toBe(T0);
    h.every(MINUTE, T0 + HOUR - MINUTE, T0 + HOUR + 6 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + HOUR)]);

    const m = new Harness().monitor(hourly({ schedule: { type: 'crontab', value: '* * * * *', timezone: 'UTC' }, checkinMarginMinutes: 1 }));
    m.checkin('ok', T0 + 2 * SECOND);
    expect(m.checkin('ok', T0 + MINUTE - 30 * SECOND).creditedSlot).toBe(T0 + MINUTE);
    expect(m.checkin('ok', T0 + 2 * MINUTE - 31 * SECOND).creditedSlot).toBe(T0 + MINUTE);
    m.every(10 * SECOND, T0 + 90 * SECOND, T0 + 3 * MINUTE);
    expect(m.slots('missed')).toEqual([iso(T0 + 2 * MINUTE)]);
  });

  it('a check-in within the margin counts for its slot and clears late', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0);
    h.every(MINUTE, T0 + MINUTE, T0 + HOUR + 3 * MINUTE);
    expect(h.state).toBe('late');
    expect(h.checkin('ok', T0 + HOUR + 4 * MINUTE + 59 * SECOND).creditedSlot).toBe(T0 + HOUR);
    expect(h.state).toBe('ok');
    h.every(MINUTE, T0 + HOUR + 5 * MINUTE, T0 + 2 * HOUR - MINUTE);
    expect(h.outcomes).toEqual([]);
  });

  it('no false miss for a check-in acknowledged before the deadline when the deadline pulse is processed much later', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0);
    h.pulse(T0 + HOUR + MINUTE);
    // The pipeline stalls: this check-in (received inside the margin) and the pulses behind it are processed late.
    h.checkin('ok', T0 + HOUR + 4 * MINUTE);
    h.pulse(T0 + 3 * HOUR + 30 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + 2 * HOUR), iso(T0 + 3 * HOUR)]);
  });

  it('a check-in after the deadline does not rescue the slot: the same miss whether its pulse came first or not', () => {
    const pulseFirst = new Harness().monitor(hourly());
    pulseFirst.checkin('ok', T0);
    pulseFirst.pulse(T0 + HOUR + 5 * MINUTE);
    pulseFirst.checkin('ok', T0 + HOUR + 7 * MINUTE);
    pulseFirst.pulse(T0 + HOUR + 30 * MINUTE);

    const checkinFirst = new Harness().monitor(hourly());
    checkinFirst.checkin('ok', T0);
    checkinFirst.checkin('ok', T0 + HOUR + 7 * MINUTE);
    checkinFirst.pulse(T0 + HOUR + 30 * MINUTE);

    expect(pulseFirst.eventIds()).toEqual([`${MONITOR}:${ENV}:${T0 + HOUR}:missed`]);
    expect(checkinFirst.eventIds()).toEqual(pulseFirst.eventIds());
    expect(checkinFirst.state).toBe('ok');
    expect(checkinFirst.states()).toEqual(['new->ok', 'ok->missed', 'missed->ok']);
  });

  it('duplicate and out-of-order check-ins count once and never move expectations backwards', () => {
    const h = new Harness().monitor(hourly());
    const id = runId();
    h.checkin('in_progress', T0 + 10 * SECOND, { checkin_id: id, run_match: 'exact' });
    h.checkin('in_progress', T0 + 10 * SECOND, { checkin_id: id, run_match: 'exact' });
    h.checkin('ok', T0 + 2 * MINUTE, { checkin_id: id, run_match: 'exact' });
    h.checkin('ok', T0 + 2 * MINUTE, { checkin_id: id, run_match: 'exact' });
    h.checkin('ok', T0 + HOUR + 30 * SECOND);
    h.checkin('ok', T0 + HOUR + 20 * SECOND); // an ingest instance whose clock is behind
    h.checkin('ok', T0 + 15 * MINUTE); // a straggler from the previous hour
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(T0 + 2 * HOUR);
    h.every(MINUTE, T0 + HOUR, T0 + 3 * HOUR + 10 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + 2 * HOUR), iso(T0 + 3 * HOUR)]);
    expect(h.slots('timeout')).toEqual([]);
  });

  it('exactly one miss per missed slot, live pulses or one catch-up pulse after a stall', () => {
    const run = (pulses: (h: Harness) => void) => {
      const h = new Harness().monitor(hourly());
      h.checkin('ok', T0);
      h.checkin('ok', T0 + 3 * HOUR + MINUTE);
      h.checkin('ok', T0 + 7 * HOUR - 30 * SECOND);
      pulses(h);
      return h;
    };
    const expected = [1, 2, 4, 5, 6, 8, 9].map((hour) => iso(T0 + hour * HOUR));
    const live = run((h) => h.every(SECOND * 5, T0, T0 + 9 * HOUR + 5 * MINUTE));
    expect(live.slots('missed')).toEqual(expected);
    // Check-ins and pulses interleaved as they entered the partition, then processed in one late burst.
    const burst = new Harness().monitor(hourly());
    burst.checkin('ok', T0);
    burst.pulse(T0 + MINUTE);
    burst.checkin('ok', T0 + 3 * HOUR + MINUTE);
    burst.checkin('ok', T0 + 7 * HOUR - 30 * SECOND);
    burst.pulse(T0 + 9 * HOUR + 5 * MINUTE);
    expect(burst.slots('missed')).toEqual(expected);
    expect(new Set(burst.eventIds()).size).toBe(burst.eventIds().length);
  });

  it('a margin longer than the period: a check-in recently enough settles the slots it skipped', () => {
    const h = new Harness().monitor(hourly({ schedule: { type: 'crontab', value: '* * * * *', timezone: 'UTC' }, checkinMarginMinutes: 5 }));
    h.checkin('ok', T0);
    h.every(10 * SECOND, T0, T0 + 3 * MINUTE);
    h.checkin('ok', T0 + 3 * MINUTE + 10 * SECOND);
    h.every(10 * SECOND, T0 + 3 * MINUTE, T0 + 8 * MINUTE + 59 * SECOND);
    expect(h.outcomes).toEqual([]);
    h.pulse(T0 + 9 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + 4 * MINUTE)]);
  });

  it('a job every minute down for a week: 60 single misses, then one per hour covering the rest; a stall emits the same', () => {
    const config = hourly({ schedule: { type: 'crontab', value: '* * * * *', timezone: 'UTC' }, checkinMarginMinutes: 1 });
    const end = T0 + 7 * DAY;
    const live = new Harness().monitor(config);
    live.checkin('ok', T0);
    live.every(MINUTE, T0, end);
    const stalled = new Harness().monitor(config);
    stalled.checkin('ok', T0);
    stalled.pulse(T0 + 2 * HOUR + 30 * SECOND);
    stalled.pulse(end);

    const missed = live.outcomes as MissedOutcome[];
    expect(missed).toHaveLength(MISS_STREAK_LIMIT + (7 * DAY - 2 * HOUR) / COLLAPSED_MISS_EVERY_MS);
    expect(missed.slice(0, MISS_STREAK_LIMIT).map((o) => o.slot)).toEqual(Array.from({ length: 60 }, (_, i) => T0 + (i + 1) * MINUTE));
    expect(missed.slice(0, MISS_STREAK_LIMIT).every((o) => o.coversFrom === null)).toBe(true);
    expect(missed[MISS_STREAK_LIMIT]).toMatchObject({ slot: T0 + 2 * HOUR, coversFrom: T0 + HOUR + MINUTE });
    expect(missed[MISS_STREAK_LIMIT + 1]).toMatchObject({ slot: T0 + 3 * HOUR, coversFrom: T0 + 2 * HOUR + MINUTE });
    expect(stalled.eventIds()).toEqual(live.eventIds());
    expect(stalled.outcomes.map((o) => (o as MissedOutcome).coversFrom)).toEqual(missed.map((o) => o.coversFrom));

    // The job comes back mid-hour: the stretch since the last event is reported, then the streak starts over.
    live.checkin('ok', end + 30 * MINUTE + 10 * SECOND);
    const last = live.outcomes[live.outcomes.length - 1] as MissedOutcome;
    expect(last).toMatchObject({ slot: end + 29 * MINUTE, coversFrom: end + MINUTE });
    live.every(MINUTE, end + 31 * MINUTE, end + 33 * MINUTE);
    expect(live.slots('missed').slice(-2)).toEqual([iso(end + 31 * MINUTE), iso(end + 32 * MINUTE)]);
  });

  it('only tracks with something due are evaluated by a pulse', () => {
    const detector = new PartitionDetector();
    const daily = hourly({ schedule: { type: 'crontab', value: '0 3 * * *', timezone: 'UTC' } });
    for (let i = 0; i < 200; i += 1) {
      const monitorId = `5a7c9e1b-3d5f-4a7c-9e1b-${i.toString(16).padStart(12, '0')}`;
      detector.setMonitor(monitorId, daily);
      detector.checkin({
        monitor_id: monitorId,
        environment: ENV,
        checkin_id: runId(),
        run_match: 'latest_open',
        status: 'ok',
        received_at: T0 + 3 * HOUR,
        duration_ms: null,
      });
    }
    expect(detector.queuedCount).toBe(200);
    detector.drainChanges();
    expect(detector.pulse(T0 + 12 * HOUR).outcomes).toEqual([]);
    expect(detector.drainChanges()).toEqual([]);
    const due = detector.pulse(T0 + DAY + 3 * HOUR);
    expect(due.outcomes).toEqual([]);
    expect(due.transitions).toHaveLength(200);
    expect(detector.pulse(T0 + DAY + 3 * HOUR + 5 * MINUTE).outcomes).toHaveLength(200);
  });

  it('stale queue entries stay bounded (a restore replaces tracks, leaving their old entries) and order is kept', () => {
    const detector = new PartitionDetector();
    const daily = hourly({ schedule: { type: 'crontab', value: '0 3 * * *', timezone: 'UTC' } });
    const ids = Array.from({ length: 600 }, (_, i) => `5a7c9e1b-3d5f-4a7c-9e1b-${i.toString(16).padStart(12, '0')}`);
    for (const id of ids) {
      detector.setMonitor(id, daily);
      detector.checkin({
        monitor_id: id,
        environment: ENV,
        checkin_id: runId(),
        run_match: 'latest_open',
        status: 'ok',
        received_at: T0 + 3 * HOUR,
        duration_ms: null,
      });
    }
    for (let round = 0; round < 10; round += 1) for (const snapshot of [...detector.snapshots()]) detector.restore(snapshot);
    expect(detector.queuedCount).toBeLessThanOrEqual(2 * detector.trackCount + 1024);
    const missed = detector.pulse(T0 + DAY + 3 * HOUR + 5 * MINUTE).outcomes;
    expect(missed.map((outcome) => outcome.monitorId)).toEqual(ids);
  });
});

describe('detection: timeouts', () => {
  it('an in_progress run not closed within max runtime times out exactly once; a late ok keeps the timeout', () => {
    const h = new Harness().monitor(hourly());
    const id = runId();
    h.checkin('in_progress', T0 + 5 * SECOND, { checkin_id: id, run_match: 'exact' });
    h.every(10 * SECOND, T0, T0 + 20 * MINUTE);
    expect(h.outcomes).toEqual([]);
    h.pulse(T0 + 20 * MINUTE + 10 * SECOND);
    expect(h.outcomes).toEqual([
      {
        kind: 'timeout',
        eventId: `${MONITOR}:${ENV}:${id}:timeout`,
        monitorId: MONITOR,
        environment: ENV,
        slot: T0,
        dueAt: T0 + 5 * SECOND + 20 * MINUTE,
        emittedAt: T0 + 20 * MINUTE + 10 * SECOND,
        checkinId: id,
        startedAt: T0 + 5 * SECOND,
        abandoned: false,
      },
    ]);
    h.every(10 * SECOND, T0 + 20 * MINUTE, T0 + 40 * MINUTE);
    const late = h.checkin('ok', T0 + 41 * MINUTE, { checkin_id: id, run_match: 'exact' });
    expect(late.run).toEqual({ checkinId: id, durationMs: 41 * MINUTE - 5 * SECOND, closedRun: true });
    expect(late.closedTimedOutRun).toBe(true);
    expect(late.creditedSlot).toBeNull();
    expect(h.state).toBe('timeout');
    h.every(MINUTE, T0 + 41 * MINUTE, T0 + HOUR - MINUTE);
    expect(h.outcomes).toHaveLength(1);
    // The next run succeeds: the track recovers.
    h.checkin('ok', T0 + HOUR + 20 * SECOND);
    expect(h.state).toBe('ok');
    expect(h.states()).toEqual(['new->ok', 'ok->timeout', 'timeout->ok']);
  });

  it('max runtime defaults to 30 minutes; a run closed in time produces nothing', () => {
    const h = new Harness().monitor(hourly({ maxRuntimeMinutes: null }));
    h.checkin('in_progress', T0);
    h.every(MINUTE, T0, T0 + 29 * MINUTE);
    expect(h.outcomes).toEqual([]);
    h.pulse(T0 + 30 * MINUTE);
    expect(h.slots('timeout')).toEqual([iso(T0)]);
    h.checkin('in_progress', T0 + HOUR);
    h.checkin('ok', T0 + HOUR + 29 * MINUTE);
    h.every(MINUTE, T0 + HOUR, T0 + 2 * HOUR - MINUTE);
    expect(h.outcomes).toHaveLength(1);
  });

  it('a margin change applies at the next evaluation, and max runtime changes apply to open runs', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('in_progress', T0);
    h.pulse(T0 + 10 * MINUTE);
    h.monitor(hourly({ maxRuntimeMinutes: 5 }));
    expect(h.outcomes).toEqual([]);
    h.pulse(T0 + 10 * MINUTE + SECOND);
    expect(h.outcomes).toMatchObject([{ kind: 'timeout', dueAt: T0 + 5 * MINUTE, emittedAt: T0 + 10 * MINUTE + SECOND }]);
    h.checkin('ok', T0 + 11 * MINUTE);
    h.pulse(T0 + HOUR + 2 * MINUTE);
    h.monitor(hourly({ maxRuntimeMinutes: 5, checkinMarginMinutes: 1 }));
    h.pulse(T0 + HOUR + 2 * MINUTE + SECOND);
    expect(h.slots('missed')).toEqual([iso(T0 + HOUR)]);
  });

  it('a run pushed out of the ledger by newer runs times out at once, as abandoned', () => {
    const h = new Harness().monitor(hourly({ schedule: { type: 'crontab', value: '* * * * *', timezone: 'UTC' }, maxRuntimeMinutes: 600 }));
    const ids: string[] = [];
    for (let i = 0; i < 21; i += 1) {
      const id = runId();
      ids.push(id);
      h.checkin('in_progress', T0 + i * MINUTE, { checkin_id: id, run_match: 'exact' });
    }
    expect(h.outcomes).toMatchObject([{ kind: 'timeout', checkinId: ids[0], abandoned: true, emittedAt: T0 + 20 * MINUTE }]);
  });
});

describe('detection: pause, disable, configuration', () => {
  it('a paused monitor produces nothing; resuming returns the track to new; runs open across the pause never time out', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0);
    h.checkin('in_progress', T0 + 30 * MINUTE);
    h.pulse(T0 + 31 * MINUTE);
    h.monitor(hourly({ status: 'paused' }));
    expect(h.state).toBe('paused');
    h.every(MINUTE, T0 + 32 * MINUTE, T0 + 5 * HOUR);
    const duringPause = h.checkin('ok', T0 + 5 * HOUR + 10 * SECOND);
    expect(duringPause.creditedSlot).toBeNull();
    h.checkin('in_progress', T0 + 5 * HOUR + 20 * SECOND);
    h.every(MINUTE, T0 + 5 * HOUR, T0 + 6 * HOUR);
    expect(h.outcomes).toEqual([]);
    h.monitor(hourly());
    expect(h.state).toBe('new');
    h.every(MINUTE, T0 + 6 * HOUR, T0 + 12 * HOUR);
    expect(h.outcomes).toEqual([]);
    h.checkin('ok', T0 + 12 * HOUR + 30 * SECOND);
    h.every(MINUTE, T0 + 12 * HOUR, T0 + 13 * HOUR + 5 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + 13 * HOUR)]);
    expect(h.states()).toEqual(['new->ok', 'ok->paused', 'paused->new', 'new->ok', 'ok->late', 'late->missed']);
  });

  it('a disabled monitor is skipped: no outcomes and no transitions until it is enabled again, as new', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0);
    h.monitor(hourly({ status: 'disabled' }));
    h.every(MINUTE, T0, T0 + 5 * HOUR);
    h.checkin('error', T0 + 5 * HOUR);
    expect(h.outcomes).toEqual([]);
    expect(h.states()).toEqual(['new->ok']);
    h.monitor(hourly());
    expect(h.states()).toEqual(['new->ok', 'ok->new']);
  });

  it('hourly changed to daily mid-run: no miss for the remaining hourly slots, the daily slot is expected', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0 + 2 * HOUR);
    h.every(MINUTE, T0 + 2 * HOUR, T0 + 2 * HOUR + 30 * MINUTE);
    h.monitor(hourly({ schedule: { type: 'crontab', value: '0 0 * * *', timezone: 'UTC' } }));
    h.every(MINUTE, T0 + 2 * HOUR + 30 * MINUTE, T0 + DAY + 4 * MINUTE);
    expect(h.outcomes).toEqual([]);
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(T0 + DAY);
    h.pulse(T0 + DAY + 5 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + DAY)]);
  });

  it('daily changed to hourly: slots of the new schedule before the change are not expected', () => {
    const h = new Harness().monitor(hourly({ schedule: { type: 'crontab', value: '0 0 * * *', timezone: 'UTC' } }));
    h.checkin('ok', T0);
    h.every(MINUTE, T0, T0 + 10 * HOUR + 30 * MINUTE);
    h.monitor(hourly());
    h.every(MINUTE, T0 + 10 * HOUR + 30 * MINUTE, T0 + 11 * HOUR + 5 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + 11 * HOUR)]);
  });

  it('a check-in before the monitor configuration is known is credited when it arrives', () => {
    const h = new Harness();
    h.checkin('ok', T0 + 30 * SECOND);
    h.every(MINUTE, T0, T0 + 10 * MINUTE);
    expect(h.state).toBe('new');
    h.monitor(hourly());
    expect(h.state).toBe('ok');
    h.every(MINUTE, T0 + 10 * MINUTE, T0 + HOUR + 5 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + HOUR)]);
  });

  it('check-ins held for hours before the configuration arrives are replayed in order: the slot between them is missed', () => {
    const h = new Harness();
    const early = runId();
    h.checkin('ok', T0 + 10 * SECOND);
    h.checkin('in_progress', T0 + 2 * HOUR - 20 * SECOND, { checkin_id: early, run_match: 'exact' });
    h.every(10 * MINUTE, T0, T0 + 3 * HOUR + 6 * MINUTE);
    expect(h.outcomes).toEqual([]);
    h.monitor(hourly({ maxRuntimeMinutes: 30 }));
    h.pulse(T0 + 3 * HOUR + 7 * MINUTE);
    expect(h.outcomes.map((o) => `${o.kind}@${iso(o.slot)}`)).toEqual([
      `missed@${iso(T0 + HOUR)}`,
      `timeout@${iso(T0 + 2 * HOUR)}`,
      `missed@${iso(T0 + 3 * HOUR)}`,
    ]);
  });

  it('a start that arrives after its own ok opens no run: no false timeout', () => {
    const h = new Harness().monitor(hourly());
    const id = runId();
    h.checkin('ok', T0 + 30 * SECOND, { checkin_id: id, run_match: 'exact' });
    h.checkin('in_progress', T0 + 31 * SECOND, { checkin_id: id, run_match: 'exact' });
    h.every(MINUTE, T0, T0 + 50 * MINUTE);
    expect(h.outcomes).toEqual([]);
    expect(h.detector.track(MONITOR, ENV)?.openRuns).toEqual([]);
  });

  it('an in_progress repeated with the same id is a heartbeat: the max runtime counts from the latest one', () => {
    const h = new Harness().monitor(hourly());
    const id = runId();
    h.checkin('in_progress', T0 + 5 * SECOND, { checkin_id: id, run_match: 'exact' });
    h.every(MINUTE, T0, T0 + 15 * MINUTE);
    h.checkin('in_progress', T0 + 15 * MINUTE, { checkin_id: id, run_match: 'exact' });
    h.every(10 * SECOND, T0 + 15 * MINUTE, T0 + 35 * MINUTE - 10 * SECOND);
    expect(h.outcomes).toEqual([]);
    expect(h.detector.track(MONITOR, ENV)?.nextDue()).toBe(T0 + 35 * MINUTE);
    h.pulse(T0 + 35 * MINUTE);
    expect(h.outcomes).toMatchObject([{ kind: 'timeout', checkinId: id, dueAt: T0 + 35 * MINUTE, startedAt: T0 + 5 * SECOND }]);
    // A heartbeat after the timeout does not undo it.
    h.checkin('in_progress', T0 + 36 * MINUTE, { checkin_id: id, run_match: 'exact' });
    h.every(MINUTE, T0 + 36 * MINUTE, T0 + 58 * MINUTE);
    expect(h.outcomes).toHaveLength(1);
    expect(h.state).toBe('timeout');
  });

  it('a second close of a finished run is ignored: the first result stands and nothing is counted', () => {
    const h = new Harness().monitor(hourly());
    const id = runId();
    h.checkin('in_progress', T0 + 5 * SECOND, { checkin_id: id, run_match: 'exact' });
    expect(h.checkin('error', T0 + MINUTE, { checkin_id: id, run_match: 'exact' }).finished).toBe('error');
    const second = h.checkin('ok', T0 + 2 * MINUTE, { checkin_id: id, run_match: 'exact' });
    expect(second.run.ignored).toBe('finished');
    expect(second.finished).toBeNull();
    expect(second.creditedSlot).toBeNull();
    expect(h.state).toBe('error');
    // Not a heartbeat for the next slot either: 01:00 is still missed.
    h.every(MINUTE, T0 + 2 * MINUTE, T0 + HOUR + 5 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + HOUR)]);
    // A late start of it is ignored too.
    expect(h.checkin('in_progress', T0 + HOUR + 6 * MINUTE, { checkin_id: id, run_match: 'exact' }).creditedSlot).toBeNull();
  });

  it('an invalid schedule throws before anything changes; a deleted monitor drops its tracks', () => {
    const h = new Harness().monitor(hourly());
    h.checkin('ok', T0);
    expect(() => h.monitor(hourly({ schedule: { type: 'crontab', value: '61 * * * *', timezone: 'UTC' } }))).toThrow();
    h.every(MINUTE, T0, T0 + HOUR + 5 * MINUTE);
    expect(h.slots('missed')).toEqual([iso(T0 + HOUR)]);
    h.detector.drainChanges();
    h.monitor(null);
    expect(h.detector.trackCount).toBe(0);
    expect(h.detector.drainChanges()).toEqual([{ monitorId: MONITOR, environment: ENV, snapshot: null }]);
    h.every(MINUTE, T0 + HOUR + 5 * MINUTE, T0 + 3 * HOUR);
    expect(h.outcomes).toHaveLength(1);
  });
});

describe('detection: time zones and Healthchecks', () => {
  it('a crontab in America/New_York across spring-forward uses the engine slots (02:30 does not exist: 03:00 EDT)', () => {
    const h = new Harness().monitor(hourly({ schedule: { type: 'crontab', value: '30 2 * * *', timezone: 'America/New_York' } }));
    h.checkin('ok', Date.parse('2026-03-07T07:30:20Z')); // 02:30 EST
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(Date.parse('2026-03-08T07:00:00Z')); // 03:00 EDT
    h.every(MINUTE, Date.parse('2026-03-07T08:00:00Z'), Date.parse('2026-03-08T07:04:00Z'));
    expect(h.state).toBe('late');
    h.checkin('ok', Date.parse('2026-03-08T07:04:30Z'));
    h.every(MINUTE, Date.parse('2026-03-08T07:05:00Z'), Date.parse('2026-03-09T06:35:00Z'));
    expect(h.slots('missed')).toEqual(['2026-03-09T06:30:00.000Z']); // 02:30 EDT
    expect(h.transitions.filter((t) => t.to === 'late').map((t) => iso(t.at))).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('Healthchecks: period is an interval counted from the last ping (not the epoch), grace is the margin', () => {
    const check = hourly({ schedule: { type: 'interval', value: 1, unit: 'day' }, checkinMarginMinutes: 60, maxRuntimeMinutes: null, timeoutFromMargin: true });
    const h = new Harness().monitor(check);
    const three = T0 + 3 * HOUR;
    h.checkin('ok', three + 12 * SECOND);
    h.every(MINUTE, three, three + DAY + 59 * MINUTE);
    expect(h.outcomes).toEqual([]);
    h.checkin('ok', three + DAY + 59 * MINUTE + 30 * SECOND); // late inside grace: re-anchors at 03:59:30
    h.every(MINUTE, three + DAY + 60 * MINUTE, three + 2 * DAY + 119 * MINUTE);
    expect(h.outcomes).toEqual([]);
    h.pulse(three + 2 * DAY + 119 * MINUTE + 30 * SECOND);
    expect(h.slots('missed')).toEqual([iso(three + 2 * DAY + 59 * MINUTE + 30 * SECOND)]);
  });

  const toTheSecond = hourly({
    schedule: { type: 'interval', value: 1, unit: 'minute' },
    checkinMarginMinutes: 1,
    maxRuntimeMinutes: null,
    timeoutFromMargin: true,
  });

  it('Healthchecks: timeout 60 s and grace 60 s from a ping at second 41 are late at +60 s and missed at +120 s, to the millisecond', () => {
    const h = new Harness().monitor(toTheSecond);
    const ping = T0 + 5 * MINUTE + 41_250;
    h.checkin('ok', ping);
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(ping + MINUTE);
    h.every(250, ping + 250, ping + MINUTE - 1);
    expect(h.state).toBe('ok');
    h.pulse(ping + MINUTE);
    expect(h.state).toBe('late');
    h.pulse(ping + 2 * MINUTE - 1);
    expect(h.outcomes).toEqual([]);
    h.pulse(ping + 2 * MINUTE);
    expect(h.outcomes).toMatchObject([{ kind: 'missed', slot: ping + MINUTE, dueAt: ping + 2 * MINUTE }]);
    expect(h.transitions.map((t) => [`${t.from}->${t.to}`, t.at - ping])).toEqual([
      ['new->ok', 0],
      ['ok->late', MINUTE],
      ['late->missed', 2 * MINUTE],
    ]);
  });

  it('Healthchecks: a ping a little early is not rounded to the coming slot: the period runs from it', () => {
    const h = new Harness().monitor(toTheSecond);
    h.checkin('ok', T0 + 41 * SECOND);
    h.checkin('ok', T0 + 41 * SECOND + MINUTE - 10 * SECOND);
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(T0 + 41 * SECOND + 2 * MINUTE - 10 * SECOND);
  });

  it('Healthchecks: a start on a new check leaves it new (no state change); its run times out after the grace, down from new', () => {
    const h = new Harness().monitor(toTheSecond);
    const start = T0 + 7 * SECOND;
    const result = h.checkin('in_progress', start, { run_match: 'exact' });
    expect(result.creditedSlot).toBeNull();
    expect(h.state).toBe('new');
    expect(h.detector.track(MONITOR, ENV)?.openRuns).toHaveLength(1);
    h.every(250, start, start + MINUTE - 1);
    expect(h.transitions).toEqual([]);
    h.pulse(start + MINUTE);
    expect(h.outcomes).toMatchObject([{ kind: 'timeout', dueAt: start + MINUTE }]);
    expect(h.states()).toEqual(['new->timeout']);
  });

  it('Healthchecks: starts do not move a period, successes do (closing a run or not); a crontab check counts its later starts', () => {
    const h = new Harness().monitor(
      hourly({ schedule: { type: 'interval', value: 1, unit: 'hour' }, checkinMarginMinutes: 10, maxRuntimeMinutes: null, timeoutFromMargin: true }),
    );
    h.checkin('ok', T0 + 13 * SECOND);
    h.checkin('in_progress', T0 + 50 * MINUTE, { run_match: 'exact' });
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(T0 + HOUR + 13 * SECOND);
    const closing = h.checkin('ok', T0 + 55 * MINUTE + 500);
    expect(closing.run.closedRun).toBe(true);
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(T0 + HOUR + 55 * MINUTE + 500);

    const cron = new Harness().monitor(hourly({ timeoutFromMargin: true }));
    cron.checkin('in_progress', T0 + HOUR, { run_match: 'exact' });
    expect(cron.state).toBe('new');
    cron.checkin('ok', T0 + HOUR + 2 * MINUTE);
    expect(cron.state).toBe('ok');
    expect(cron.checkin('in_progress', T0 + 2 * HOUR, { run_match: 'exact' }).creditedSlot).toBe(T0 + 2 * HOUR);
  });

  it('Healthchecks: a start held before the check was known still leaves it new once it is', () => {
    const h = new Harness();
    h.checkin('in_progress', T0 + 3 * SECOND, { run_match: 'exact' });
    h.monitor(toTheSecond);
    expect(h.state).toBe('new');
    expect(h.transitions).toEqual([]);
    h.checkin('ok', T0 + 20 * SECOND);
    expect(h.state).toBe('ok');
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(T0 + 20 * SECOND + MINUTE);
  });

  it('Sentry intervals keep minute slots', () => {
    const h = new Harness().monitor(hourly({ schedule: { type: 'interval', value: 1, unit: 'minute' }, checkinMarginMinutes: 1 }));
    h.checkin('ok', T0 + 41 * SECOND);
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(T0 + MINUTE);
  });

  it('Healthchecks: a start not followed by success within the grace time is a failure (timeout after the grace)', () => {
    const check = hourly({ schedule: { type: 'interval', value: 1, unit: 'day' }, checkinMarginMinutes: 60, maxRuntimeMinutes: null, timeoutFromMargin: true });
    const h = new Harness().monitor(check);
    h.checkin('in_progress', T0 + 3 * HOUR);
    h.checkin('ok', T0 + 3 * HOUR + 59 * MINUTE);
    h.checkin('in_progress', T0 + DAY + 3 * HOUR);
    h.every(MINUTE, T0 + 3 * HOUR, T0 + DAY + 4 * HOUR - MINUTE);
    expect(h.outcomes).toEqual([]);
    h.pulse(T0 + DAY + 4 * HOUR);
    expect(h.outcomes).toMatchObject([{ kind: 'timeout', slot: T0 + DAY + 3 * HOUR, dueAt: T0 + DAY + 4 * HOUR }]);
    expect(h.state).toBe('timeout');
    // A ping without rid closes the latest start (libs/runs), records its duration, and the failure stands.
    const success = h.checkin('ok', T0 + DAY + 4 * HOUR + 10 * MINUTE);
    expect(success.run.durationMs).toBe(70 * MINUTE);
    expect(success.closedTimedOutRun).toBe(true);
    expect(h.state).toBe('timeout');
  });

  it('a month interval follows the calendar from the last check-in', () => {
    const h = new Harness().monitor(hourly({ schedule: { type: 'interval', value: 1, unit: 'month' } }));
    h.checkin('ok', Date.parse('2026-01-31T10:00:05Z'));
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(Date.parse('2026-02-28T10:00:00Z'));
    h.checkin('ok', Date.parse('2026-02-28T09:59:30Z'));
    expect(h.detector.track(MONITOR, ENV)?.expectedSlot).toBe(Date.parse('2026-03-28T10:00:00Z'));
  });
});

describe('detection: monitor events', () => {
  it('outcomes map onto MonitorEventV1; a miss gets the same minted check-in id every time', () => {
    const identity = { organization_id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c', project_id: 7, monitor_slug: 'nightly-backup' };
    const h = new Harness().monitor(hourly());
    h.checkin('in_progress', T0);
    h.pulse(T0 + HOUR + 5 * MINUTE);
    expect(h.outcomes.map((o) => o.kind)).toEqual(['timeout', 'missed']);
    const events = h.outcomes.map((o) => toMonitorEventV1(o, identity));
    for (const event of events) assertPayload('vigil.monitor-events.v1', event);
    const again = new Harness().monitor(hourly());
    again.checkin('in_progress', T0);
    again.pulse(T0 + HOUR + 5 * MINUTE);
    const missed = toMonitorEventV1(again.outcomes[1]!, identity);
    expect(missed.checkin_id).toBe(events[1]!.checkin_id);
    expect(missed.event_id).toBe(`${MONITOR}:${ENV}:${T0 + HOUR}:missed`);
    expect(missed.checkin_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
