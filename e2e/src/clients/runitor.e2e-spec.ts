import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeResult,
  HealthchecksApi,
  runProcess,
  toolPath,
  uniqueSlug,
  Vigil,
  type ApiCheckin,
  type HealthchecksPing,
  type ProcessResult,
} from '../support';

/**
 * runitor (bdd.fi/x/runitor, pinned by deploy/local/tools.sh, built from third_party/runitor where the Go module
 * proxy refuses it) wrapping commands, pointed at Vigil with `-api-url <ingest>/ping`. It POSTs `/start?rid=<uuid>`,
 * then the plain ping (success) or `/<exit code>` with the same rid and the command's output as the body. Each run
 * is read back twice: as a run of the Sentry-shaped API, and as the start and end pings of the Healthchecks API,
 * with the output stored as the end ping's body.
 */
let vigil: Vigil;
let checks: HealthchecksApi;
let runitor: string;
const PRODUCTION = { environment: 'production' };
const DAILY = { schedule: { type: 'crontab', value: '0 2 * * *' } } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(handle: readonly string[], command: readonly string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  return runProcess(runitor, ['-api-url', `${vigil.ingestUrl}/ping`, '-api-retries', '0', ...handle, '--', ...command], { env });
}

/** runitor reports a ping the server did not take as "Ping(<type>): <error>" on stderr, and still exits as the command did. */
function expectAllPingsTaken(result: ProcessResult): void {
  expect(result.stderr).not.toMatch(/Ping\(/);
}

/**
 * The run's two pings through the Healthchecks API: the start (no body), then `end` with the same rid (the run's
 * id), runitor's user agent and the run's duration. Returns the end ping's body, the command's output.
 */
async function expectStartThen(uuid: string, end: 'success' | 'fail', run: ApiCheckin | undefined): Promise<string | null> {
  const pings = await checks.waitForPings(uuid, 2);
  expect(pings.map((ping) => [ping.type, ping.n])).toEqual([
    [end, 2],
    ['start', 1],
  ]);
  const [last, start] = pings as [HealthchecksPing, HealthchecksPing];
  expect(start.rid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(last.rid).toBe(start.rid);
  expect(run?.id).toBe(start.rid);
  for (const ping of pings) expect(ping.ua).toMatch(/^runitor\/v\d+\.\d+\.\d+ \(/);
  expect(start).not.toHaveProperty('duration');
  expect(last.duration).toBeCloseTo((run?.duration ?? Number.NaN) / 1000, 1);
  expect(await checks.pingBody(uuid, start.n)).toBeNull();
  return checks.pingBody(uuid, last.n);
}

/** A file the wrapped command waits for, so a test sees the run open before the command ends. */
async function gate(): Promise<{ env: Record<string, string>; open: () => Promise<void>; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-runitor-'));
  const path = join(dir, 'open');
  return { env: { GATE: path }, open: () => writeFile(path, ''), remove: () => rm(dir, { recursive: true, force: true }) };
}
const WAIT_FOR_GATE = 'while [ ! -e "$GATE" ]; do sleep 0.05; done';

beforeAll(async () => {
  runitor = toolPath('runitor');
  const version = await runProcess(runitor, ['-version']);
  if (version.code !== 0 || !/^runitor v\d+\.\d+\.\d+\n$/.test(version.stdout))
    throw new Error(`runitor does not run or has no version (run make tools): ${describeResult(version)}`);
  vigil = await Vigil.start();
  checks = new HealthchecksApi(vigil.api.url, vigil.credentials.VIGIL_PROJECT_API_KEY);
});

afterAll(async () => {
  await vigil?.stop();
});

describe('runitor -uuid (/ping/<uuid>)', () => {
  it('a succeeding command: the start opens the run, the success ends it ok with a duration and the output as its body', async () => {
    const slug = uniqueSlug('runitor-ok');
    await vigil.createMonitor(slug, DAILY);
    const uuid = await vigil.pingUuid(slug);
    const door = await gate();
    try {
      const running = run(['-uuid', uuid], ['sh', '-c', `echo copying; ${WAIT_FOR_GATE}; echo copied`], door.env);
      const [open] = await vigil.api.waitForRuns(slug, 1, { ...PRODUCTION, settled: (runs) => runs[0]?.status === 'in_progress' });
      expect(open?.duration).toBeNull();
      await sleep(500);
      await door.open();
      const result = await running;
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('copying\ncopied\n');
      expectAllPingsTaken(result);

      const [only] = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
      expect(only).toMatchObject({ status: 'ok', id: open?.id });
      expect(only?.duration).toBeGreaterThanOrEqual(450);
      expect(only?.duration).toBeLessThan(30000);
      expect(await expectStartThen(uuid, 'success', only)).toBe('copying\ncopied\n');
    } finally {
      await door.remove();
    }
  });

  it("a failing command: one error run, runitor exits with the command's code, the output and the exit status stored", async () => {
    const slug = uniqueSlug('runitor-fail');
    await vigil.createMonitor(slug, DAILY);
    const uuid = await vigil.pingUuid(slug);
    const result = await run(['-uuid', uuid], ['sh', '-c', 'echo cannot reach the database >&2; sleep 0.3; exit 4']);
    expect(result.code).toBe(4);
    expectAllPingsTaken(result);

    const [only] = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(only).toMatchObject({ status: 'error' });
    expect(only?.duration).toBeGreaterThanOrEqual(250);
    const body = await expectStartThen(uuid, 'fail', only);
    expect(body).toContain('cannot reach the database\n');
    expect(body).toContain('[runitor] exit status 4');
  });

  it('two runs of the same check are two runs (each start paired with its end by rid)', async () => {
    const slug = uniqueSlug('runitor-twice');
    await vigil.createMonitor(slug, DAILY);
    const uuid = await vigil.pingUuid(slug);
    expect((await run(['-uuid', uuid], ['false'])).code).toBe(1);
    expect((await run(['-uuid', uuid], ['true'])).code).toBe(0);
    const runs = await vigil.api.waitForRuns(slug, 2, PRODUCTION);
    expect(runs.map((r) => r.status)).toEqual(['ok', 'error']);

    const pings = await checks.waitForPings(uuid, 4);
    expect(pings.map((ping) => ping.type)).toEqual(['success', 'start', 'fail', 'start']);
    expect(pings[0]?.rid).toBe(pings[1]?.rid);
    expect(pings[2]?.rid).toBe(pings[3]?.rid);
    expect(pings[0]?.rid).not.toBe(pings[2]?.rid);
    expect(pings.map((ping) => ping.rid)).toEqual([runs[0]?.id, runs[0]?.id, runs[1]?.id, runs[1]?.id]);
  });
});

describe('runitor -ping-key -slug (/ping/<ping_key>/<slug>)', () => {
  it('-create and a succeeding command: creates the check on its first run, start then ok, with the output', async () => {
    const slug = uniqueSlug('runitor-create');
    expect(await vigil.api.monitor(slug)).toBeUndefined();
    const result = await run(['-ping-key', vigil.credentials.VIGIL_PING_KEY, '-slug', slug, '-create'], ['sh', '-c', 'sleep 0.3; echo 42 files']);
    expect(result.code).toBe(0);
    expectAllPingsTaken(result);

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ slug });
    const [only] = await vigil.api.waitForRuns(slug, 1);
    expect(only).toMatchObject({ status: 'ok', environment: 'production' });
    expect(only?.duration).toBeGreaterThanOrEqual(250);
    expect(await expectStartThen(await vigil.pingUuid(slug), 'success', only)).toBe('42 files\n');
  });

  it('-create and a failing command: creates the check, start then error, with the output and the exit status', async () => {
    const slug = uniqueSlug('runitor-create-fail');
    const result = await run(['-ping-key', vigil.credentials.VIGIL_PING_KEY, '-slug', slug, '-create'], ['sh', '-c', 'echo disk full >&2; sleep 0.3; exit 3']);
    expect(result.code).toBe(3);
    expectAllPingsTaken(result);

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ slug });
    const [only] = await vigil.api.waitForRuns(slug, 1);
    expect(only).toMatchObject({ status: 'error', environment: 'production' });
    expect(only?.duration).toBeGreaterThanOrEqual(250);
    const body = await expectStartThen(await vigil.pingUuid(slug), 'fail', only);
    expect(body).toContain('disk full\n');
    expect(body).toContain('[runitor] exit status 3');
  });

  it('without -create: an unknown slug is refused (runitor reports both 404s and still runs the command); a known one records', async () => {
    const unknown = uniqueSlug('runitor-unknown');
    const refused = await run(['-ping-key', vigil.credentials.VIGIL_PING_KEY, '-slug', unknown], ['sh', '-c', 'echo ran']);
    expect(refused.code).toBe(0);
    expect(refused.stdout).toBe('ran\n');
    expect(refused.stderr).toMatch(/Ping\(start\): .*404/);
    expect(refused.stderr).toMatch(/Ping\(success\): .*404/);
    expect(await vigil.api.monitor(unknown)).toBeUndefined();

    const known = uniqueSlug('runitor-known');
    await vigil.createMonitor(known, DAILY);
    const result = await run(['-ping-key', vigil.credentials.VIGIL_PING_KEY, '-slug', known], ['sh', '-c', 'sleep 0.3; exit 0']);
    expect(result.code).toBe(0);
    expectAllPingsTaken(result);
    const [only] = await vigil.api.waitForRuns(known, 1, PRODUCTION);
    expect(only).toMatchObject({ status: 'ok' });
    expect(await expectStartThen(await vigil.pingUuid(known), 'success', only)).toBeNull();
  });
});
