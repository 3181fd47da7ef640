import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { monitorIdFor } from '@vigil/contracts';
import { parseMetricsText, sampleValue } from '@vigil/metrics';
import { ServiceProcess, testConfig, waitFor } from '@vigil/testing';
import { EventTimeline, HttpReceiver, IssueFeed, Vigil } from './support';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const MONITORS = 500;
const ENVIRONMENT = 'production';
/** Half the gap between minute slots: how early a check-in may come and still count for the coming one. */
const EARLY = 30 * SECOND;

/**
 * Issue #14, decision 0023, in real time: 500 Sentry monitors (`* * * * *`, margin 1 minute, an issue at the first
 * failure, one webhook rule for the project) check in every minute through a real ingest, with monitor_config as
 * the SDKs send it. Ingest is killed (SIGKILL) for three minutes: the jobs' check-ins in that time fail, as they
 * would. Then it is started again and the jobs keep checking in, except one, which stops after the recovery.
 * Expected: no alert for the 1,500 slots of the outage, which are `unknown`; one incident of the guard (the
 * operators' one alert, `vigil_outage_guard_active`); and the monitor that stopped after the recovery is missed
 * and alerted as usual.
 */
describe('outage guard: ingest killed for three minutes', () => {
  let vigil: Vigil;
  let ingest: ServiceProcess | null = null;
  const services: ServiceProcess[] = [];
  let timeline: EventTimeline;
  let feed: IssueFeed;
  const receiver = new HttpReceiver();
  const hookPath = `/hook/ingest-killed-${randomUUID()}`;
  const tag = randomUUID().slice(0, 8);
  const slugs = Array.from({ length: MONITORS }, (_, index) => `killed-${index}-${tag}`);
  const failedSends: string[] = [];

  /** One job's check-in: an envelope with its monitor_config, as @sentry/node's withMonitor sends it. */
  async function checkIn(slug: string): Promise<void> {
    const item = {
      check_in_id: randomUUID().replace(/-/g, ''),
      monitor_slug: slug,
      status: 'ok',
      environment: ENVIRONMENT,
      monitor_config: {
        schedule: { type: 'crontab', value: '* * * * *' },
        checkin_margin: 1,
        max_runtime: 30,
        timezone: 'UTC',
        failure_issue_threshold: 1,
        recovery_threshold: 1,
      },
    };
    const body = [JSON.stringify({ sent_at: new Date().toISOString() }), JSON.stringify({ type: 'check_in' }), JSON.stringify(item)].join('\n');
    try {
      const response = await fetch(`${vigil.ingestUrl}/api/${vigil.credentials.VIGIL_PROJECT_ID}/envelope/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-sentry-envelope',
          'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${vigil.publicKey}, sentry_client=vigil-e2e/1.0`,
        },
        body,
      });
      if (response.status !== 200) failedSends.push(`${slug}: ${response.status}`);
    } catch {
      failedSends.push(`${slug}: unreachable`);
    }
  }

  /** Every job of `indexes` checks in, 25 at a time. */
  async function checkInAll(indexes: readonly number[]): Promise<void> {
    for (let from = 0; from < indexes.length; from += 25) await Promise.all(indexes.slice(from, from + 25).map((index) => checkIn(slugs[index]!)));
  }

  const until = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

  beforeAll(async () => {
    await receiver.start();
    vigil = await Vigil.start({ VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8' }, { scheduler: true });
    const secret = `vigil_whsec_${randomUUID().replace(/-/g, '')}`;
    const integration = await vigil.api.call<{ id: string }>('POST', 'integrations/', {
      name: 'Killed hook',
      type: 'webhook',
      config: { url: receiver.url(hookPath), secret },
    });
    expect(integration).toMatchObject({ status: 201 });
    const rule = await vigil.api.call('POST', 'alert-rules/', { project: vigil.credentials.VIGIL_PROJECT, monitor: null, integration: integration.json.id });
    expect(rule).toMatchObject({ status: 201 });
    services.push(
      ...(await Promise.all([ServiceProcess.start('issues', vigil.env), ServiceProcess.start('notifier', { ...vigil.env, VIGIL_NOTIFIER_POLL_MS: '100' })])),
    );
    [timeline, feed] = await Promise.all([EventTimeline.start(testConfig()), IssueFeed.start(testConfig())]);
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled([timeline?.stop(), feed?.stop(), ingest?.stop(), ...services.map((service) => service.stop())]);
    await vigil?.stop();
    await receiver.stop();
  });

  it('records the outage as unknown and alerts nobody for it; a job that stops after the recovery is missed and alerted', async () => {
    const all = slugs.map((_, index) => index);
    const ids = new Set(slugs.map((slug) => monitorIdFor(Number(vigil.credentials.VIGIL_PROJECT_ID), slug)));
    const stopper = monitorIdFor(Number(vigil.credentials.VIGIL_PROJECT_ID), slugs[0]!);

    // Minute 0: every job checks in (and its monitor is created).
    const m0 = Math.ceil((Date.now() + 5 * SECOND) / MINUTE) * MINUTE;
    await until(m0 + 2 * SECOND);
    await checkInAll(all);
    expect(failedSends).toEqual([]);

    // Ingest killed for three minutes; the jobs keep trying at minutes 1, 2 and 3 and fail.
    await vigil.service('ingest').kill();
    const killedAt = Date.now();
    for (let minute = 1; minute <= 3; minute += 1) {
      await until(m0 + minute * MINUTE + 2 * SECOND);
      await checkInAll(all);
    }
    await until(killedAt + 3 * MINUTE);
    ingest = await ServiceProcess.start('ingest', vigil.env);
    const back = Date.now();
    expect(failedSends.length).toBe(3 * MONITORS);

    // The first slot whose window opens after ingest is back: the one the stopping job misses.
    let stopSlot = Math.ceil(back / MINUTE) * MINUTE;
    while (stopSlot - EARLY <= back + 2 * SECOND) stopSlot += MINUTE;
    // Everyone else keeps checking in; the stopper only up to the slot before.
    for (let slot = Math.ceil(back / MINUTE) * MINUTE; slot <= stopSlot + MINUTE; slot += MINUTE) {
      await until(slot + 2 * SECOND);
      await checkInAll(slot >= stopSlot ? all.slice(1) : all);
    }
    expect(failedSends.length).toBe(3 * MONITORS);

    // The stopper is missed at its deadline and alerted, exactly once; nobody else is.
    const hooks = await waitFor('the webhook for the job that stopped', () => (receiver.to(hookPath).length >= 1 ? receiver.to(hookPath) : undefined), {
      timeoutMs: 60000,
      intervalMs: 100,
    });
    await timeline.caughtUp(60000);
    await feed.caughtUp(60000);
    expect(hooks.map((hook) => (JSON.parse(hook.body) as { type: string; monitor: { id: string } }).monitor.id)).toEqual([stopper]);
    const mine = timeline.events.filter((event) => ids.has(event.monitor_id) && event.environment === ENVIRONMENT);
    // (Its next slot may be missed too by now: that one attaches to the open issue and alerts nobody.)
    const missed = mine.filter((event) => event.kind === 'missed');
    expect(missed.filter((event) => event.monitor_id !== stopper)).toEqual([]);
    expect(Math.min(...missed.map((event) => event.slot))).toBe(stopSlot);
    const opened = feed.events.filter((event) => ids.has(event.monitor_id) && event.kind === 'issue.opened');
    expect(opened.map((event) => event.monitor_id)).toEqual([stopper]);

    // The three slots of the outage, of every job, are unknown.
    const unknown = mine.filter((event) => event.kind === 'unknown');
    expect(unknown).toHaveLength(3 * MONITORS);
    expect([...new Set(unknown.map((event) => (event.slot - m0) / MINUTE))].sort((a, b) => a - b)).toEqual([1, 2, 3]);
    const rows = await waitFor(
      'the unknown check-ins of one job in history',
      async () => {
        const found = (await vigil.api.checkins(slugs[1]!, { environment: ENVIRONMENT })).filter((checkin) => checkin.status === 'unknown');
        return found.length >= 3 ? found : undefined;
      },
      { timeoutMs: 60000, intervalMs: 500 },
    );
    expect(rows).toHaveLength(3);

    // One incident of the guard, closed again.
    const samples = parseMetricsText(await (await fetch(vigil.service('scheduler').metricsUrl)).text());
    expect(sampleValue(samples, 'vigil_outage_guard_incidents_total', { cause: 'ingest_silent' })).toBe(1);
    expect(sampleValue(samples, 'vigil_outage_guard_active', { cause: 'ingest_silent' })).toBe(0);
  }, 600_000);
});
