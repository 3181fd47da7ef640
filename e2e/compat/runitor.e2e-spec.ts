import { describeResult, runProcess, toolPath, uniqueSlug, Vigil } from '../src/support';

/**
 * runitor (bdd.fi/x/runitor, pinned by deploy/local/tools.sh) wrapping commands, pointed at Vigil with
 * `-api-url <ingest>/ping`. It POSTs `/start?rid=<uuid>`, then the plain ping (success) or `/<exit code>`
 * with the same rid and the command's output as the body.
 */
let vigil: Vigil;
let runitor: string;
const PRODUCTION = { environment: 'production' };

function run(handle: readonly string[], command: readonly string[]) {
  return runProcess(runitor, ['-api-url', `${vigil.ingestUrl}/ping`, '-api-retries', '0', ...handle, '--', ...command]);
}

/** runitor reports a ping the server did not take as "Ping(<type>): <error>" on stderr, and still exits as the command did. */
function expectAllPingsTaken(result: { stderr: string }): void {
  expect(result.stderr).not.toMatch(/Ping\(/);
}

beforeAll(async () => {
  runitor = toolPath('runitor');
  const version = await runProcess(runitor, ['-version']);
  if (version.code !== 0 || !version.stdout.startsWith('runitor v')) throw new Error(`runitor does not run: ${describeResult(version)}`);
  vigil = await Vigil.start();
});

afterAll(async () => {
  await vigil?.stop();
});

describe('runitor', () => {
  it('wrapping a succeeding command (-uuid): one ok run with a duration, output passed through', async () => {
    const slug = uniqueSlug('runitor-ok');
    await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '0 2 * * *' } });
    const result = await run(['-uuid', await vigil.pingUuid(slug)], ['sh', '-c', 'echo copying; sleep 0.5; echo copied']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('copying\ncopied\n');
    expectAllPingsTaken(result);

    const [only] = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(only).toMatchObject({ status: 'ok' });
    expect(only?.duration).toBeGreaterThanOrEqual(450);
    expect(only?.duration).toBeLessThan(30000);
  });

  it('wrapping a failing command (-uuid): one error run, and runitor exits with the command\'s code', async () => {
    const slug = uniqueSlug('runitor-fail');
    await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '0 2 * * *' } });
    const result = await run(['-uuid', await vigil.pingUuid(slug)], ['sh', '-c', 'echo cannot reach the database >&2; sleep 0.3; exit 4']);
    expect(result.code).toBe(4);
    expectAllPingsTaken(result);

    const [only] = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(only).toMatchObject({ status: 'error' });
    expect(only?.duration).toBeGreaterThanOrEqual(250);
  });

  it('two runs of the same check are two runs (each start paired with its end by rid)', async () => {
    const slug = uniqueSlug('runitor-twice');
    await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '0 2 * * *' } });
    const uuid = await vigil.pingUuid(slug);
    expect((await run(['-uuid', uuid], ['false'])).code).toBe(1);
    expect((await run(['-uuid', uuid], ['true'])).code).toBe(0);
    const runs = await vigil.api.waitForRuns(slug, 2, PRODUCTION);
    expect(runs.map((r) => r.status)).toEqual(['ok', 'error']);
  });

  it('-ping-key, -slug and -create: creates the check on its first run', async () => {
    const slug = uniqueSlug('runitor-create');
    const result = await run(['-ping-key', vigil.credentials.VIGIL_PING_KEY, '-slug', slug, '-create'], ['sh', '-c', 'sleep 0.3']);
    expect(result.code).toBe(0);
    expectAllPingsTaken(result);

    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ slug });
    const [only] = await vigil.api.waitForRuns(slug, 1);
    expect(only).toMatchObject({ status: 'ok', environment: 'production' });
    expect(only?.duration).toBeGreaterThanOrEqual(250);
  });
});
