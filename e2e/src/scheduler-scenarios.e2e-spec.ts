import { randomUUID } from 'node:crypto';
import type { CheckinMessageV1, MonitorEventV1 } from '@vigil/contracts';
import { resetTestTopics, ServiceProcess, testConfig, waitFor } from '@vigil/testing';
import { CHECKIN_PARTITIONS, checkinPartition, EventTimeline, uniqueSlug, Vigil, type SentryMonitorConfig } from './support';

/**
 * The scheduler under the situations a deployment meets: a check-in ahead of its monitor's configuration, a
 * backlog after a restart, an instance killed while another takes over, pause and resume, a schedule changed
 * mid-run, and repeated or reordered check-ins. As in scheduler.e2e-spec.ts the clock is the test's: the
 * scheduler writes no pulses (VIGIL_SCHEDULER_PULSE_MS=0), the test writes check-ins and pulses with chosen event
 * times, and after each timeline waits until the scheduler has committed every input (`caughtUp`), so the events
 * read then are all it will say. Each scenario has its own monitor and environments and its own day of event
 * time (two days ahead, so no real-time data mixes in); scenarios run in order, since event time only moves
 * forward in a partition.
 *
 * Expectations are sets of deterministic event ids (`<monitor>:<env>:<slot>:missed`,
 * `<monitor>:<env>:<checkin_id>:timeout`): a repeat of an id is allowed (consumers drop it) and tallied,
 * a missing or an unexpected id fails.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SECOND = 1000;
/** Hourly, missed 5 minutes after the hour, timed out 30 minutes after a start. */
const HOURLY: SentryMonitorConfig = { schedule: { type: 'crontab', value: '0 * * * *' }, checkin_margin: 5, max_runtime: 30 };
/** How long a committed Postgres change is given to reach the scheduler (NOTIFY, then one row read: milliseconds). */
const CONFIG_PROPAGATION_MS = 1000;
/** A killed member's partitions move after its session times out (10 s, see TopicConsumer). */
const TAKEOVER_TIMEOUT_MS = 45000;

type MonitorRef = { slug: string; id: string };
const SCENARIO_MONITORS = ['backlog', 'takeover', 'pause', 'reconfig', 'dupes', 'rules'] as const;
type ScenarioMonitor = (typeof SCENARIO_MONITORS)[number];

let vigil: Vigil;
let timeline: EventTimeline;
let schedulerEnv: Record<string, string>;
/** The scheduler instances running now; the scenarios stop, restart and kill them. */
let schedulers: ServiceProcess[] = [];
/** Monitors created before the scheduler starts, so it loads them with everything else. */
const monitors = new Map<ScenarioMonitor, MonitorRef>();
/** An even UTC hour two days ahead: scenario n runs from `firstBase + (n - 1) days`. */
let firstBase = 0;
/** Per scenario: events read, distinct ids, repeats (printed at the end). */
const tally: string[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const baseOf = (scenario: number) => firstBase + (scenario - 1) * DAY;

function monitor(name: ScenarioMonitor): MonitorRef {
  const found = monitors.get(name);
  if (!found) throw new Error(`monitor ${name} was not created`);
  return found;
}

/** `+2h`, `+1h05m`, `-20s`: an offset from a scenario's base, for failure output. */
function offsetLabel(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  let rest = Math.abs(ms);
  const hours = Math.floor(rest / HOUR);
  rest -= hours * HOUR;
  const minutes = Math.floor(rest / MINUTE);
  const seconds = Math.round((rest - minutes * MINUTE) / SECOND);
  return (
    `${sign}${hours > 0 ? `${hours}h` : ''}${minutes > 0 ? `${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}m` : ''}${seconds > 0 ? `${seconds}s` : ''}` ||
    '+0'
  );
}

function byLabel(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * One scenario's monitor, environments and base time: writes its check-ins and pulses at offsets from the base,
 * names its runs, and compares the distinct event ids the scheduler emitted for its tracks with the expected
 * ones, shown as labels (`backlog missed +2h`, `backlog timeout left-open`).
 */
class Scenario {
  private readonly runNames = new Map<string, string>();

  constructor(
    readonly title: string,
    readonly monitor: MonitorRef,
    readonly base: number,
    readonly environments: readonly string[],
    /** Appended to an environment in labels (e.g. which instance owned its partition). */
    private readonly note: (environment: string) => string = () => '',
  ) {}

  /** A new run id, shown by `name` in failure output. */
  run(name: string): string {
    const id = randomUUID();
    this.runNames.set(id, name);
    return id;
  }

  message(environment: string, status: CheckinMessageV1['status'], offset: number, checkinId: string = randomUUID()): CheckinMessageV1 {
    return timeline.message({
      projectId: Number(vigil.credentials.VIGIL_PROJECT_ID),
      monitorId: this.monitor.id,
      slug: this.monitor.slug,
      environment,
      status,
      checkinId,
      at: this.base + offset,
    });
  }

  async checkin(environment: string, status: CheckinMessageV1['status'], offset: number, checkinId?: string): Promise<CheckinMessageV1> {
    const message = this.message(environment, status, offset, checkinId);
    await timeline.produce(message);
    return message;
  }

  pulse(offset: number): Promise<void> {
    return timeline.pulse(this.base + offset);
  }

  missed(environment: string, slotOffset: number): string {
    return `${this.monitor.id}:${environment}:${this.base + slotOffset}:missed`;
  }

  timeout(environment: string, checkinId: string): string {
    return `${this.monitor.id}:${environment}:${checkinId}:timeout`;
  }

  /** The events read so far for this scenario's tracks (its monitor's setup environment left out). */
  events(): MonitorEventV1[] {
    return timeline.events.filter((event) => event.monitor_id === this.monitor.id && this.environments.includes(event.environment));
  }

  label(id: string): string {
    const prefix = `${this.monitor.id}:`;
    if (!id.startsWith(prefix)) return id;
    const rest = id.slice(prefix.length);
    const kind = rest.slice(rest.lastIndexOf(':') + 1);
    const head = rest.slice(0, rest.lastIndexOf(':'));
    const environment = head.slice(0, head.lastIndexOf(':'));
    const subject = head.slice(head.lastIndexOf(':') + 1);
    const what = kind === 'missed' ? `missed ${offsetLabel(Number(subject) - this.base)}` : `${kind} ${this.runNames.get(subject) ?? subject}`;
    return `${environment}${this.note(environment)} ${what}`;
  }

  /**
   * What was observed and what was wanted, as two objects for one `toEqual`: the distinct event ids as labels,
   * events whose id does not match their own fields, and for the ids in `emittedAt` the event time (offset)
   * of the pulse that first produced them. Tallies the repeats.
   */
  compare(
    expected: readonly string[],
    emittedAt: ReadonlyMap<string, number> = new Map(),
  ): { observed: Record<string, unknown>; wanted: Record<string, unknown> } {
    const events = this.events();
    const distinct = [...new Set(events.map((event) => event.event_id))];
    tally.push(`${this.title}: ${events.length} event(s), ${distinct.length} distinct id(s), ${events.length - distinct.length} repeat(s)`);
    const inconsistent = events
      .filter(
        (event) =>
          event.event_id !==
          (event.kind === 'missed' ? this.missed(event.environment, event.slot - this.base) : this.timeout(event.environment, event.checkin_id)),
      )
      .map((event) => `${event.event_id} (kind ${event.kind}, slot ${event.slot}, checkin_id ${event.checkin_id})`);
    const firstEmitted = (id: string) => {
      const times = events.filter((event) => event.event_id === id).map((event) => event.emitted_at);
      return times.length === 0 ? 'never' : offsetLabel(Math.min(...times) - this.base);
    };
    return {
      observed: {
        events: distinct.map((id) => this.label(id)).sort(byLabel),
        inconsistent,
        emittedAt: Object.fromEntries([...emittedAt.keys()].map((id) => [this.label(id), firstEmitted(id)])),
      },
      wanted: {
        events: expected.map((id) => this.label(id)).sort(byLabel),
        inconsistent: [],
        emittedAt: Object.fromEntries([...emittedAt].map(([id, offset]) => [this.label(id), offsetLabel(offset)])),
      },
    };
  }

  /** Every event read for this scenario, in order, with the event time that produced it (for a failure). */
  describeEvents(): string {
    return this.events()
      .map((event) => `  ${this.label(event.event_id)}, emitted at ${offsetLabel(event.emitted_at - this.base)}`)
      .join('\n');
  }

  /** Asserts that the distinct event ids of this scenario's tracks are exactly `expected`. */
  verify(
    expected: readonly string[],
    emittedAt?: ReadonlyMap<string, number>,
    extra: { observed?: Record<string, unknown>; wanted?: Record<string, unknown> } = {},
  ): void {
    const { observed, wanted } = this.compare(expected, emittedAt);
    try {
      expect({ ...observed, ...extra.observed }).toEqual({ ...wanted, ...extra.wanted });
    } catch (error) {
      console.log(`${this.title}: the scheduler emitted, in order read:\n${this.describeEvents() || '  nothing'}`);
      throw error;
    }
  }
}

/** The one scheduler instance the scenario runs with (started if an earlier scenario left none). */
async function oneScheduler(): Promise<ServiceProcess> {
  if (schedulers.length === 0) schedulers.push(await ServiceProcess.start('scheduler', schedulerEnv));
  if (schedulers.length !== 1) throw new Error(`${schedulers.length} scheduler instances are running; this scenario needs one`);
  return schedulers[0]!;
}

beforeAll(async () => {
  // The scheduler's partition clocks only move forward: start from empty topics, whatever spec ran before.
  await resetTestTopics(testConfig());
  vigil = await Vigil.start();
  schedulerEnv = {
    ...vigil.env,
    VIGIL_SCHEDULER_PULSE_MS: '0',
    // The test's clock runs days ahead of the beats of the ingest it started: the outage guard would rightly read
    // that as ingest's silence and record every miss as unknown (decision 0023; outage-guard.e2e-spec.ts tests it).
    VIGIL_OUTAGE_GUARD: 'off',
    VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS: String(90 * 24 * 3600_000),
  };
  await Promise.all(
    SCENARIO_MONITORS.map(async (name) => {
      const slug = uniqueSlug(`sched-${name}`);
      await vigil.createMonitor(slug, HOURLY);
      monitors.set(name, { slug, id: await vigil.monitorId(slug) });
    }),
  );
  timeline = await EventTimeline.start(testConfig());
  schedulers.push(await ServiceProcess.start('scheduler', schedulerEnv));
  firstBase = Math.ceil((Date.now() + 2 * DAY) / (2 * HOUR)) * 2 * HOUR;
});

afterAll(async () => {
  await Promise.allSettled([timeline?.stop(), ...schedulers.map((scheduler) => scheduler.stop())]);
  await vigil?.stop();
  if (tally.length > 0) console.log(`monitor events per scenario (repeats of an id are allowed):\n${tally.join('\n')}`);
});

describe('scheduler scenarios', () => {
  /**
   * The timeline of scheduler.e2e-spec.ts, written at once (without waiting for each acknowledgement: the
   * producer keeps their order) for a monitor the scheduler may not know yet. Returns the events expected.
   */
  async function timelineBeforeConfig(s: Scenario, environment: string): Promise<string[]> {
    const first = s.run('first');
    const early = s.run('early');
    await Promise.all([
      s.checkin(environment, 'in_progress', 10 * SECOND, first),
      s.checkin(environment, 'ok', 70 * SECOND, first),
      s.pulse(30 * MINUTE),
      s.pulse(HOUR + 6 * MINUTE), // nothing for +1h: missed
      s.checkin(environment, 'in_progress', 2 * HOUR - 20 * SECOND, early), // 20 s early: counts for +2h
      s.pulse(2 * HOUR + 6 * MINUTE),
      s.pulse(3 * HOUR + 6 * MINUTE), // the early run passed its 30 min; +3h missed
    ]);
    return [s.missed(environment, HOUR), s.timeout(environment, early), s.missed(environment, 3 * HOUR)];
  }

  /**
   * Once the configuration has had time to arrive, one more pulse (a live scheduler writes them continuously):
   * what became due while the configuration was unknown comes out with it.
   */
  async function pulseAfterConfig(s: Scenario): Promise<void> {
    await sleep(CONFIG_PROPAGATION_MS);
    await s.pulse(3 * HOUR + 7 * MINUTE);
    await timeline.caughtUp();
  }

  it('1. counts check-ins that arrive before their monitor configuration as if it had been known', async () => {
    await oneScheduler();
    const environment = 'before-config';
    const slug = uniqueSlug('sched-unknown');
    // The scheduler runs already: it learns of the monitor through NOTIFY while the timeline is on its way.
    await vigil.createMonitor(slug, HOURLY);
    const s = new Scenario('1 before config (race)', { slug, id: await vigil.monitorId(slug) }, baseOf(1), [environment]);
    const expected = await timelineBeforeConfig(s, environment);
    await pulseAfterConfig(s);
    s.verify(expected);
  });

  it('1b. ... also when the configuration reaches the scheduler only after it read the whole timeline (NOTIFY held back)', async () => {
    await oneScheduler();
    const environment = 'before-config';
    const slug = uniqueSlug('sched-late-config');
    const { s, expected } = await vigil.withMonitorNotificationsHeld(async () => {
      await vigil.createMonitor(slug, HOURLY);
      // Half a day after scenario 1, on the same clock.
      const scenario = new Scenario('1b before config (held)', { slug, id: await vigil.monitorId(slug) }, baseOf(1) + 12 * HOUR, [environment]);
      return { s: scenario, expected: await timelineBeforeConfig(scenario, environment) };
    });
    await timeline.caughtUp(); // all of it read while the monitor was unknown
    await vigil.announceMonitor(s.monitor.id);
    await pulseAfterConfig(s);
    s.verify(expected);
  });

  it('2. after a graceful restart, reports the backlog written while it was down: every miss and timeout once, no false miss', async () => {
    const environment = 'backlog';
    const s = new Scenario('2 backlog', monitor('backlog'), baseOf(2), [environment]);
    const first = s.run('first');
    const left = s.run('left-open');
    const early = s.run('early');
    await oneScheduler();
    await s.checkin(environment, 'in_progress', 10 * SECOND, first);
    await s.checkin(environment, 'ok', 60 * SECOND, first);
    await s.pulse(30 * MINUTE);
    await s.checkin(environment, 'ok', HOUR + 15 * SECOND); // a heartbeat for +1h
    await s.pulse(HOUR + 30 * MINUTE);
    await timeline.caughtUp();
    expect(await schedulers.shift()!.stop()).toBe(0);

    // Down: deadlines fall while nobody reads.
    await s.pulse(2 * HOUR + 6 * MINUTE); // +2h missed
    await s.checkin(environment, 'in_progress', 3 * HOUR + 10 * SECOND, left); // never closed
    await s.pulse(3 * HOUR + 40 * MINUTE); // left-open timed out at +3h30m10s
    await s.pulse(4 * HOUR + 6 * MINUTE); // +4h missed
    await s.checkin(environment, 'ok', 5 * HOUR + 20 * SECOND);
    await s.pulse(5 * HOUR + 30 * MINUTE);
    await s.pulse(6 * HOUR + 6 * MINUTE); // +6h missed
    await s.checkin(environment, 'in_progress', 7 * HOUR - 30 * SECOND, early); // counts for +7h
    await s.checkin(environment, 'ok', 7 * HOUR + 2 * MINUTE, early);
    await s.pulse(7 * HOUR + 6 * MINUTE);

    schedulers.push(await ServiceProcess.start('scheduler', schedulerEnv));
    await s.pulse(8 * HOUR + 6 * MINUTE); // +8h missed, after the restart
    await timeline.caughtUp();
    s.verify([
      s.missed(environment, 2 * HOUR),
      s.timeout(environment, left),
      s.missed(environment, 4 * HOUR),
      s.missed(environment, 6 * HOUR),
      s.missed(environment, 8 * HOUR),
    ]);
  });

  it('3. when one of two instances is killed, the other takes its partitions over: every event once, nothing unexpected', async () => {
    const ref = monitor('takeover');
    // One environment per check-ins partition, so both instances own some of the tracks.
    const byPartition = new Map<number, string>();
    for (let n = 0; byPartition.size < CHECKIN_PARTITIONS; n += 1) {
      const environment = `takeover-${n}`;
      const partition = checkinPartition(ref.id, environment);
      if (!byPartition.has(partition)) byPartition.set(partition, environment);
    }
    const environments = [...byPartition.entries()].sort(([a], [b]) => a - b).map(([, environment]) => environment);
    const partitionOf = new Map([...byPartition].map(([partition, environment]) => [environment, partition]));

    const victim = await oneScheduler();
    const alone = await timeline.waitForSchedulerGroup(1);
    const victimMember = alone.members[0]!.memberId;
    const port = String(Number(schedulerEnv['VIGIL_SCHEDULER_PORT']) + 50);
    const survivor = await ServiceProcess.start('scheduler', { ...schedulerEnv, VIGIL_SCHEDULER_PORT: port });
    schedulers.push(survivor);
    try {
      const pair = await timeline.waitForSchedulerGroup(2);
      const victimPartitions = pair.members.find((member) => member.memberId === victimMember)?.partitions;
      if (!victimPartitions) throw new Error(`the first instance (${victimMember}) left the group when the second joined: ${JSON.stringify(pair)}`);
      const note = (environment: string) => {
        const partition = partitionOf.get(environment) ?? -1;
        return ` (p${partition}, ${victimPartitions.includes(partition) ? 'killed' : 'survivor'})`;
      };
      const s = new Scenario('3 takeover', ref, baseOf(3), environments, note);
      const starts = new Map(environments.map((environment) => [environment, s.run(`start-${environment}`)]));
      const even = environments.filter((_, index) => index % 2 === 0);
      const odd = environments.filter((_, index) => index % 2 === 1);
      const quiet2h = environments.filter((_, index) => index % 3 !== 0);
      const all = (write: (environment: string) => Promise<unknown>) => Promise.all(environments.map(write));

      await all((environment) => s.checkin(environment, 'ok', 10 * SECOND));
      await s.pulse(30 * MINUTE);
      await Promise.all(even.map((environment) => s.checkin(environment, 'in_progress', HOUR + 10 * SECOND, starts.get(environment))));
      await s.pulse(HOUR + 6 * MINUTE); // odd: +1h missed
      await timeline.caughtUp();

      await victim.kill();
      schedulers = schedulers.filter((scheduler) => scheduler !== victim);
      // Written at once, while the killed member still holds its partitions in the group.
      await s.pulse(HOUR + 40 * MINUTE); // even: the +1h runs timed out
      await Promise.all(environments.filter((_, index) => index % 3 === 0).map((environment) => s.checkin(environment, 'ok', 2 * HOUR + 10 * SECOND)));
      await s.pulse(2 * HOUR + 6 * MINUTE); // the others: +2h missed
      await all((environment) => s.checkin(environment, 'ok', 3 * HOUR + 10 * SECOND));
      await s.pulse(3 * HOUR + 6 * MINUTE);
      await s.pulse(4 * HOUR + 6 * MINUTE); // all: +4h missed
      await timeline.caughtUp(TAKEOVER_TIMEOUT_MS);

      s.verify([
        ...odd.map((environment) => s.missed(environment, HOUR)),
        ...even.map((environment) => s.timeout(environment, starts.get(environment)!)),
        ...quiet2h.map((environment) => s.missed(environment, 2 * HOUR)),
        ...environments.map((environment) => s.missed(environment, 4 * HOUR)),
      ]);
    } finally {
      // Later scenarios run with one instance, whatever happened here.
      for (const extra of schedulers.splice(1)) await extra.stop();
    }
  });

  it('4. a paused monitor produces nothing; resumed, its track is new until a check-in, then misses again', async () => {
    const environment = 'pause';
    const ref = monitor('pause');
    const s = new Scenario('4 pause', ref, baseOf(4), [environment]);
    const open = s.run('open-across-pause');
    await oneScheduler();
    await s.checkin(environment, 'ok', 10 * SECOND);
    await s.pulse(HOUR + 6 * MINUTE); // +1h missed (active)
    await timeline.caughtUp();

    await vigil.setMonitorStatus(ref.id, 'paused');
    await sleep(CONFIG_PROPAGATION_MS);
    await s.pulse(2 * HOUR + 6 * MINUTE); // paused: no miss
    await s.checkin(environment, 'in_progress', 3 * HOUR + 10 * SECOND, open);
    await s.pulse(3 * HOUR + 45 * MINUTE); // paused: no timeout
    await s.pulse(4 * HOUR + 6 * MINUTE);
    await timeline.caughtUp();

    await vigil.setMonitorStatus(ref.id, 'active');
    await sleep(CONFIG_PROPAGATION_MS);
    await s.pulse(5 * HOUR + 6 * MINUTE); // new again: no miss; the run open across the pause never times out
    await s.pulse(6 * HOUR + 6 * MINUTE);
    await s.checkin(environment, 'ok', 7 * HOUR + 10 * SECOND);
    await s.pulse(8 * HOUR + 6 * MINUTE); // +8h missed
    await timeline.caughtUp();
    s.verify([s.missed(environment, HOUR), s.missed(environment, 8 * HOUR)]);
  });

  it("5. a schedule and margin changed through ingest mid-run apply from the change: no misses of the old schedule's slots, the new ones missed at the new margin", async () => {
    const environment = 'reconfig';
    const ref = monitor('reconfig');
    const s = new Scenario('5 reconfig', ref, baseOf(5), [environment]);
    await oneScheduler();
    await s.checkin(environment, 'ok', 10 * SECOND);
    await s.pulse(HOUR + 6 * MINUTE); // +1h missed (hourly)
    await s.checkin(environment, 'ok', 2 * HOUR + 10 * SECOND);
    await s.pulse(2 * HOUR + 20 * MINUTE);
    await timeline.caughtUp();

    // Every two hours (base is an even UTC hour, so +4h, +6h, +8h), 30 minutes of margin.
    await vigil.createMonitor(ref.slug, { ...HOURLY, schedule: { type: 'crontab', value: '0 */2 * * *' }, checkin_margin: 30 });
    await sleep(CONFIG_PROPAGATION_MS);
    await s.pulse(3 * HOUR + 6 * MINUTE); // +3h is no slot any more
    await s.pulse(4 * HOUR + 6 * MINUTE); // the old margin would have missed +4h here
    await s.pulse(4 * HOUR + 29 * MINUTE);
    await s.pulse(4 * HOUR + 31 * MINUTE); // +4h missed
    await s.checkin(environment, 'ok', 6 * HOUR + 10 * SECOND);
    await s.pulse(6 * HOUR + 31 * MINUTE);
    await s.pulse(7 * HOUR + 6 * MINUTE); // +7h is no slot any more
    await s.pulse(8 * HOUR + 31 * MINUTE); // +8h missed
    await timeline.caughtUp();
    const missed4h = s.missed(environment, 4 * HOUR);
    s.verify([s.missed(environment, HOUR), missed4h, s.missed(environment, 8 * HOUR)], new Map([[missed4h, 4 * HOUR + 31 * MINUTE]]));
  });

  it('6. repeated and reordered check-ins count once: no false miss or timeout, nothing moved backwards', async () => {
    const environment = 'dupes';
    const ref = monitor('dupes');
    const s = new Scenario('6 dupes', ref, baseOf(6), [environment]);
    const twice = s.run('twice');
    const reversed = s.run('ok-before-start');
    await oneScheduler();
    const start = s.message(environment, 'in_progress', 10 * SECOND, twice);
    const finish = s.message(environment, 'ok', 70 * SECOND, twice);
    for (const message of [start, start, finish, finish]) await timeline.produce(message); // each delivered twice
    await s.pulse(30 * MINUTE);
    await s.checkin(environment, 'ok', HOUR + 70 * SECOND, reversed); // its end arrives first,
    await s.checkin(environment, 'in_progress', HOUR + 10 * SECOND, reversed); // its start after
    await s.pulse(HOUR + 6 * MINUTE);
    await s.pulse(HOUR + 45 * MINUTE); // past the reversed run's 30 min: it finished, no timeout
    await s.pulse(2 * HOUR + 6 * MINUTE); // +2h missed
    await s.checkin(environment, 'ok', 3 * HOUR + 20 * SECOND);
    await s.checkin(environment, 'ok', 2 * HOUR + 50 * MINUTE); // older than the one before it
    await s.pulse(3 * HOUR + 6 * MINUTE); // +3h was checked in
    await s.pulse(4 * HOUR + 6 * MINUTE); // +4h missed
    await timeline.caughtUp();

    // History's view of the same stream: each run once (twice, ok-before-start, two heartbeats, two misses).
    const runs = await vigil.api.waitForRuns(ref.slug, 6, { environment, timeoutMs: 15000 }).then(
      (found) => found.map((run) => run.status).sort(),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    s.verify([s.missed(environment, 2 * HOUR), s.missed(environment, 4 * HOUR)], undefined, {
      observed: { runs },
      wanted: { runs: ['missed', 'missed', 'ok', 'ok', 'ok', 'ok'] },
    });
  });

  it("7. Sentry's run rules: heartbeats move the timeout, a timed-out run stays timeout with its late duration, a second close is ignored and recorded, a close from another environment too", async () => {
    const environment = 'rules';
    const ref = monitor('rules');
    const s = new Scenario('7 rules', ref, baseOf(7), [environment]);
    const beating = s.run('beating');
    const beatLate = s.run('beat-then-late');
    const closedTwice = s.run('closed-twice');
    const elsewhere = s.run('closed-elsewhere');
    await oneScheduler();
    await s.checkin(environment, 'in_progress', 10 * SECOND, beating);
    await s.checkin(environment, 'in_progress', 25 * MINUTE, beating); // a heartbeat: due at +55m now
    await s.pulse(40 * MINUTE); // past start + 30 min: no timeout
    await s.checkin(environment, 'ok', 50 * MINUTE, beating);
    await s.checkin(environment, 'in_progress', HOUR + 10 * SECOND, beatLate);
    await s.checkin(environment, 'in_progress', HOUR + 20 * MINUTE, beatLate); // due at +1h50m
    await s.pulse(HOUR + 51 * MINUTE);
    await timeline.produce({ ...s.message(environment, 'ok', HOUR + 55 * MINUTE, beatLate), duration_ms: 55 * MINUTE }); // after its timeout
    await s.checkin(environment, 'in_progress', 2 * HOUR + 10 * SECOND, closedTwice);
    await s.checkin(environment, 'error', 2 * HOUR + MINUTE, closedTwice);
    await s.checkin(environment, 'ok', 2 * HOUR + 2 * MINUTE, closedTwice); // the first close stands
    await s.checkin(environment, 'in_progress', 2 * HOUR + 3 * MINUTE, closedTwice); // a start after its close: ignored
    await s.checkin(environment, 'in_progress', 2 * HOUR + 5 * MINUTE, elsewhere);
    // Its close names another environment: once its start is stored (history looks the run up), it closes nothing.
    await vigil.api.waitForRuns(ref.slug, 4, { environment, timeoutMs: 15000, settled: (runs) => runs.some((run) => run.id === elsewhere) });
    await s.checkin(`${environment}-staging`, 'ok', 2 * HOUR + 6 * MINUTE, elsewhere);
    await s.pulse(2 * HOUR + 40 * MINUTE); // the run left open times out at +2h35m
    await timeline.caughtUp();

    // History and the API: the timeout stands with the late close's duration, the first close stands.
    const names = new Map([
      [beating, 'beating'],
      [beatLate, 'beat-then-late'],
      [closedTwice, 'closed-twice'],
      [elsewhere, 'closed-elsewhere'],
    ]);
    const runs = await vigil.api.waitForRuns(ref.slug, 4, { environment, timeoutMs: 15000 }).then(
      (found) => found.map((run) => [names.get(run.id) ?? run.id, run.status, run.duration]),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const recorded = await waitFor(`the checkin_finished processing error of ${ref.slug}`, async () => {
      const response = await fetch(
        `${vigil.api.url}/api/0/projects/${vigil.credentials.VIGIL_ORG}/${vigil.credentials.VIGIL_PROJECT}/monitors/${ref.slug}/processing-errors/`,
        {
          headers: { authorization: `Bearer ${vigil.credentials.VIGIL_API_TOKEN}` },
        },
      );
      const entries = (await response.json()) as Array<{ environment: string | null; errors: Array<{ code: string; field: string | null }> }>;
      return entries.length > 1 ? entries : undefined;
    }).then(
      (entries) => entries.map((entry) => [entry.environment, entry.errors.map((error) => `${error.code} ${error.field ?? ''}`)]).sort(),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const emittedAt = new Map([
      [s.timeout(environment, beatLate), HOUR + 51 * MINUTE],
      [s.timeout(environment, elsewhere), 2 * HOUR + 40 * MINUTE],
    ]);
    s.verify([s.timeout(environment, beatLate), s.timeout(environment, elsewhere)], emittedAt, {
      observed: { runs, recorded },
      wanted: {
        runs: [
          ['closed-elsewhere', 'timeout', null],
          ['closed-twice', 'error', MINUTE - 10 * SECOND],
          ['beat-then-late', 'timeout', 55 * MINUTE],
          ['beating', 'ok', 50 * MINUTE - 10 * SECOND],
        ],
        recorded: [
          [environment, ['checkin_finished check_in_id']],
          [`${environment}-staging`, ['checkin_environment_mismatch check_in_id']],
        ],
      },
    });
  });
});
