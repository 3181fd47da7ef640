import { curl, runProcess, uniqueSlug, Vigil } from '../support';

/**
 * The Sentry DSN cron endpoint with curl, as Sentry's docs show it for jobs without an SDK:
 * `<ingest>/api/<project_id>/cron/<slug>/<public_key>/?status=...`, or a JSON body, or the key in X-Sentry-Auth.
 */
let vigil: Vigil;
const PRODUCTION = { environment: 'production' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cronUrl(slug: string, { key = true, trailingSlash = true }: { key?: boolean; trailingSlash?: boolean } = {}): string {
  const url = `${vigil.ingestUrl}/api/${vigil.credentials.VIGIL_PROJECT_ID}/cron/${slug}${key ? `/${vigil.publicKey}` : ''}`;
  return trailingSlash ? `${url}/` : url;
}

beforeAll(async () => {
  const version = await runProcess('curl', ['--version']);
  if (version.code !== 0) throw new Error('curl is not installed');
  vigil = await Vigil.start({}, { scheduler: true });
});

afterAll(async () => {
  await vigil?.stop();
});

describe('curl: Sentry DSN cron endpoint', () => {
  it('a JSON body with a monitor_config creates the monitor and records the check-in (202)', async () => {
    const slug = uniqueSlug('cron-json');
    const body = JSON.stringify({
      status: 'ok',
      monitor_config: { schedule: { type: 'crontab', value: '0 * * * *' }, checkin_margin: 5, max_runtime: 15, timezone: 'America/New_York' },
    });
    const response = await curl(['-X', 'POST', cronUrl(slug), '-H', 'content-type: application/json', '-d', body]);
    expect(response.status).toBe(202);

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({
      slug,
      config: { schedule_type: 'crontab', schedule: '0 * * * *', checkin_margin: 5, max_runtime: 15, timezone: 'America/New_York' },
    });
    const runs = await vigil.api.waitForRuns(slug, 1);
    expect(runs[0]).toMatchObject({ status: 'ok', environment: 'production' });
  });

  it('?status=in_progress then ?status=ok without a check_in_id: the ok closes the open run, one run with a duration', async () => {
    const slug = uniqueSlug('cron-query');
    await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '*/30 * * * *' } });
    expect((await curl([`${cronUrl(slug)}?status=in_progress`])).status).toBe(202);
    await vigil.api.waitForRuns(slug, 1, { ...PRODUCTION, settled: (runs) => runs[0]?.status === 'in_progress' });
    await sleep(500);
    expect((await curl([`${cronUrl(slug)}?status=ok`])).status).toBe(202);

    const [run] = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(run).toMatchObject({ status: 'ok' });
    expect(run?.duration).toBeGreaterThanOrEqual(450);
    expect(run?.duration).toBeLessThan(30000);
  });

  it('works without the trailing slash too (in_progress, then error)', async () => {
    const slug = uniqueSlug('cron-noslash');
    await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '*/30 * * * *' } });
    expect((await curl([`${cronUrl(slug, { trailingSlash: false })}?status=in_progress`])).status).toBe(202);
    await vigil.api.waitForRuns(slug, 1, { ...PRODUCTION, settled: (runs) => runs[0]?.status === 'in_progress' });
    await sleep(300);
    expect((await curl([`${cronUrl(slug, { trailingSlash: false })}?status=error`])).status).toBe(202);

    const [run] = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(run).toMatchObject({ status: 'error' });
    expect(run?.duration).toBeGreaterThanOrEqual(250);
  });

  it('takes the key from an X-Sentry-Auth header instead of the path', async () => {
    const slug = uniqueSlug('cron-header');
    await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '*/30 * * * *' } });
    const auth = `X-Sentry-Auth: Sentry sentry_key=${vigil.publicKey}, sentry_version=7`;
    expect((await curl(['-H', auth, `${cronUrl(slug, { key: false })}?status=ok`])).status).toBe(202);
    expect((await curl(['-H', auth, `${cronUrl(slug, { key: false, trailingSlash: false })}?status=error`])).status).toBe(202);

    const runs = await vigil.api.waitForRuns(slug, 2, PRODUCTION);
    expect(runs.map((run) => run.status)).toEqual(['error', 'ok']);
  });

  it('a JSON body can also close the open run and create the monitor in the same request', async () => {
    const slug = uniqueSlug('cron-json-run');
    const config = { schedule: { type: 'interval', value: 6, unit: 'hour' } };
    const start = await curl([
      '-X',
      'POST',
      cronUrl(slug),
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ status: 'in_progress', monitor_config: config }),
    ]);
    expect(start.status).toBe(202);
    await vigil.api.waitForRuns(slug, 1, { settled: (runs) => runs[0]?.status === 'in_progress' });
    await sleep(300);
    expect((await curl(['-X', 'POST', cronUrl(slug), '-H', 'content-type: application/json', '-d', '{"status":"ok"}'])).status).toBe(202);

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ config: { schedule_type: 'interval', schedule: [6, 'hour'] } });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'ok' });
    expect(run?.duration).toBeGreaterThanOrEqual(250);
  });

  it('a wrong key is refused and records nothing', async () => {
    const slug = uniqueSlug('cron-badkey');
    await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '*/30 * * * *' } });
    const url = `${vigil.ingestUrl}/api/${vigil.credentials.VIGIL_PROJECT_ID}/cron/${slug}/00000000000000000000000000000000/?status=ok`;
    expect([401, 403]).toContain((await curl([url])).status);
    await sleep(1000);
    expect(await vigil.api.checkins(slug, PRODUCTION)).toEqual([]);
  });
});
