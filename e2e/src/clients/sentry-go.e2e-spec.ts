import { describeResult, runProcess, toolPath, uniqueSlug, Vigil } from '../support';

/**
 * sentry-go (github.com/getsentry/sentry-go, unchanged, pinned in fixtures/sentry-go-job/go.mod; built by
 * `make tools`) pointed at Vigil by its DSN: a job that sends CaptureCheckIn with a MonitorConfig at its start and
 * its result with the returned id, as the SDK's docs show.
 */
let vigil: Vigil;

interface Scenario {
  slug: string;
  schedule: { type: 'crontab'; value: string } | { type: 'interval'; every: number; unit: string };
  checkinMargin: number;
  maxRuntime: number;
  timezone: string;
  sleepMs: number;
  fail: boolean;
  environment: string;
}

async function runJob(scenario: Scenario): Promise<string> {
  const result = await runProcess(toolPath('sentry-go-job'), [JSON.stringify(scenario)], { env: { SENTRY_DSN: vigil.credentials.VIGIL_DSN } });
  if (result.code !== 0) throw new Error(`the sentry-go job failed: ${describeResult(result)}`);
  const output = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { checkInId: string; flushed: boolean };
  expect(output.flushed).toBe(true);
  expect(output.checkInId).toMatch(/^[0-9a-f]{32}$/);
  return output.checkInId;
}

beforeAll(async () => {
  vigil = await Vigil.start({}, { scheduler: true });
});

afterAll(async () => {
  await vigil?.stop();
});

describe('sentry-go', () => {
  it('CaptureCheckIn with a crontab MonitorConfig, then ok with the returned id: the monitor as configured, one ok run with the SDK duration', async () => {
    const slug = uniqueSlug('go-crontab');
    const checkInId = await runJob({
      slug,
      schedule: { type: 'crontab', value: '30 2 * * *' },
      checkinMargin: 5,
      maxRuntime: 20,
      timezone: 'America/New_York',
      sleepMs: 300,
      fail: false,
      environment: 'go-prod',
    });
    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({
      slug,
      config: { schedule_type: 'crontab', schedule: '30 2 * * *', checkin_margin: 5, max_runtime: 20, timezone: 'America/New_York' },
    });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'ok', environment: 'go-prod' });
    expect(run?.id.replace(/-/g, '')).toBe(checkInId);
    // sentry-go sends the duration it measured (seconds, as a float).
    expect(run?.duration).toBeGreaterThanOrEqual(300);
    expect(run?.duration).toBeLessThan(30000);
  });

  it('an interval MonitorConfig and a failing job: the interval as configured, one error run', async () => {
    const slug = uniqueSlug('go-interval');
    await runJob({
      slug,
      schedule: { type: 'interval', every: 3, unit: 'hour' },
      checkinMargin: 10,
      maxRuntime: 60,
      timezone: 'UTC',
      sleepMs: 0,
      fail: true,
      environment: 'production',
    });
    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({
      slug,
      config: { schedule_type: 'interval', schedule: [3, 'hour'], checkin_margin: 10, max_runtime: 60 },
    });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'error', environment: 'production' });
  });
});
