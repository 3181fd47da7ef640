import { join } from 'node:path';
import { waitFor } from '@vigil/testing';
import { describeResult, runProcess, toolPath, uniqueSlug, Vigil } from '../support';

/** The Python sentry-sdk from PyPI (pinned by deploy/local/tools.sh) pointed at Vigil by its DSN. */
const JOB = join(__dirname, 'fixtures', 'sentry_python_job.py');
let vigil: Vigil;
let python: string;

interface JobOutput {
  check_in_ids?: string[];
  check_in_id?: string;
  result?: string;
  error?: string;
}

interface SequenceStep {
  status: 'in_progress' | 'ok' | 'error';
  config?: unknown;
  /** Reuses the first step's check_in_id. */
  same?: boolean;
}

async function runJob(scenario: {
  kind: 'capture' | 'decorator' | 'sequence';
  slug: string;
  config: unknown;
  sleep_s: number;
  fail: boolean;
  environment: string;
  steps?: SequenceStep[];
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

/** capture_checkin calls in order, one check-in each (the SDK's transport sends them in order from one thread). */
async function runSequence(slug: string, steps: SequenceStep[]): Promise<string[]> {
  const output = await runJob({ kind: 'sequence', slug, config: null, sleep_s: 0, fail: false, environment: 'production', steps });
  return output.check_in_ids ?? [];
}

interface ProcessingErrorEntry {
  monitorSlug: string | null;
  errors: Array<{ code: string; field: string | null; message: string }>;
  payload: string | null;
}

/** The monitor's processing errors once `count` of them are recorded (they are written asynchronously). */
async function waitForProcessingErrors(slug: string, count: number): Promise<ProcessingErrorEntry[]> {
  const { VIGIL_ORG, VIGIL_PROJECT, VIGIL_API_TOKEN } = vigil.credentials;
  return waitFor(`${count} processing error(s) of ${slug}`, async () => {
    const response = await fetch(`${vigil.api.url}/api/0/projects/${VIGIL_ORG}/${VIGIL_PROJECT}/monitors/${slug}/processing-errors/`, {
      headers: { authorization: `Bearer ${VIGIL_API_TOKEN}` },
    });
    const entries = (await response.json()) as ProcessingErrorEntry[];
    return entries.length >= count ? entries : undefined;
  });
}

const codesOf = (entries: ProcessingErrorEntry[]) => entries.flatMap((entry) => entry.errors.map((error) => `${error.code} ${error.field ?? ''}`)).sort();
const HOURLY = { schedule: { type: 'crontab', value: '0 * * * *' }, checkin_margin: 5, max_runtime: 30, timezone: 'Europe/Paris' };

describe("Python sentry-sdk: Sentry's consumer rules", () => {
  it('an invalid monitor_config on an existing monitor keeps the check-in under the current config, and says which field', async () => {
    const slug = uniqueSlug('py-badcfg');
    await runSequence(slug, [
      { status: 'ok', config: HOURLY },
      { status: 'error', config: { ...HOURLY, schedule: { type: 'crontab', value: '61 * * * *' } } },
      { status: 'ok', config: { ...HOURLY, timezone: 'Mars/Olympus', failure_issue_threshold: 0 } },
    ]);
    const runs = await vigil.api.waitForRuns(slug, 3);
    expect(runs.map((run) => run.status)).toEqual(['ok', 'error', 'ok']);
    expect((await vigil.api.monitor(slug))?.config).toMatchObject({ schedule: '0 * * * *', timezone: 'Europe/Paris', checkin_margin: 5, max_runtime: 30 });
    expect(codesOf(await waitForProcessingErrors(slug, 2))).toEqual([
      'invalid_monitor_config monitor_config.failure_issue_threshold',
      'invalid_monitor_config monitor_config.schedule',
    ]);
  });

  it('an invalid monitor_config for a new monitor still refuses the check-in, with its processing error', async () => {
    const slug = uniqueSlug('py-badnew');
    await runSequence(slug, [{ status: 'ok', config: { schedule: { type: 'crontab', value: '61 * * * *' } } }]);
    expect(codesOf(await waitForProcessingErrors(slug, 1))).toEqual(['invalid_monitor_config monitor_config.schedule']);
    expect(await vigil.api.monitor(slug)).toBeUndefined();
  });

  it("margin 0 is stored as 1, a blank zone as none; margin and runtime past Sentry's limits are stored at them, with a processing error", async () => {
    const slug = uniqueSlug('py-clamp');
    await runSequence(slug, [
      { status: 'ok', config: { schedule: { type: 'crontab', value: '0 * * * *' }, checkin_margin: 0, max_runtime: 50_000, timezone: '' } },
    ]);
    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ config: { checkin_margin: 1, max_runtime: 40_320, timezone: 'UTC' } });
    await runSequence(slug, [{ status: 'ok', config: { schedule: { type: 'crontab', value: '0 * * * *' }, checkin_margin: 99_999 } }]);
    await vigil.api.waitForRuns(slug, 2);
    expect((await vigil.api.monitor(slug))?.config).toMatchObject({ checkin_margin: 40_320 });
    expect(codesOf(await waitForProcessingErrors(slug, 2))).toEqual([
      'monitor_config_clamped monitor_config.checkin_margin',
      'monitor_config_clamped monitor_config.max_runtime',
    ]);
  });

  it('a slug longer than 50 characters is cut to 50, as Relay cuts it, and slugified', async () => {
    const base = uniqueSlug('py-long');
    const slug = `${base}-${'x'.repeat(60 - base.length)}`;
    await runSequence(slug, [{ status: 'ok', config: HOURLY }]);
    expect(await vigil.api.waitForMonitor(slug.slice(0, 50))).toMatchObject({ slug: slug.slice(0, 50) });
    expect(await vigil.api.waitForRuns(slug.slice(0, 50), 1)).toMatchObject([{ status: 'ok' }]);
  });

  it('a second close of a finished check-in is ignored and recorded as checkin_finished; a start after the close is ignored', async () => {
    const slug = uniqueSlug('py-twice');
    const [id] = await runSequence(slug, [
      { status: 'in_progress', config: HOURLY },
      { status: 'ok', same: true },
      { status: 'error', same: true },
      { status: 'in_progress', same: true },
    ]);
    const [entry] = await waitForProcessingErrors(slug, 1);
    expect(codesOf([entry!])).toEqual(['checkin_finished check_in_id']);
    expect(JSON.parse(entry!.payload ?? '{}')).toMatchObject({ status: 'error' });
    const runs = await vigil.api.waitForRuns(slug, 1);
    expect(runs).toMatchObject([{ status: 'ok' }]);
    expect(runs[0]!.id.replace(/-/g, '')).toBe(id);
  });

  it('check-ins to a disabled monitor are dropped with the processing error monitor_disabled', async () => {
    const slug = uniqueSlug('py-disabled');
    await runSequence(slug, [{ status: 'ok', config: HOURLY }]);
    await vigil.api.waitForRuns(slug, 1);
    await vigil.setMonitorStatus(await vigil.monitorId(slug), 'disabled');
    // Ingest hears of the change by NOTIFY: until then a check-in is still recorded. Each try is a check-in of its
    // own; the first one dropped is the one the processing error names.
    const dropped = await waitFor(
      'a check-in dropped as monitor_disabled',
      async () => {
        const [id] = await runSequence(slug, [{ status: 'error' }]);
        const { VIGIL_ORG, VIGIL_PROJECT, VIGIL_API_TOKEN } = vigil.credentials;
        const named = await waitFor('the check-in recorded, or its processing error', async () => {
          const response = await fetch(`${vigil.api.url}/api/0/projects/${VIGIL_ORG}/${VIGIL_PROJECT}/monitors/${slug}/processing-errors/`, {
            headers: { authorization: `Bearer ${VIGIL_API_TOKEN}` },
          });
          const entries = (await response.json()) as ProcessingErrorEntry[];
          if (entries.some((entry) => entry.payload?.includes(id!) && entry.errors.some((error) => error.code === 'monitor_disabled'))) return 'dropped';
          const runs = await vigil.api.checkins(slug);
          return runs.some((run) => run.id.replace(/-/g, '') === id) ? 'recorded' : undefined;
        });
        return named === 'dropped' ? id : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(dropped).toMatch(/^[0-9a-f]{32}$/);
    expect((await vigil.api.checkins(slug)).some((run) => run.id.replace(/-/g, '') === dropped)).toBe(false);
  });
});
