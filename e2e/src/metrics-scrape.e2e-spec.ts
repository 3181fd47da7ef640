import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { parseMetricsText, sampleValue } from '@vigil/metrics';
import { ServiceProcess, waitFor } from '@vigil/testing';
import { Prometheus, Vigil } from './support';

/**
 * Issue #14: a real Prometheus scrapes the six services; every target is up, and the ingest counters move by exactly
 * the check-ins this test sends, per protocol and outcome.
 */
describe('metrics: a real Prometheus scrapes every service', () => {
  let vigil: Vigil;
  const others: ServiceProcess[] = [];
  let prometheus: Prometheus;
  const suffix = randomUUID().slice(0, 8);

  beforeAll(async () => {
    // With a scheduler, on emptied test topics: a scheduler restored with a clock an earlier spec drove days ahead
    // would judge misses at once, and history would count their rows too.
    vigil = await Vigil.start({}, { scheduler: true });
    for (const name of ['issues', 'notifier'] as const) others.push(await ServiceProcess.start(name, vigil.env));
    const services = [vigil.service('ingest'), vigil.service('api'), vigil.service('history'), vigil.service('scheduler'), ...others];
    // The slot's ports are VIGIL_INGEST_PORT + 0..6 (libs/testing): Prometheus takes + 7.
    const port = Number(vigil.env['VIGIL_INGEST_PORT']) + 7;
    prometheus = await Prometheus.start(
      services.map((service) => ({ job: service.name, url: service.metricsUrl })),
      port,
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all(others.map((service) => service.stop()));
    await vigil?.stop();
  });

  it('finds all six targets up, each with the process metrics, and ingest on a port of its own', async () => {
    const jobs = ['ingest', 'api', 'history', 'scheduler', 'issues', 'notifier'];
    await waitFor('all six targets scraped and up', async () => (await prometheus.query('up == 1')).length === 6, { timeoutMs: 30000, intervalMs: 500 });
    const up = await prometheus.query('up');
    expect(up.map((sample) => sample.labels['job']).sort()).toEqual([...jobs].sort());
    const memory = await prometheus.query('process_resident_memory_bytes > 0');
    expect(memory.map((sample) => sample.labels['job']).sort()).toEqual([...jobs].sort());
    // The public check-in port does not serve metrics.
    expect((await fetch(`${vigil.ingestUrl}/metrics`)).status).toBe(404);
  });

  it('moves the ingest counters by exactly the check-ins sent, per protocol and outcome', async () => {
    const { VIGIL_PING_KEY: pingKey, VIGIL_PROJECT_ID: projectId } = vigil.credentials;
    const ping = `ping-${suffix}`;
    const sentry = `sentry-${suffix}`;
    const expected: Record<string, Record<string, number>> = {
      healthchecks_ping: { accepted: 6, rejected: 3, rate_limited: 0, failed: 0 },
      sentry_envelope: { accepted: 4, rejected: 2, rate_limited: 0, failed: 0 },
      sentry_cron: { accepted: 2, rejected: 1, rate_limited: 0, failed: 0 },
    };
    const before = await checkinCounts();

    const answers: number[] = [];
    const send = async (url: string, init?: RequestInit) => answers.push((await fetch(url, init)).status);
    await send(`${vigil.ingestUrl}/ping/${pingKey}/${ping}/start?create=1`);
    for (let i = 0; i < 5; i += 1) await send(`${vigil.ingestUrl}/ping/${pingKey}/${ping}`);
    for (let i = 0; i < 3; i += 1) await send(`${vigil.ingestUrl}/ping/${pingKey}/no-such-check-${suffix}`);
    const envelope = (key: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${key}` },
      body: [
        '{}',
        '{"type":"check_in"}',
        JSON.stringify({ monitor_slug: sentry, status: 'ok', monitor_config: { schedule: { type: 'crontab', value: '0 3 * * *' } } }),
      ].join('\n'),
    });
    for (let i = 0; i < 4; i += 1) await send(`${vigil.ingestUrl}/api/${projectId}/envelope/`, envelope(vigil.publicKey));
    for (let i = 0; i < 2; i += 1) await send(`${vigil.ingestUrl}/api/${projectId}/envelope/`, envelope('0'.repeat(32)));
    for (let i = 0; i < 2; i += 1) await send(`${vigil.ingestUrl}/api/${projectId}/cron/${sentry}/${vigil.publicKey}/?status=ok`);
    await send(`${vigil.ingestUrl}/api/${projectId}/cron/${sentry}/${vigil.publicKey}/?status=bogus`);
    expect(answers).toEqual([201, 200, 200, 200, 200, 200, 404, 404, 404, 200, 200, 200, 200, 403, 403, 202, 202, 400]);

    const moved = (now: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(expected).map(([protocol, outcomes]) => [
          protocol,
          Object.fromEntries(Object.keys(outcomes).map((outcome) => [outcome, (now[`${protocol}/${outcome}`] ?? 0) - (before[`${protocol}/${outcome}`] ?? 0)])),
        ]),
      );
    let last: unknown = null;
    await waitFor(
      'Prometheus to show the check-ins sent',
      async () => {
        last = moved(await checkinCounts());
        return JSON.stringify(last) === JSON.stringify(expected);
      },
      { timeoutMs: 60000, intervalMs: 500 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\nmoved by: ${JSON.stringify(last)}\nexpected: ${JSON.stringify(expected)}`);
    });
    // One more scrape later, still exactly that: nothing is counted twice or late.
    const scraped = (await prometheus.value('timestamp(up{job="ingest"})')) ?? 0;
    await waitFor('another scrape of ingest', async () => ((await prometheus.value('timestamp(up{job="ingest"})')) ?? 0) > scraped, {
      timeoutMs: 20000,
      intervalMs: 200,
    });
    expect(moved(await checkinCounts())).toEqual(expected);
    expect(await prometheus.value('sum(vigil_ingest_request_duration_seconds_count)')).toBeGreaterThanOrEqual(18);

    // History wrote the 12 accepted check-ins, once each; consumers caught up; the scheduler's clock runs.
    await waitFor('history rows written', async () => (await prometheus.value('vigil_history_rows_written_total{table="checkins"}')) === 12, {
      timeoutMs: 60000,
      intervalMs: 500,
    });
    await waitFor(
      'the history consumer to have caught up',
      async () => (await prometheus.value('vigil_consumer_lag_messages{service="history",topic="vigil.checkins.v1"}')) === 0,
      { timeoutMs: 60000, intervalMs: 500 },
    );
    const lags = await prometheus.query('vigil_consumer_lag_messages');
    expect(new Set(lags.map((sample) => sample.labels['service']))).toEqual(new Set(['scheduler', 'history', 'issues', 'notifier']));
    // The scheduler's clock runs on its pulses: its lag is a few seconds at most, even on a loaded machine.
    await waitFor('a scheduler clock lag under 10 s', async () => ((await prometheus.value('vigil_clock_lag_seconds')) ?? Infinity) < 10, {
      timeoutMs: 30000,
      intervalMs: 500,
    });
    expect(await prometheus.value('vigil_scheduler_tracks')).toBeGreaterThanOrEqual(2);
    expect(await prometheus.value('vigil_issues_open')).not.toBeNull();
    expect(await prometheus.value('vigil_notifications_pending')).not.toBeNull();
  });

  it("serves a project's checks in Healthchecks' metrics format to its read-only key, and only to it", async () => {
    const { VIGIL_PROJECT_ID: projectId, VIGIL_PROJECT_API_KEY_READONLY: readOnly, VIGIL_PROJECT_API_KEY: readWrite } = vigil.credentials;
    const base = `${vigil.api.url}/projects/${projectId}/metrics`;
    // The ping check of the previous test is up once the scheduler judged its pings and history stored the state.
    const samples = await waitFor(
      'the ping check up in its project metrics',
      async () => {
        const response = await fetch(`${base}/${readOnly}`);
        if (response.status !== 200) throw new Error(`answered ${response.status}`);
        const read = parseMetricsText(await response.text());
        return sampleValue(read, 'vigil_monitor_environment_up', { name: `ping-${suffix}`, environment: 'production' }) === 1 ? read : undefined;
      },
      { timeoutMs: 60000, intervalMs: 500 },
    );
    expect(sampleValue(samples, 'hc_check_up', { name: `ping-${suffix}` })).toBe(1);
    expect(sampleValue(samples, 'hc_check_paused', { name: `ping-${suffix}` })).toBe(0);
    expect(samples.find((sample) => sample.name === 'hc_check_up' && sample.labels['name'] === `ping-${suffix}`)?.labels['unique_key']).toMatch(
      /^[0-9a-f]{40}$/,
    );
    expect(sampleValue(samples, 'hc_checks_total')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(samples, 'hc_checks_down_total')).not.toBeNull();
    // The key as a bearer token works too; Healthchecks' answers otherwise.
    expect((await fetch(base, { headers: { authorization: `Bearer ${readOnly}` } })).status).toBe(200);
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}/too-short`)).status).toBe(400);
    expect((await fetch(`${base}/${readWrite}`)).status).toBe(403);
    expect((await fetch(`${vigil.api.url}/projects/${Number(projectId) + 1000}/metrics/${readOnly}`)).status).toBe(403);
  });

  async function checkinCounts(): Promise<Record<string, number>> {
    const samples = await prometheus.query('vigil_ingest_checkins_total');
    return Object.fromEntries(samples.map((sample) => [`${sample.labels['protocol']}/${sample.labels['outcome']}`, sample.value]));
  }
});
