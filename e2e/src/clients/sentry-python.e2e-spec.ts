import { join } from 'node:path';
import { describeResult, runProcess, toolPath, uniqueSlug, Vigil } from '../support';

/** The Python sentry-sdk from PyPI (pinned by deploy/local/tools.sh) pointed at Vigil by its DSN. */
const JOB = join(__dirname, 'fixtures', 'sentry_python_job.py');
let vigil: Vigil;
let python: string;

interface JobOutput {
  check_in_id?: string;
  result?: string;
  error?: string;
}

async function runJob(scenario: {
  kind: 'capture' | 'decorator';
  slug: string;
  config: unknown;
  sleep_s: number;
  fail: boolean;
  environment: string;
}): Promise<JobOutput> {
  const result = await runProcess(python, [JOB, JSON.stringify(scenario)], { env: { SENTRY_DSN: vigil.credentials.VIGIL_DSN } });
  if (result.code !== 0) throw new Error(`the sentry-sdk job failed: ${describeResult(result)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as JobOutput;
}

beforeAll(async () => {
  python = toolPath('python');
  const version = await runProcess(python, ['-c', 'import sentry_sdk; print(sentry_sdk.VERSION)']);
  if (version.code !== 0) throw new Error(`the tools venv has no sentry_sdk (run make tools): ${describeResult(version)}`);
  vigil = await Vigil.start({}, { scheduler: true });
});

afterAll(async () => {
  await vigil?.stop();
});

describe('Python sentry-sdk', () => {
  it('capture_checkin: in_progress with a monitor_config, then ok with the returned check_in_id, is one run with its duration', async () => {
    const slug = uniqueSlug('py-capture');
    const config = {
      schedule: { type: 'crontab', value: '15 4 * * *' },
      checkin_margin: 3,
      max_runtime: 7,
      timezone: 'Asia/Tokyo',
      failure_issue_threshold: 2,
      recovery_threshold: 5,
    };
    const output = await runJob({ kind: 'capture', slug, config, sleep_s: 0.4, fail: false, environment: 'py-prod' });
    expect(output.check_in_id).toMatch(/^[0-9a-f]{32}$/);

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({
      slug,
      config: {
        schedule_type: 'crontab',
        schedule: '15 4 * * *',
        checkin_margin: 3,
        max_runtime: 7,
        timezone: 'Asia/Tokyo',
        failure_issue_threshold: 2,
        recovery_threshold: 5,
      },
    });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'ok', environment: 'py-prod' });
    expect(run?.id.replace(/-/g, '')).toBe(output.check_in_id);
    // capture_checkin sends no duration with the closing check-in here (as in Sentry's docs): Vigil computes it
    // from the in_progress one (the job slept 400 ms between them; the SDK sends from a worker thread).
    expect(run?.duration).toBeGreaterThanOrEqual(250);
    expect(run?.duration).toBeLessThan(30000);
  });

  it('@monitor with a monitor_config: a job that succeeds is an ok run with the duration the SDK measured', async () => {
    const slug = uniqueSlug('py-decorator');
    const output = await runJob({
      kind: 'decorator',
      slug,
      config: { schedule: { type: 'interval', value: 30, unit: 'minute' }, checkin_margin: 2, max_runtime: 15 },
      sleep_s: 0.4,
      fail: false,
      environment: 'production',
    });
    expect(output.result).toBe('done');

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({
      slug,
      config: { schedule_type: 'interval', schedule: [30, 'minute'], checkin_margin: 2, max_runtime: 15 },
    });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'ok', environment: 'production' });
    expect(run?.duration).toBeGreaterThanOrEqual(350);
    expect(run?.duration).toBeLessThan(30000);
  });

  it('@monitor: a job that raises is an error run, and the exception still reaches the caller', async () => {
    const slug = uniqueSlug('py-raises');
    const output = await runJob({
      kind: 'decorator',
      slug,
      config: { schedule: { type: 'crontab', value: '@hourly' } },
      sleep_s: 0.3,
      fail: true,
      environment: 'production',
    });
    expect(output.error).toBe('the job failed');

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ slug, config: { schedule_type: 'crontab', schedule: '@hourly' } });
    const [run] = await vigil.api.waitForRuns(slug, 1);
    expect(run).toMatchObject({ status: 'error', environment: 'production' });
    expect(run?.duration).toBeGreaterThanOrEqual(250);
  });
});
