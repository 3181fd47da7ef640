import { randomUUID } from 'node:crypto';
import { curl, runProcess, uniqueSlug, Vigil } from '../support';

/**
 * The system curl against every Healthchecks-style ping URL form, as a crontab line would call it. Runs of
 * pings land in the default environment, production; the monitors are created beforehand by an envelope in
 * another environment (SETUP_ENVIRONMENT), which the reads leave out.
 */
let vigil: Vigil;
const PRODUCTION = { environment: 'production' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function monitorWithUuid(prefix: string): Promise<{ slug: string; url: string }> {
  const slug = uniqueSlug(prefix);
  await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '*/5 * * * *' } });
  return { slug, url: `${vigil.ingestUrl}/ping/${await vigil.pingUuid(slug)}` };
}

async function monitorWithSlugUrl(prefix: string): Promise<{ slug: string; url: string }> {
  const slug = uniqueSlug(prefix);
  await vigil.createMonitor(slug, { schedule: { type: 'crontab', value: '*/5 * * * *' } });
  return { slug, url: `${vigil.ingestUrl}/ping/${vigil.credentials.VIGIL_PING_KEY}/${slug}` };
}

beforeAll(async () => {
  const version = await runProcess('curl', ['--version']);
  if (version.code !== 0) throw new Error('curl is not installed');
  vigil = await Vigil.start();
});

afterAll(async () => {
  await vigil?.stop();
});

describe('curl: ping URLs by UUID', () => {
  it('GET, HEAD and POST with a body each answer 200 OK and each is an ok run', async () => {
    const { slug, url } = await monitorWithUuid('curl-methods');
    const get = await curl(['-fsS', url]);
    expect(get).toMatchObject({ status: 200, body: 'OK' });
    expect((await curl(['-I', url])).status).toBe(200);
    const post = await curl(['-X', 'POST', '--data-binary', '@-', url], 'backup finished: 42 files\nsecond line\n');
    expect(post).toMatchObject({ status: 200, body: 'OK' });

    const runs = await vigil.api.waitForRuns(slug, 3, PRODUCTION);
    expect(runs.map((run) => run.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('answers carry a positive Ping-Body-Limit header', async () => {
    const { url } = await monitorWithUuid('curl-limit');
    for (const response of [await curl([url]), await curl([`${url}/start`]), await curl(['-I', `${url}/fail`])]) {
      expect(response.headers['ping-body-limit']).toMatch(/^[1-9][0-9]*$/);
    }
  });

  it('/start then a success ping is one run, ok, with the time between them as its duration', async () => {
    const { slug, url } = await monitorWithUuid('curl-start');
    expect(await curl([`${url}/start`])).toMatchObject({ status: 200, body: 'OK' });
    const [open] = await vigil.api.waitForRuns(slug, 1, { ...PRODUCTION, settled: (runs) => runs[0]?.status === 'in_progress' });
    expect(open?.duration).toBeNull();
    await sleep(500);
    expect(await curl([url])).toMatchObject({ status: 200, body: 'OK' });

    const [run] = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(run).toMatchObject({ status: 'ok', id: open?.id });
    expect(run?.duration).toBeGreaterThanOrEqual(450);
    expect(run?.duration).toBeLessThan(30000);
  });

  it('/fail is an error run; a POST body with it is taken', async () => {
    const { slug, url } = await monitorWithUuid('curl-fail');
    expect(await curl(['--data-binary', 'disk full', `${url}/fail`])).toMatchObject({ status: 200, body: 'OK' });
    const runs = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(runs.map((run) => run.status)).toEqual(['error']);
  });

  it('/log answers OK and leaves the open run as it is; the run then ends ok', async () => {
    const { slug, url } = await monitorWithUuid('curl-log');
    expect((await curl([`${url}/start`])).status).toBe(200);
    await vigil.api.waitForRuns(slug, 1, { ...PRODUCTION, settled: (runs) => runs[0]?.status === 'in_progress' });
    expect(await curl(['--data-binary', 'halfway: 21 of 42 files', `${url}/log`])).toMatchObject({ status: 200, body: 'OK' });
    await sleep(1000);
    const during = await vigil.api.checkins(slug, PRODUCTION);
    expect(during.map((run) => run.status)).toEqual(['in_progress']);

    expect((await curl([`${url}/0`])).status).toBe(200);
    const runs = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(runs.map((run) => run.status)).toEqual(['ok']);
  });

  it('/<exit code>: 0 is ok, 1 to 255 are errors, 256 is refused with 400 and writes nothing', async () => {
    const { slug, url } = await monitorWithUuid('curl-codes');
    expect(await curl([`${url}/0`])).toMatchObject({ status: 200, body: 'OK' });
    expect(await curl(['--data-binary', 'exit 1', `${url}/1`])).toMatchObject({ status: 200, body: 'OK' });
    expect(await curl([`${url}/255`])).toMatchObject({ status: 200, body: 'OK' });
    expect((await curl([`${url}/256`])).status).toBe(400);

    const runs = await vigil.api.waitForRuns(slug, 3, PRODUCTION);
    expect(runs.map((run) => run.status).sort()).toEqual(['error', 'error', 'ok']);
    await sleep(1000);
    expect(await vigil.api.checkins(slug, PRODUCTION)).toHaveLength(3);
  });

  it('?rid= pairs each start with its own end, even when two runs overlap', async () => {
    const { slug, url } = await monitorWithUuid('curl-rid');
    const first = randomUUID();
    const second = randomUUID();
    expect((await curl([`${url}/start?rid=${first}`])).status).toBe(200);
    await sleep(300);
    expect((await curl([`${url}/start?rid=${second}`])).status).toBe(200);
    await sleep(300);
    expect((await curl([`${url}/0?rid=${first}`])).status).toBe(200);
    expect((await curl(['--data-binary', 'failed', `${url}/fail?rid=${second}`])).status).toBe(200);

    const runs = await vigil.api.waitForRuns(slug, 2, PRODUCTION);
    const byId = new Map(runs.map((run) => [run.id, run]));
    expect(byId.get(first)).toMatchObject({ status: 'ok' });
    expect(byId.get(second)).toMatchObject({ status: 'error' });
    expect(byId.get(first)?.duration).toBeGreaterThanOrEqual(550);
    expect(byId.get(second)?.duration).toBeGreaterThanOrEqual(250);
    expect(byId.get(second)?.duration).toBeLessThan(byId.get(first)?.duration ?? 0);
  });

  it('an unknown UUID is 404', async () => {
    expect(await curl([`${vigil.ingestUrl}/ping/${randomUUID()}`])).toMatchObject({ status: 404 });
  });
});

describe('curl: ping URLs by ping key and slug', () => {
  it('/ping/<ping_key>/<slug> with GET, HEAD and POST: each an ok run', async () => {
    const { slug, url } = await monitorWithSlugUrl('slug-methods');
    expect(await curl([url])).toMatchObject({ status: 200, body: 'OK' });
    expect((await curl(['-I', url])).status).toBe(200);
    expect(await curl(['--data-binary', 'done', url])).toMatchObject({ status: 200, body: 'OK' });
    const runs = await vigil.api.waitForRuns(slug, 3, PRODUCTION);
    expect(runs.map((run) => run.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('/start, /log and /fail by slug: one run, ending in error, with a duration', async () => {
    const { slug, url } = await monitorWithSlugUrl('slug-signals');
    expect(await curl([`${url}/start`])).toMatchObject({ status: 200, body: 'OK' });
    await vigil.api.waitForRuns(slug, 1, { ...PRODUCTION, settled: (runs) => runs[0]?.status === 'in_progress' });
    expect(await curl(['--data-binary', 'still going', `${url}/log`])).toMatchObject({ status: 200, body: 'OK' });
    await sleep(400);
    expect(await curl(['--data-binary', 'broke', `${url}/fail`])).toMatchObject({ status: 200, body: 'OK' });
    const [run] = await vigil.api.waitForRuns(slug, 1, PRODUCTION);
    expect(run).toMatchObject({ status: 'error' });
    expect(run?.duration).toBeGreaterThanOrEqual(350);
  });

  it('/<exit code> by slug: 0 ok, 3 error, 256 refused', async () => {
    const { slug, url } = await monitorWithSlugUrl('slug-codes');
    expect(await curl([`${url}/0`])).toMatchObject({ status: 200, body: 'OK' });
    expect(await curl([`${url}/3`])).toMatchObject({ status: 200, body: 'OK' });
    expect((await curl([`${url}/256`])).status).toBe(400);
    const runs = await vigil.api.waitForRuns(slug, 2, PRODUCTION);
    expect(runs.map((run) => run.status).sort()).toEqual(['error', 'ok']);
  });

  it('?create=1 creates the monitor (201 Created), a second call finds it (200 OK); without it an unknown slug is 404', async () => {
    const slug = uniqueSlug('slug-create');
    const url = `${vigil.ingestUrl}/ping/${vigil.credentials.VIGIL_PING_KEY}/${slug}`;
    expect((await curl([url])).status).toBe(404);
    expect(await vigil.api.monitor(slug)).toBeUndefined();

    expect(await curl([`${url}?create=1`])).toMatchObject({ status: 201, body: 'Created' });
    expect(await vigil.api.waitForMonitor(slug)).toMatchObject({ slug });
    expect(await curl([`${url}?create=1`])).toMatchObject({ status: 200, body: 'OK' });

    const runs = await vigil.api.waitForRuns(slug, 2);
    expect(runs.map((run) => run.status)).toEqual(['ok', 'ok']);
  });

  it('a wrong ping key is 404', async () => {
    const { slug } = await monitorWithSlugUrl('slug-wrong-key');
    expect((await curl([`${vigil.ingestUrl}/ping/not-the-key-${Date.now()}/${slug}`])).status).toBe(404);
  });
});
