import { runDeadline, runKey, TrackRuns, type OpenRun, type ResolvedSignal } from '@vigil/runs';
import type { Queued } from './due-queue';
import type { MonitorSettings } from './settings';
import type { CheckinResult, DetectionCheckin, DetectionResult, MissedOutcome, Outcome, TimeoutOutcome, TrackSnapshotV1, TrackState } from './types';

/**
 * Consecutive misses of one track emitted one event per slot. After that the outage is collapsed: at most one
 * `missed` per `COLLAPSED_MISS_EVERY_MS` of slot time, carrying `coversFrom` (the first slot it stands for).
 * A job every minute that is down for a week emits 60 events for its first hour and then one an hour (227 in
 * all), not 10,080. Slots an hour or more apart are never collapsed. The rule depends only on slot times and
 * the check-ins, never on how the pulses fell, so a stall followed by a catch-up emits the same events as
 * live processing (the events in the collapsed stretch are simply not emitted, in both cases).
 */
export const MISS_STREAK_LIMIT = 60;
export const COLLAPSED_MISS_EVERY_MS = 3_600_000;

/** The last result a track recorded. Numbers, not strings, to keep the track small. */
const NONE = 0;
const OK = 1;
const ERROR = 2;
const MISSED = 3;
const TIMEOUT = 4;
const RESULT_NAMES = ['none', 'ok', 'error', 'missed', 'timeout'] as const;
const RESULT_STATES: readonly TrackState[] = ['new', 'ok', 'error', 'missed', 'timeout'];

/** Held check-ins (rule 6): a success, a failure, a start (the snapshot's `held` pairs use the same codes). */
const HELD_OK = 0;
const HELD_ERROR = 1;
const HELD_START = 2;
type HeldKind = typeof HELD_OK | typeof HELD_ERROR | typeof HELD_START;

const NO_RUNS: readonly OpenRun[] = [];
/** Check-ins kept while a monitor's configuration is unknown; older ones are dropped beyond this. */
export const MAX_HELD_CHECKINS = 8;
const NO_TRACKS: Track[] = [];

/** One monitor (shared by its environments' tracks): its id and current settings, null until known. */
export class MonitorHandle {
  settings: MonitorSettings | null = null;
  /** The monitor's tracks, one per environment (few: a linear search beats a map entry per track). */
  tracks: Track[] = NO_TRACKS;

  constructor(readonly id: string) {}

  track(environment: string): Track | undefined {
    for (const track of this.tracks) if (track.environment === environment) return track;
    return undefined;
  }

  /** Adds a track; arrays are copied at their exact length (a pushed-to array reserves 17 slots). */
  add(track: Track): void {
    this.tracks = this.tracks.length === 0 ? [track] : [...this.tracks, track];
  }
}

/**
 * The detection state of one monitor-environment, advanced only by its inputs in partition order: check-ins
 * (`checkin`), event time (`advance`, from clock pulses), and config changes (`reconfigure`). It never reads a
 * wall clock. Every field is a number or a shared reference; open runs live in a `TrackRuns` only while there
 * are some.
 *
 * Rules (Sentry Crons and Healthchecks semantics; where both are silent, the choice is stated):
 * 1. Slots, not arrival times. A counting check-in is credited at the slot it belongs to (`SlotRule.creditFor`):
 *    up to min(60 s, half the gap between slots) early counts for the coming slot (no false miss for a job
 *    whose clock runs slightly fast: Sentry's flaw), later counts for the latest slot at or before it.
 *    Crediting slot s settles every slot at or before s: with a margin longer than the period, a job that
 *    checked in recently enough is not missed for the slots it skipped (Sentry and Healthchecks agree).
 *    Interval schedules re-anchor at each credited check-in (next slot = credited instant + period).
 * 2. What counts: an `in_progress` (a start, or a re-touch of an open run without a run id), and an `ok` or
 *    `error` that closes no open run (a heartbeat). An `ok`/`error` closing a run was counted by the run's start
 *    and does not count for a later slot (a 02:00 run ending at 03:00:30 does not stand in for the 03:00
 *    run). `log` never counts. The first check-in of a new track counts whatever it is, to set its baseline.
 * 3. Missed: once event time reaches slot + margin and nothing was credited at or after the slot, exactly one
 *    `missed` for that slot. A check-in received at or after the deadline is too late for that slot (the
 *    miss is emitted first, then the check-in records a late run): the same outcome whether the pulse for the
 *    deadline was processed before the check-in or long after it. Long outages collapse: `MISS_STREAK_LIMIT`.
 * 4. Timeout: a run open at its latest `in_progress` + max runtime (`timeoutFromMargin`: + margin, the
 *    Healthchecks grace) times out exactly once: an `in_progress` repeated for an open run (same id, or a
 *    re-touch without one) is a heartbeat that moves the deadline, as Sentry's `timeout_at`, never past four
 *    weeks after the start (`runDeadline`). A later ok/error closes it (the duration is recorded by history),
 *    but the timeout stands and the track stays `timeout`. A run pushed out of the ledger by newer runs before its time times out at once
 *    (`abandoned`), since nothing can close it any more.
 * 5. New tracks are never missed and never late. Paused: nothing is produced, check-ins only keep the runs
 *    ledger (so run resolution still agrees with history); resuming returns the track to `new` and exempts
 *    the runs still open. Disabled: the same, without reporting any state. A changed schedule applies from the
 *    moment of the change (slots of the new schedule before it are never expected); a changed margin or max
 *    runtime applies at the next evaluation, to pending slots and open runs too.
 * 6. Check-ins seen before their monitor's configuration is known (ingest commits a new monitor after the
 *    check-in is on Kafka; the notification can come late) fold into the runs and are kept (the last
 *    `MAX_HELD_CHECKINS`); when the configuration arrives they are applied in order as if it had been known,
 *    so a slot between them that nothing covered is still missed.
 * 7. A start that arrives after its own result (exact id) opens nothing (`TrackRuns`): no false timeout. It
 *    and a second result for a finished run (Sentry's `checkin_finished`) are ignored: they count for no
 *    slot and change no result.
 * 8. Healthchecks' rules (`MonitorSettings.healthchecks`: checks made by a ping URL or the Healthchecks API).
 *    A start never counts on a track with nothing credited yet (new, or just resumed): the check stays `new`
 *    with its run open, and goes down only if that run outlives its grace time (rule 4). With an interval
 *    (period) schedule, starts never count and every success or failure does, closing a run or not, and the
 *    interval runs from its exact instant (`exactIntervals`: no minute truncation, no early tolerance): late at
 *    last result + period, missed at + grace, to the millisecond, as Healthchecks' `last_ping + timeout`.
 *    Crontab checks keep rules 1 and 2 past their first counted check-in.
 */
export class Track implements Queued {
  /** Latest event time this track was evaluated at. */
  clock = -Infinity;
  /** Every slot at or before this instant is settled (credited or missed). NaN: nothing yet (new). */
  private resolved = NaN;
  /** The first slot after `resolved` under the current rule: the next one expected. */
  private pending = Infinity;
  /** The instant the last counted check-in was credited at; interval slots are counted from it. */
  private anchor = NaN;
  private result = NONE;
  private current: TrackState = 'new';
  /** Misses emitted since the last counted check-in. */
  private streak = 0;
  private lastMiss: number | null = null;
  /** In a collapsed outage: the first slot settled without an event of its own since the last emitted miss. */
  private collapsedFrom: number | null = null;
  /** Counting check-ins before the config was known: [received_at, `HeldKind`] pairs, flat, oldest first. */
  private held: number[] | null = null;
  /** The runs ledger's memory of the runs finished last (kept here: the ledger exists only while runs are open). */
  private finishedRuns: readonly number[] | null = null;
  /** The key of the rule the state was computed under; null until configured. Shared string, not a copy. */
  private ruleKey: string | null = null;
  private suspended: 'paused' | 'disabled' | null = null;
  private runs: TrackRuns | null = null;
  /** Ids of open runs that already timed out. */
  private timedOutRuns: string[] | null = null;
  /** Ids of open runs that may not time out: open when the monitor resumed (they belong to the pause). */
  private exemptRuns: string[] | null = null;
  /** When this track next needs evaluating (maintained by its `DueQueue`). */
  dueAt = Infinity;

  constructor(
    readonly monitor: MonitorHandle,
    readonly environment: string,
  ) {}

  get monitorId(): string {
    return this.monitor.id;
  }

  get state(): TrackState {
    return this.current;
  }

  /** The next slot expected, or null (new, paused, unconfigured). */
  get expectedSlot(): number | null {
    return this.active() && this.result !== NONE && Number.isFinite(this.pending) ? this.pending : null;
  }

  get openRuns(): readonly OpenRun[] {
    return this.runs?.openRuns ?? NO_RUNS;
  }

  /** The earliest event time at which this track would change without a check-in (Infinity: never). */
  nextDue(): number {
    const settings = this.active();
    if (!settings) return Infinity;
    let due = Infinity;
    if (this.result !== NONE && Number.isFinite(this.pending)) {
      due = this.result === OK && this.pending > this.clock ? this.pending : this.pending + settings.marginMs;
    }
    if (this.runs) {
      for (const run of this.runs.openRuns) {
        const deadline = runDeadline(run, settings.timeoutMs);
        if (deadline < due && !this.isSettled(run.checkinId)) due = deadline;
      }
    }
    return due;
  }

  /** Advances event time to t (never backwards) and emits what became due. */
  advance(t: number, out: DetectionResult): void {
    if (t > this.clock) this.clock = t;
    const settings = this.active();
    if (!settings) return;
    const now = this.clock;
    const emitted: Outcome[] = [];
    if (this.result !== NONE) this.evaluateMisses(settings, now, emitted);
    this.evaluateTimeouts(settings, now, emitted);
    this.record(emitted, out);
    this.report(now, out);
  }

  /** Applies one check-in: time advances to its received_at first, then it folds into the runs and counts. */
  checkin(signal: DetectionCheckin, out: DetectionResult): CheckinResult {
    this.advance(signal.received_at, out);
    const at = this.clock;
    const before = this.runs ? [...this.runs.openRuns] : NO_RUNS;
    const ledger = this.runs ?? new TrackRuns(NO_RUNS, this.finishedRuns);
    const run: ResolvedSignal = ledger.apply(signal);
    const after = ledger.openRuns;
    this.runs = after.length > 0 ? ledger : null;
    this.finishedRuns = ledger.finishedRuns.length > 0 ? ledger.finishedRuns : null;
    const closedTimedOutRun = run.closedRun && includes(this.timedOutRuns, run.checkinId);
    const settings = this.active();

    // Runs that left the ledger without being closed by this signal (more than MAX_OPEN_RUNS open).
    const emitted: Outcome[] = [];
    for (const old of before) {
      if (run.closedRun && old.checkinId === run.checkinId) continue;
      if (after.some((open) => open.checkinId === old.checkinId)) continue;
      if (settings && !this.isSettled(old.checkinId)) emitted.push(this.timeout(settings, old, at, at, true));
    }
    this.timedOutRuns = stillOpen(this.timedOutRuns, after);
    this.exemptRuns = stillOpen(this.exemptRuns, after);

    const ignored = run.ignored !== undefined;
    const finished = (signal.status === 'ok' || signal.status === 'error') && !closedTimedOutRun && !ignored && this.suspended === null ? signal.status : null;
    const result: CheckinResult = { outcomes: out.outcomes, transitions: out.transitions, run, creditedSlot: null, closedTimedOutRun, finished };
    if (ignored) {
      this.record(emitted, out);
      this.report(at, out);
      return result;
    }
    if (this.ruleKey === null) {
      // Rule 6; whether a start counts is decided when the configuration is known (rule 8).
      if (this.counts(null, signal.status, run.closedRun))
        this.hold(signal.received_at, signal.status === 'error' ? HELD_ERROR : signal.status === 'in_progress' ? HELD_START : HELD_OK);
      return result;
    }
    if (!settings) return result;

    if (this.counts(settings, signal.status, run.closedRun)) result.creditedSlot = this.credit(settings, signal.received_at, at, emitted);
    this.record(emitted, out);
    switch (signal.status) {
      case 'in_progress':
        break;
      case 'ok':
        if (!closedTimedOutRun) this.result = OK;
        break;
      case 'error':
        if (!closedTimedOutRun) this.result = ERROR;
        break;
      case 'log':
      case 'ign':
        break;
    }
    // The first counted check-in makes the track active, whatever it closed.
    if (this.result === NONE && result.creditedSlot !== null) this.result = OK;
    this.report(at, out);
    return result;
  }

  /**
   * Applies the monitor's current settings (`monitor.settings`) at event time `now`: called when they change,
   * when the track is created, and after a restore.
   */
  reconfigure(now: number, out: DetectionResult): void {
    if (now > this.clock) this.clock = now;
    const settings = this.monitor.settings;
    if (!settings) return;
    const suspended = settings.status === 'active' ? null : settings.status;
    if (suspended) {
      this.suspended = suspended;
      this.ruleKey = settings.rule.key;
      this.report(this.clock, out);
      return;
    }
    if (this.suspended !== null) {
      this.reset();
      // Runs open across the pause belong to it: they close normally but never time out.
      this.exemptRuns = this.runs ? this.runs.openRuns.map((run) => run.checkinId) : null;
      this.timedOutRuns = null;
      this.suspended = null;
      this.ruleKey = settings.rule.key;
    } else if (this.ruleKey === null) {
      this.ruleKey = settings.rule.key;
      if (this.held !== null) this.replayHeld(settings, out);
    } else if (this.ruleKey !== settings.rule.key) {
      this.ruleKey = settings.rule.key;
      // Slots of the new schedule up to now were never expected.
      if (!Number.isNaN(this.resolved) && this.clock > this.resolved) this.resolved = this.clock;
    } else {
      this.ruleKey = settings.rule.key;
    }
    this.pending = Number.isNaN(this.resolved) ? Infinity : settings.rule.nextAfter(this.resolved, this.anchor);
    this.report(this.clock, out);
  }

  snapshot(): TrackSnapshotV1 {
    return {
      v: 1,
      monitor_id: this.monitor.id,
      environment: this.environment,
      clock: Number.isFinite(this.clock) ? this.clock : null,
      resolved: nullable(this.resolved),
      anchor: nullable(this.anchor),
      result: RESULT_NAMES[this.result]!,
      state: this.current,
      streak: this.streak,
      last_miss: this.lastMiss,
      collapsed_from: this.collapsedFrom,
      held: pairs(this.held),
      last_finished: null,
      finished: this.finishedRuns ? [...this.finishedRuns] : [],
      schedule_key: this.ruleKey,
      suspended: this.suspended,
      configured: this.ruleKey !== null,
      runs: this.openRuns.map((run) => {
        const flag = includes(this.timedOutRuns, run.checkinId) ? 1 : includes(this.exemptRuns, run.checkinId) ? 2 : 0;
        return run.touchedAt === undefined ? [run.checkinId, run.startedAt, flag] : [run.checkinId, run.startedAt, flag, run.touchedAt];
      }),
    };
  }

  /**
   * Rebuilds a track from `snapshot` under its monitor's current settings: pass the result to `reconfigure`
   * (the detector does), so a schedule changed or a monitor resumed while the partition moved takes effect.
   */
  static restore(snapshot: TrackSnapshotV1, monitor: MonitorHandle): Track {
    if (snapshot.v !== 1) throw new Error(`unknown track snapshot version ${String(snapshot.v)}`);
    const track = new Track(monitor, snapshot.environment);
    track.clock = snapshot.clock ?? -Infinity;
    track.resolved = snapshot.resolved ?? NaN;
    track.anchor = snapshot.anchor ?? NaN;
    const result = RESULT_NAMES.indexOf(snapshot.result);
    track.result = result < 0 ? NONE : result;
    track.current = snapshot.state;
    track.streak = snapshot.streak;
    track.lastMiss = snapshot.last_miss;
    track.collapsedFrom = snapshot.collapsed_from;
    track.held = snapshot.held.length > 0 ? snapshot.held.flat() : null;
    // Snapshots from before `finished` hold the last one only.
    const finished = snapshot.finished ?? (snapshot.last_finished === null ? [] : [runKey(snapshot.last_finished)]);
    track.finishedRuns = finished.length > 0 ? finished : null;
    track.ruleKey = snapshot.configured ? snapshot.schedule_key : null;
    track.suspended = snapshot.suspended;
    if (snapshot.runs.length > 0) {
      track.runs = new TrackRuns(
        snapshot.runs.map(([checkinId, startedAt, , touchedAt]) => (touchedAt === undefined ? { checkinId, startedAt } : { checkinId, startedAt, touchedAt })),
        track.finishedRuns,
      );
      const flagged = (flag: number) => {
        const ids = snapshot.runs.filter((run) => run[2] === flag).map((run) => run[0]);
        return ids.length > 0 ? ids : null;
      };
      track.timedOutRuns = flagged(1);
      track.exemptRuns = flagged(2);
    }
    return track;
  }

  /** Whether a check-in counts for a slot (rules 2 and 8); `settings` null: not known yet (held, rule 6). */
  private counts(settings: MonitorSettings | null, status: DetectionCheckin['status'], closedRun: boolean): boolean {
    if (status === 'log' || status === 'ign') return false;
    const fresh = Number.isNaN(this.resolved);
    if (settings?.healthchecks) {
      if (settings.rule.kind === 'interval') return status !== 'in_progress';
      if (status === 'in_progress') return !fresh;
    }
    return !closedRun || fresh;
  }

  /** The settings to evaluate with, or null when the monitor is unknown, paused or disabled. */
  private active(): MonitorSettings | null {
    const settings = this.monitor.settings;
    return settings && this.ruleKey !== null && this.suspended === null ? settings : null;
  }

  /** The run has timed out already, or may not time out. */
  private isSettled(checkinId: string): boolean {
    return includes(this.timedOutRuns, checkinId) || includes(this.exemptRuns, checkinId);
  }

  private reset(): void {
    this.resolved = NaN;
    this.pending = Infinity;
    this.anchor = NaN;
    this.result = NONE;
    this.streak = 0;
    this.lastMiss = null;
    this.collapsedFrom = null;
    this.held = null;
  }

  private hold(receivedAt: number, kind: HeldKind): void {
    const held = this.held ?? [];
    held.push(receivedAt, kind);
    if (held.length > 2 * MAX_HELD_CHECKINS) held.splice(0, 2);
    this.held = held;
  }

  /**
   * The configuration arrived after check-ins did: apply them in order as if it had been known, so a slot
   * between two of them that nothing covered is missed (at the later check-in's time, rule 3), and the
   * last one decides the result. What fell due after them comes with the next evaluation.
   */
  private replayHeld(settings: MonitorSettings, out: DetectionResult): void {
    const held = this.held!;
    this.held = null;
    const emitted: Outcome[] = [];
    for (let index = 0; index < held.length; index += 2) {
      const receivedAt = held[index]!;
      const kind = held[index + 1]!;
      if (this.result !== NONE) this.evaluateMisses(settings, receivedAt, emitted);
      if (kind === HELD_START && !this.counts(settings, 'in_progress', false)) {
        this.record(emitted.splice(0), out);
        continue;
      }
      this.credit(settings, receivedAt, this.clock, emitted);
      this.record(emitted.splice(0), out);
      if (kind === HELD_ERROR) this.result = ERROR;
      else if (kind === HELD_OK || this.result === NONE) this.result = OK;
    }
  }

  /** Credits a counted check-in received at r; returns the slot (instant) it was credited at. */
  private credit(settings: MonitorSettings, r: number, at: number, emitted: Outcome[]): number {
    const rule = settings.rule;
    // The outage is over: report the collapsed stretch not yet covered by an event.
    if (this.collapsedFrom !== null && this.resolved >= this.collapsedFrom) {
      this.emitMiss(settings, this.resolved, this.collapsedFrom < this.resolved ? this.collapsedFrom : null, at, emitted);
    }
    const slot = rule.creditFor(r, this.anchor);
    if (Number.isNaN(this.anchor) || slot > this.anchor) this.anchor = slot;
    if (Number.isNaN(this.resolved) || slot > this.resolved) this.resolved = slot;
    this.pending = rule.nextAfter(this.resolved, this.anchor);
    this.streak = 0;
    this.collapsedFrom = null;
    return slot;
  }

  private evaluateMisses(settings: MonitorSettings, now: number, emitted: Outcome[]): void {
    const rule = settings.rule;
    const margin = settings.marginMs;
    while (this.pending + margin <= now) {
      if (this.streak < MISS_STREAK_LIMIT || this.lastMiss === null) {
        this.emitMiss(settings, this.pending, null, now, emitted);
        continue;
      }
      // Collapsed outage: the next slot with an event of its own is an hour of slot time after the last one.
      const from = this.collapsedFrom ?? this.pending;
      const target = rule.nextAfter(Math.max(this.pending, this.lastMiss + COLLAPSED_MISS_EVERY_MS) - 1, this.anchor);
      if (target + margin <= now) {
        this.emitMiss(settings, target, from < target ? from : null, now, emitted);
        continue;
      }
      const last = rule.slotAtOrBefore(now - margin, this.anchor);
      if (last !== null && last >= this.pending) {
        this.collapsedFrom = from;
        this.resolved = last;
        this.pending = rule.nextAfter(last, this.anchor);
      }
      break;
    }
  }

  private emitMiss(settings: MonitorSettings, slot: number, coversFrom: number | null, now: number, emitted: Outcome[]): void {
    const outcome: MissedOutcome = {
      kind: 'missed',
      eventId: `${this.monitor.id}:${this.environment}:${slot}:missed`,
      monitorId: this.monitor.id,
      environment: this.environment,
      slot,
      dueAt: slot + settings.marginMs,
      emittedAt: now,
      coversFrom,
      opensAt: (coversFrom ?? slot) - settings.rule.earlyTolerance(coversFrom ?? slot, this.anchor),
    };
    emitted.push(outcome);
    this.streak += 1;
    this.lastMiss = slot;
    this.collapsedFrom = null;
    if (Number.isNaN(this.resolved) || slot > this.resolved) this.resolved = slot;
    this.pending = settings.rule.nextAfter(this.resolved, this.anchor);
  }

  private evaluateTimeouts(settings: MonitorSettings, now: number, emitted: Outcome[]): void {
    if (!this.runs) return;
    for (const run of this.runs.openRuns) {
      const deadline = runDeadline(run, settings.timeoutMs);
      if (deadline <= now && !this.isSettled(run.checkinId)) emitted.push(this.timeout(settings, run, deadline, now, false));
    }
  }

  private timeout(settings: MonitorSettings, run: OpenRun, dueAt: number, now: number, abandoned: boolean): TimeoutOutcome {
    (this.timedOutRuns ??= []).push(run.checkinId);
    return {
      kind: 'timeout',
      eventId: `${this.monitor.id}:${this.environment}:${run.checkinId}:timeout`,
      monitorId: this.monitor.id,
      environment: this.environment,
      slot: settings.rule.creditFor(run.startedAt, this.anchor),
      dueAt,
      emittedAt: now,
      checkinId: run.checkinId,
      startedAt: run.startedAt,
      abandoned,
    };
  }

  /** Appends outcomes in the order they fell due; the last one is the track's result. */
  private record(emitted: Outcome[], out: DetectionResult): void {
    if (emitted.length === 0) return;
    if (emitted.length > 1) emitted.sort((a, b) => a.dueAt - b.dueAt);
    let last: Outcome | null = null;
    for (const outcome of emitted) {
      if (outcome.kind === 'missed' && out.outage?.(outcome.opensAt, outcome.dueAt)) outcome.unknown = true;
      else last = outcome;
      out.outcomes.push(outcome);
    }
    // An unknown slot is no result: the track stays as its last real outcome left it (decision 0023).
    if (last) this.result = last.kind === 'missed' ? MISSED : TIMEOUT;
  }

  private computeState(): TrackState {
    if (this.suspended === 'paused') return 'paused';
    if (this.suspended === 'disabled') return this.current;
    if (this.result === OK && Number.isFinite(this.pending) && this.pending <= this.clock) return 'late';
    return RESULT_STATES[this.result]!;
  }

  private report(at: number, out: DetectionResult): void {
    const next = this.computeState();
    if (next === this.current) return;
    out.transitions.push({ monitorId: this.monitor.id, environment: this.environment, from: this.current, to: next, at });
    this.current = next;
  }
}

function includes(ids: string[] | null, id: string): boolean {
  return ids !== null && ids.includes(id);
}

/** The ids still among the open runs, or null when none is. */
function stillOpen(ids: string[] | null, open: readonly OpenRun[]): string[] | null {
  if (ids === null) return null;
  const still = ids.filter((id) => open.some((run) => run.checkinId === id));
  return still.length > 0 ? still : null;
}

function pairs(flat: number[] | null): Array<[number, HeldKind]> {
  const out: Array<[number, HeldKind]> = [];
  if (flat)
    for (let index = 0; index < flat.length; index += 2)
      out.push([flat[index]!, flat[index + 1] === HELD_ERROR ? HELD_ERROR : flat[index + 1] === HELD_START ? HELD_START : HELD_OK]);
  return out;
}

function nullable(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}
