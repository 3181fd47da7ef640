import { join } from 'node:path';
import { describeResult, runProcess, uniqueSlug, Vigil } from '../support';

/**
 * @sentry/node (the npm package, unchanged) pointed at Vigil by its DSN. Each job runs in its own node
 * process (fixtures/sentry-node-job.js) so the SDK's global state stays out of jest.
 */
const JOB = join(__dirname, 'fixtures', 'sentry-node-job.js');
let vigil: Vigil;

interface JobOutput {
  checkInId?: string;
  result?: string;
  error?: string;
  flushed: boolean;
}

async function runJob(scenario: {
  kind: 'capture' | 'with-monitor';
  slug: string;
  config: unknown;
  sleepMs: number;
  fail: boolean;
  environment: string;
}): Promise<JobOutput> {
  const result = await runProcess(process.execPath, [JOB, JSON.stringify(scenario)], { env: { SENTRY_DSN: vigil.credentials.VIGIL_DSN } });
  if (result.code !== 0) throw new Error(`the @sentry/node job failed: ${describeResult(result)}`);
  const output = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as JobOutput;
  expect(output.flushed).toBe(true);
  return output;
}

beforeAll(async () => {
  vigil = await Vigil.start({}, { scheduler: true });
});

afterAll(async () => {
  await vigil?.stop();
});

describe('@sentry/node', () => {
  it('captureCheckIn: in_progress with a monitor config, then ok with the returned id, is one run with its duration', async () => {
    const slug = uniqueSlug('node-capture');
    const config = {
      schedule: { type: 'crontab', value: '*/15 * * * *' },
      checkinMargin: 5,
      maxRuntime: 30,
      timezone: 'Europe/Vienna',
      failureIssueThreshold: 3,
      recoveryThreshold: 2,
    };
    const output = await runJob({ kind: 'capture', slug, config, sleepMs: 400, fail: false, environment: 'node-prod' });
    expect(output.checkInId).toMatch(/^[0-9a-f]{32}$/);

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({
      slug,
      config: {
        schedule_type: 'crontab',
        schedule: '*/15 * * * *',
        checkin_margin: 5,
        max_runtime: 30,
        timezone: 'Europe/Vienna',
        failure_issue_threshold: 3,
        recovery_threshold: 2,
      },
    });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'ok', environment: 'node-prod' });
    expect(run?.id.replace(/-/g, '')).toBe(output.checkInId);
    // The SDK sends no duration with the closing check-in: Vigil computes it from the in_progress one, so it
    // is the time between the two requests (the job slept 400 ms between them; the SDK sends asynchronously).
    expect(run?.duration).toBeGreaterThanOrEqual(250);
    expect(run?.duration).toBeLessThan(30000);
  });

  it('withMonitor with a monitor config: a job that succeeds is an ok run with the duration the SDK measured', async () => {
    const slug = uniqueSlug('node-with-monitor');
    const output = await runJob({
      kind: 'with-monitor',
      slug,
      config: { schedule: { type: 'interval', value: 2, unit: 'hour' }, checkinMargin: 10, maxRuntime: 60, timezone: 'UTC' },
      sleepMs: 400,
      fail: false,
      environment: 'production',
    });
    expect(output.result).toBe('done');

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({
      slug,
      config: { schedule_type: 'interval', schedule: [2, 'hour'], checkin_margin: 10, max_runtime: 60, timezone: 'UTC' },
    });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'ok', environment: 'production' });
    expect(run?.duration).toBeGreaterThanOrEqual(350);
    expect(run?.duration).toBeLessThan(30000);
  });

  it('withMonitor: a job that throws is an error run, and the error still reaches the caller', async () => {
    const slug = uniqueSlug('node-throws');
    const output = await runJob({
      kind: 'with-monitor',
      slug,
      config: { schedule: { type: 'crontab', value: '0 4 * * 1' } },
      sleepMs: 300,
      fail: true,
      environment: 'production',
    });
    expect(output.error).toBe('the job failed');

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ slug, config: { schedule_type: 'crontab', schedule: '0 4 * * 1' } });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'error', environment: 'production' });
    expect(run?.duration).toBeGreaterThanOrEqual(250);
  });

  it('two runs of the same monitor are two check-ins, newest first', async () => {
    const slug = uniqueSlug('node-twice');
    const config = { schedule: { type: 'crontab', value: '@hourly' } };
    await runJob({ kind: 'with-monitor', slug, config, sleepMs: 50, fail: true, environment: 'production' });
    await runJob({ kind: 'with-monitor', slug, config, sleepMs: 50, fail: false, environment: 'production' });
    const runs = await vigil.api.waitForRuns(slug, 2);
    expect(runs.map((run) => run.status)).toEqual(['ok', 'error']);
  });
});
