import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { monitorIdFor } from '@vigil/contracts';
import { parseMetricsText, sampleValue } from '@vigil/metrics';
import { resetTestTopics, ServiceProcess, testConfig, waitFor } from '@vigil/testing';
import { EventTimeline, HttpReceiver, IssueFeed, Vigil } from './support';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const MONITORS = 500;
const STOPPING = 100;

/**
 * Issue #14, decision 0023: the outage guard in the whole chain (scheduler → issues → notifier → webhook, history),
 * every service a real process on real Kafka, with the clock in the test's hands: the timeline writes check-ins,
 * ingest beats and clock pulses dated in the past, as ingest and the scheduler would have (the scheduler writes no
 * pulses, and the real ingest, which created the monitors, is stopped before the scheduler starts).
 *
 * 500 monitors check in every minute (`* * * * *`, margin 1 minute, an issue at the first failure, one webhook rule
 * for the project). Minutes 8 to 10: nothing, not even a beat (ingest down). Minutes 11 to 13: all back. From
 * minute 14: 100 of them stop for good while the other 400 keep their volume (a cron host dying).
 * Expected: the 1,500 slots of the silent minutes are `unknown` (history, run results) and alert nobody; the guard
 * opens one incident, for ingest's silence, and none for the 100; each of the 100 is missed and alerted once.
 */
describe('outage guard: misses while ingest is down are unknown, a real mass failure is alerted', () => {
  let vigil: Vigil;
  let scheduler: ServiceProcess;
  const services: ServiceProcess[] = [];
  let timeline: EventTimeline;
  let feed: IssueFeed;
  const receiver = new HttpReceiver();
  const hookPath = `/hook/outage-guard-${randomUUID()}`;
  const slugs = Array.from({ length: MONITORS }, (_, index) => `guard-${index}-${randomUUID().slice(0, 8)}`);
  let projectId = 0;
  let ids: string[] = [];

  beforeAll(async () => {
    // Partition clocks only move forward: start from empty topics, whatever ran before.
    await resetTestTopics(testConfig());
    await receiver.start();
    vigil = await Vigil.start({ VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8' });
    projectId = Number(vigil.credentials.VIGIL_PROJECT_ID);
    const config = {
      schedule: { type: 'crontab', value: '* * * * *' },
      checkin_margin: 1,
      max_runtime: 30,
      timezone: 'UTC',
      failure_issue_threshold: 1,
      recovery_threshold: 1,
    } as const;
    for (let from = 0; from < MONITORS; from += 25) await Promise.all(slugs.slice(from, from + 25).map((slug) => vigil.createMonitor(slug, config)));
    ids = slugs.map((slug) => monitorIdFor(projectId, slug));
    await waitFor('the 500 monitors in the API', async () => ((await vigil.monitorId(slugs[MONITORS - 1]!).catch(() => null)) ? true : undefined), {
      timeoutMs: 30000,
    });
    // From here on the test is ingest: its beats are the timeline's.
    await vigil.service('ingest').stop();

    const integration = await vigil.api.call<{ id: string }>('POST', 'integrations/', {
      name: 'Guard hook',
      type: 'webhook',
      config: { url: receiver.url(hookPath), secret: `vigil_whsec_${randomUUID().replace(/-/g, '')}` },
    });
    expect(integration).toMatchObject({ status: 201 });
    const rule = await vigil.api.call('POST', 'alert-rules/', { project: vigil.credentials.VIGIL_PROJECT, monitor: null, integration: integration.json.id });
    expect(rule).toMatchObject({ status: 201 });

    scheduler = await ServiceProcess.start('scheduler', { ...vigil.env, VIGIL_SCHEDULER_PULSE_MS: '0', VIGIL_LOG_LEVEL: 'warn' }, { keepStdout: true });
    services.push(
      scheduler,
      ...(await Promise.all([ServiceProcess.start('issues', vigil.env), ServiceProcess.start('notifier', { ...vigil.env, VIGIL_NOTIFIER_POLL_MS: '100' })])),
    );
    [timeline, feed] = await Promise.all([EventTimeline.start(testConfig()), IssueFeed.start(testConfig())]);
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled([timeline?.stop(), feed?.stop(), ...services.map((service) => service.stop())]);
    await vigil?.stop();
    await receiver.stop();
  });

  it('records the silent minutes as unknown with no alert, opens one incident, and alerts each of the 100 that stopped', async () => {
    const base = Math.floor((Date.now() - 60 * MINUTE) / MINUTE) * MINUTE;
    const down = (minute: number) => minute >= 8 && minute <= 10;
    const senders = (minute: number): readonly number[] =>
      down(minute) ? [] : Array.from({ length: minute >= 14 ? MONITORS - STOPPING : MONITORS }, (_, index) => index);
    for (let minute = 0; minute < 20; minute += 1) {
      const start = base + minute * MINUTE;
      await Promise.all(
        senders(minute).map((index) =>
          timeline.checkin({
            projectId,
            monitorId: ids[index]!,
            slug: slugs[index]!,
            environment: 'production',
            status: 'ok',
            checkinId: randomUUID(),
            at: start + index * 10,
          }),
        ),
      );
      for (let second = 0; second < 60; second += 5) {
        if (!down(minute)) await timeline.beat(start + second * SECOND);
        await timeline.pulse(start + second * SECOND + 500);
      }
    }
    await timeline.caughtUp(120000);
    await feed.caughtUp(120000);

    const ours = new Set(ids);
    const mine = timeline.events.filter((event) => ours.has(event.monitor_id));
    const slotMinute = (slot: number) => (slot - base) / MINUTE;
    const unknown = mine.filter((event) => event.kind === 'unknown');
    const missed = mine.filter((event) => event.kind === 'missed');
    // Every monitor's slots 8, 9 and 10 (due at 9, 10 and 11), and nothing else, are unknown.
    expect(unknown).toHaveLength(3 * MONITORS);
    expect([...new Set(unknown.map((event) => slotMinute(event.slot)))].sort((a, b) => a - b)).toEqual([8, 9, 10]);
    // Only the 100 that stopped miss: slots 14 to 18 (the last one due by minute 19's pulses).
    expect(new Set(missed.map((event) => event.monitor_id))).toEqual(new Set(ids.slice(MONITORS - STOPPING)));
    expect([...new Set(missed.map((event) => slotMinute(event.slot)))].sort((a, b) => a - b)).toEqual([14, 15, 16, 17, 18]);
    // The issues service saw the unknowns and opened nothing for them: one issue per stopped monitor.
    expect(feed.results.filter((result) => ours.has(result.monitor_id) && result.kind === 'unknown')).toHaveLength(3 * MONITORS);
    const opened = feed.events.filter((event) => ours.has(event.monitor_id) && event.kind === 'issue.opened');
    expect(opened.map((event) => event.monitor_id).sort()).toEqual(ids.slice(MONITORS - STOPPING).sort());
    expect(opened.every((event) => event.status === 'missed' && slotMinute(event.slot ?? 0) === 14)).toBe(true);

    // Each of the 100 alerted once, by webhook; nobody else.
    const hooks = await waitFor('100 webhooks', () => (receiver.to(hookPath).length >= STOPPING ? receiver.to(hookPath) : undefined), {
      timeoutMs: 60000,
      intervalMs: 100,
    });
    const alerted = hooks.map((hook) => (JSON.parse(hook.body) as { type: string; monitor: { id: string } }).monitor.id);
    expect(new Set(alerted)).toEqual(new Set(ids.slice(MONITORS - STOPPING)));
    expect(hooks).toHaveLength(STOPPING);

    // History: the unknown slots are rows with status unknown, read back through the API.
    const sample = slugs[0]!;
    const rows = await waitFor(
      'the unknown check-ins of one monitor in history',
      async () => {
        const found = (await vigil.api.checkins(sample)).filter((checkin) => checkin.status === 'unknown');
        return found.length >= 3 ? found : undefined;
      },
      { timeoutMs: 60000, intervalMs: 500 },
    );
    expect(rows.map((row) => slotMinute(Date.parse(row.expectedTime!))).sort((a, b) => a - b)).toEqual([8, 9, 10]);

    // One incident, for ingest's silence; none for the 100.
    const lines = scheduler.stdout
      .split('\n')
      .filter((line) => line.includes('outage guard'))
      .map((line) => JSON.parse(line) as { msg: string; cause: string; from: string; to?: string });
    expect(lines.map((line) => `${line.msg.split(' (')[0]} ${line.cause}`)).toEqual([
      'outage guard: incident opened ingest_silent',
      'outage guard: incident closed ingest_silent',
    ]);
    const closed = lines[1]!;
    expect(Date.parse(closed.from)).toBeGreaterThanOrEqual(base + 7 * MINUTE + 55 * SECOND);
    expect(Date.parse(closed.from)).toBeLessThanOrEqual(base + 8 * MINUTE + 10 * SECOND);
    expect(Date.parse(closed.to!)).toBeGreaterThanOrEqual(base + 11 * MINUTE);
    expect(Date.parse(closed.to!)).toBeLessThan(base + 12 * MINUTE);
    const samples = parseMetricsText(await (await fetch(scheduler.metricsUrl)).text());
    expect(sampleValue(samples, 'vigil_outage_guard_incidents_total', { cause: 'ingest_silent' })).toBe(1);
    expect(sampleValue(samples, 'vigil_outage_guard_incidents_total', { cause: 'volume_collapsed' })).toBe(0);
    expect(sampleValue(samples, 'vigil_outage_guard_active')).toBe(0);
    expect(sampleValue(samples, 'vigil_scheduler_unknown_total')).toBe(3 * MONITORS);
  });
});
