import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { REPO_ROOT, resetTestTopics, ServiceProcess, testConfig, waitFor } from '@vigil/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { addMember, apiCall, uniqueSlug, Vigil } from './support';
import { cookieNamed, launchChromium, resetPassword, seriousAxeViolations, signIn, type AxeViolation } from './support/browser';

/**
 * The dashboard (#16) in headless Chromium on the real stack: ingest, history and the API (which serves the
 * pages) as processes, Debian's chromium driven by playwright-core. A job's pings reach the open list without a
 * reload; the writes go through the API with the member's role; sign-in is limited; axe finds nothing serious.
 * With VIGIL_SCREENSHOTS=1 the screenshots are written to docs/images/ (the README shows them).
 */

const FAILURES_PER_ACCOUNT = 3;
const FAILURES_PER_ADDRESS = 8;
/** The pages poll every second here (2.5 s by default), so a test waits less for a change. */
const POLL_MS = 1000;
/** A change must reach an open page within this (the issue's bound), with history's write in between. */
const LIVE_BOUND_MS = 5000;

let vigil: Vigil;
let scheduler: ServiceProcess;
let issues: ServiceProcess;
let db: DataSource;
let browser: Browser;
let web: string;
let organizationId: string;
let readOnly: { email: string; password: string };

function pingUrl(slug: string, suffix = ''): string {
  return `${vigil.ingestUrl}/ping/${vigil.credentials.VIGIL_PING_KEY}/${slug}${suffix}`;
}

async function ping(url: string): Promise<void> {
  const response = await fetch(url);
  if (response.status >= 300) throw new Error(`ping ${url}: ${response.status} ${await response.text()}`);
}

async function ownerPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await signIn(page, web, vigil.credentials.VIGIL_ADMIN_EMAIL, vigil.credentials.VIGIL_ADMIN_PASSWORD);
  // The list is paged (50, failing first) and the specs before this one leave monitors: show this spec's own.
  await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/?q=dash-`);
  return { context, page };
}

/** A monitor made by a job's first ping (Healthchecks' `?create=1`), and the list showing it. */
async function createByPing(slug: string): Promise<void> {
  await ping(pingUrl(slug, '?create=1'));
}

/** What a page open on the list saw of a check going late, then missed (`watchLateThenMissed`). */
interface LateThenMissed {
  lateAfter: number;
  missedAfter: number;
  label: string | null;
}

/**
 * Healthchecks' deadlines to the second (decision 0020): late at the ping + timeout, down (missed) at + grace. The
 * shortest timeout and grace (60 s each) make this over two minutes of wall clock, so it starts as soon as Vigil is up
 * and its page watches while the other tests run; the last test of the file reads what it saw.
 */
async function watchLateThenMissed(): Promise<LateThenMissed> {
  const slug = uniqueSlug('dash-miss');
  const created = await fetch(`${web}/api/v3/checks/`, {
    method: 'POST',
    headers: { 'x-api-key': vigil.credentials.VIGIL_PROJECT_API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ name: slug, slug, timeout: 60, grace: 60 }),
  });
  if (created.status !== 201) throw new Error(`creating ${slug} answered ${created.status}: ${await created.text()}`);
  const { context, page } = await ownerPage();
  try {
    await ping(pingUrl(slug));
    const pinged = Date.now();
    await page.waitForSelector(`li[data-slug="${slug}"] .env[data-status="ok"]`, { timeout: 30_000 });
    await page.waitForSelector(`li[data-slug="${slug}"] .env[data-status="late"]`, { timeout: 90_000 });
    const lateAfter = Date.now() - pinged;
    await page.waitForSelector(`li[data-slug="${slug}"] .env[data-status="missed"]`, { timeout: 90_000 });
    const missedAfter = Date.now() - pinged;
    return { lateAfter, missedAfter, label: await page.getAttribute(`li[data-slug="${slug}"] .env .icon`, 'aria-label') };
  } finally {
    await context.close();
  }
}

let lateThenMissed: Promise<LateThenMissed> | undefined;

/** A Sentry check-in to the DSN cron endpoint (query mode: `duration` in seconds) for a monitor that exists. */
async function cronCheckin(slug: string, values: Record<string, string>, project = vigil.credentials.VIGIL_PROJECT_ID, key = vigil.publicKey): Promise<void> {
  const response = await fetch(`${vigil.ingestUrl}/api/${project}/cron/${slug}/${key}/?${new URLSearchParams(values).toString()}`);
  if (response.status !== 202) throw new Error(`check-in for ${slug}: ${response.status} ${await response.text()}`);
}

/** Runs that finished with these durations (seconds), each its own run in production (of the default project unless `dsn` names another). */
async function finishedRuns(
  slug: string,
  runs: ReadonlyArray<readonly [string, number]>,
  dsn: { project: string; key: string } = { project: vigil.credentials.VIGIL_PROJECT_ID, key: vigil.publicKey },
): Promise<void> {
  for (const [status, seconds] of runs)
    await cronCheckin(slug, { status, duration: String(seconds), check_in_id: randomUUID(), environment: 'production' }, dsn.project, dsn.key);
}

/**
 * A check-in in an envelope whose monitor_config is invalid: for a monitor that exists, ingest keeps the check-in
 * under the monitor's current config and records the processing error `invalid_monitor_config`.
 */
async function checkinWithInvalidConfig(slug: string): Promise<void> {
  const item = {
    check_in_id: randomUUID().replace(/-/g, ''),
    monitor_slug: slug,
    status: 'ok',
    environment: 'production',
    monitor_config: { schedule: { type: 'crontab', value: '61 * * * *' } },
  };
  const response = await fetch(`${vigil.ingestUrl}/api/${vigil.credentials.VIGIL_PROJECT_ID}/envelope/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-sentry-envelope',
      'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${vigil.publicKey}, sentry_client=vigil-e2e/1.0`,
    },
    body: [JSON.stringify({ sent_at: new Date().toISOString() }), JSON.stringify({ type: 'check_in' }), JSON.stringify(item)].join('\n'),
  });
  if (response.status !== 200) throw new Error(`envelope for ${slug}: ${response.status} ${await response.text()}`);
}

/** A Healthchecks check made through the Management API v3 (tags are set only there). */
async function createCheck(slug: string, tags: string): Promise<void> {
  const created = await fetch(`${web}/api/v3/checks/`, {
    method: 'POST',
    headers: { 'x-api-key': vigil.credentials.VIGIL_PROJECT_API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ name: slug, slug, tags }),
  });
  if (created.status !== 201) throw new Error(`check ${slug}: ${created.status} ${await created.text()}`);
}

/** The value at position floor(level × n) of the sorted values: the API's exact percentiles. */
function exactQuantile(values: readonly number[], level: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(Math.floor(level * sorted.length), sorted.length - 1)]!;
}

interface ApiRun {
  status: string;
  duration: number | null;
  dateCreated: string;
}

interface ChartBucket {
  start: string;
  runs: string;
  p50: string;
  p99: string;
  title: string;
}

/** The duration chart's bars of one environment on the open monitor page. */
async function chartBuckets(page: Page, environment: string): Promise<ChartBucket[]> {
  return page.evaluate<ChartBucket[]>(
    `[...document.querySelectorAll('section[data-env="${environment}"] svg.durations g.d-bucket')].map((g) => ({
      start: g.getAttribute('data-start'), runs: g.getAttribute('data-runs'), p50: g.getAttribute('data-p50'), p99: g.getAttribute('data-p99'),
      title: g.querySelector('title').textContent,
    }))`,
  );
}

beforeAll(async () => {
  // The scheduler's partition clocks only move forward: start from empty topics, whatever ran before.
  await resetTestTopics(testConfig());
  vigil = await Vigil.start({
    VIGIL_WEB_SIGNIN_FAILURES_PER_ACCOUNT: String(FAILURES_PER_ACCOUNT),
    VIGIL_WEB_SIGNIN_FAILURES_PER_ADDRESS: String(FAILURES_PER_ADDRESS),
    VIGIL_WEB_POLL_MS: String(POLL_MS),
    // Loopback is the proxy here, so a request saying X-Forwarded-Proto: https counts as one over TLS.
    VIGIL_TRUSTED_PROXIES: '127.0.0.1',
  });
  web = vigil.api.url;
  db = createDataSource(loadConfig({ ...process.env, ...vigil.env }), { poolSize: 1 });
  await db.initialize();
  await db.query('DELETE FROM sign_in_failures');
  const rows: Array<{ id: string }> = await db.query('SELECT id FROM organizations WHERE slug = $1', [vigil.credentials.VIGIL_ORG]);
  organizationId = rows[0]!.id;
  const email = `${uniqueSlug('viewer')}@example.com`;
  await addMember(db, organizationId, email, 'read-only');
  readOnly = { email, password: resetPassword(vigil.env, email, vigil.credentials.VIGIL_ORG) };
  // The issues service opens and resolves the issues a monitor page lists.
  [scheduler, issues] = await Promise.all([ServiceProcess.start('scheduler', vigil.env), ServiceProcess.start('issues', vigil.env)]);
  browser = await launchChromium();
  lateThenMissed = watchLateThenMissed();
  // Read by the last test; until then a failure must not count as unhandled.
  lateThenMissed.catch(() => undefined);
}, 120_000);

afterAll(async () => {
  await lateThenMissed?.catch(() => undefined);
  await browser?.close();
  await issues?.stop();
  await scheduler?.stop();
  await db?.destroy();
  await vigil?.stop();
});

describe('dashboard: signing in', () => {
  it('signs the owner in with the password make up printed; the session cookie is HttpOnly and SameSite=Lax', async () => {
    const { context, page } = await ownerPage();
    expect(await page.title()).toMatch(/Monitors · Vigil$/);
    const session = await cookieNamed(context, 'vigil_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    await context.close();
  });

  it('sets the cookies Secure when the request came over TLS (a trusted proxy says X-Forwarded-Proto: https)', async () => {
    const answer = await fetch(`${web}/signin`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(answer.headers.get('set-cookie')).toMatch(/vigil_csrf=[^;]+;.*HttpOnly;.*Secure;.*SameSite=Lax/);
  });

  it('refuses a wrong password and says so, and sends a signed-out visitor to the sign-in page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.fill('#email', vigil.credentials.VIGIL_ADMIN_EMAIL);
    await page.fill('#password', 'not the password at all');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type="submit"]')]);
    expect(response.status()).toBe(401);
    expect(await page.textContent('#signin-error')).toContain('wrong');
    expect(await cookieNamed(context, 'vigil_session')).toBeUndefined();
    await context.close();
    await db.query('DELETE FROM sign_in_failures');
  });

  it('refuses a sign-in form without its CSRF token', async () => {
    const answer = await fetch(`${web}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: vigil.credentials.VIGIL_ADMIN_EMAIL, password: vigil.credentials.VIGIL_ADMIN_PASSWORD }).toString(),
      redirect: 'manual',
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('set-cookie') ?? '').not.toContain('vigil_session=vgs_');
  });

  it('signing out ends the session in the store: its token no longer reads the API', async () => {
    const { context, page } = await ownerPage();
    const token = (await cookieNamed(context, 'vigil_session'))!.value;
    expect((await apiCall(web, token, 'GET', `organizations/${vigil.credentials.VIGIL_ORG}/`)).status).toBe(200);
    await Promise.all([page.waitForURL(/\/signin$/), page.click('header form button')]);
    expect((await apiCall(web, token, 'GET', `organizations/${vigil.credentials.VIGIL_ORG}/`)).status).toBe(401);
    const rows: Array<{ n: string }> = await db.query("SELECT count(*) AS n FROM web_sessions WHERE token_hash = encode(sha256($1::bytea), 'hex')", [token]);
    expect(Number(rows[0]!.n)).toBe(0);
    await context.close();
  });
});

describe('dashboard: the monitors list, live', () => {
  it('shows a monitor a job creates with a ping, then its failure, without a reload; the title and favicon count it', async () => {
    const { context, page } = await ownerPage();
    // Page-side code as strings: the tests compile without the DOM library.
    await page.evaluate('window.notReloaded = true');
    const slug = uniqueSlug('dash-new');
    await createByPing(slug);
    let started = Date.now();
    await page.waitForSelector(`li[data-slug="${slug}"] .env[data-status="ok"]`, { timeout: 30_000 });
    const appearedMs = Date.now() - started;
    started = Date.now();
    await ping(pingUrl(slug, '/fail'));
    await page.waitForSelector(`li[data-slug="${slug}"] .env[data-status="error"]`, { timeout: 30_000 });
    const failedMs = Date.now() - started;
    expect(await page.evaluate<boolean>('window.notReloaded === true')).toBe(true);
    // The browser script sets both once htmx has settled the swap.
    await page.waitForSelector('link#favicon[href*="favicon-failing"]', { state: 'attached' });
    expect(await page.title()).toMatch(/^\(\d+ failing\) Monitors · Vigil$/);
    // Failing first: the failed monitor comes before every monitor that is not failing.
    const order = await page.evaluate<string[]>("[...document.querySelectorAll('li.monitor')].map((item) => item.getAttribute('data-status') ?? '')");
    const failingStatus = (status: string): boolean => ['error', 'timeout', 'missed'].includes(status);
    const lastFailing = order.map(failingStatus).lastIndexOf(true);
    expect(order.slice(0, lastFailing + 1).every(failingStatus)).toBe(true);
    // The timeline drew a failed tick.
    expect(await page.$(`li[data-slug="${slug}"] svg.timeline rect.t-error`)).not.toBeNull();
    expect({ appearedMs, failedMs }).toEqual({ appearedMs: expect.any(Number), failedMs: expect.any(Number) });
    expect(Math.max(appearedMs, failedMs)).toBeLessThan(LIVE_BOUND_MS);
    await context.close();
  });

  it("answers its poll with 204 from the monitors' version while nothing changed, and with the list once a check-in changed it", async () => {
    const { context } = await ownerPage();
    const org = vigil.credentials.VIGIL_ORG;
    // The poll asks with the page's own filters (its hx-get), as the browser does: the list is paged, failing first,
    // and earlier specs' monitors would push this spec's new one off an unfiltered first page.
    const page = await context.request.get(`${web}/orgs/${org}/monitors/?q=dash-poll`);
    const html = await page.text();
    const since = /data-since="([^"]+)"/.exec(html)?.[1] ?? '';
    const live = (/hx-get="([^"]+)"/.exec(html)?.[1] ?? '').replaceAll('&amp;', '&');
    expect(since).toMatch(/^[\w-]+\.[0-9a-z]+\.[\w-]+$/);
    expect(live).toContain('q=dash-poll');
    const poll = () => context.request.get(`${web}${live}&since=${encodeURIComponent(since)}`, { maxRedirects: 0 });
    expect((await poll()).status()).toBe(204);
    const slug = uniqueSlug('dash-poll');
    await createByPing(slug);
    const answer = await waitFor(
      'the poll to answer with the list',
      async () => {
        const polled = await poll();
        return polled.status() === 204 ? undefined : polled;
      },
      { timeoutMs: 30_000 },
    );
    expect(answer.status()).toBe(200);
    expect(await answer.text()).toContain(`data-slug="${slug}"`);
    await context.close();
  });

  it('keeps its filters in the URL: status=failing shows only failing monitors', async () => {
    const ok = uniqueSlug('dash-ok');
    await createByPing(ok);
    const { context, page } = await ownerPage();
    await page.waitForSelector(`li[data-slug="${ok}"]`, { timeout: 30_000 });
    await page.selectOption('#f-status', 'failing');
    await Promise.all([page.waitForURL(/status=failing/), page.click('form.filters button[type="submit"]')]);
    expect(await page.$(`li[data-slug="${ok}"]`)).toBeNull();
    expect(await page.inputValue('#f-status')).toBe('failing');
    await context.close();
  });

  it('shows tags as labels and filters by tag (every word typed must match), kept in the URL and in the poll', async () => {
    const prefix = uniqueSlug('dash-tag');
    await createCheck(`${prefix}-both`, 'prod db');
    await createCheck(`${prefix}-prod`, 'prod');
    const { context, page } = await ownerPage();
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/?q=${prefix}`);
    const tagsOf = (slug: string) =>
      page.evaluate<string[]>(`[...document.querySelectorAll('li[data-slug="${slug}"] ul.tags li.tag')].map((tag) => tag.textContent)`);
    expect(await tagsOf(`${prefix}-both`)).toEqual(['prod', 'db']);
    expect(await tagsOf(`${prefix}-prod`)).toEqual(['prod']);
    await page.fill('#f-tag', 'db prod');
    await Promise.all([page.waitForURL(/tag=db\+prod/), page.click('form.filters button[type="submit"]')]);
    const slugs = await page.evaluate<string[]>("[...document.querySelectorAll('li.monitor')].map((item) => item.getAttribute('data-slug'))");
    expect(slugs).toEqual([`${prefix}-both`]);
    expect(await page.inputValue('#f-tag')).toBe('db prod');
    expect(await page.getAttribute('#monitor-list', 'hx-get')).toContain('tag=db+prod');
    // A tag label links to the list with only that tag.
    await page.fill('#f-tag', '');
    await Promise.all([page.waitForURL(/[?&]tag=&/), page.click('form.filters button[type="submit"]')]);
    await Promise.all([page.waitForURL(/tag=prod(&|$)/), page.click(`li[data-slug="${prefix}-both"] li.tag a[href*="tag=prod&"]`)]);
    expect((await page.evaluate<string[]>("[...document.querySelectorAll('li.monitor')].map((item) => item.getAttribute('data-slug'))")).sort()).toEqual([
      `${prefix}-both`,
      `${prefix}-prod`,
    ]);
    // The monitor page shows them too.
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/${prefix}-both/`);
    expect(await page.evaluate<string[]>("[...document.querySelectorAll('main > ul.tags li.tag')].map((tag) => tag.textContent)")).toEqual(['prod', 'db']);
    await context.close();
  });

  it('answers 404 pages for a monitor that does not exist and for another organization', async () => {
    const { context, page } = await ownerPage();
    expect((await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/no-such-monitor/`))!.status()).toBe(404);
    expect((await page.goto(`${web}/orgs/another-organization/monitors/`))!.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Not found');
    await context.close();
  });
});

describe('dashboard: a monitor page', () => {
  it('mutes and pauses the monitor through the API, and the list shows it', async () => {
    const slug = uniqueSlug('dash-act');
    await createByPing(slug);
    const { context, page } = await ownerPage();
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    await Promise.all([page.waitForLoadState('load'), page.click('button[value="mute"]')]);
    await page.waitForSelector('button[value="unmute"]');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value="pause"]')]);
    await page.waitForSelector('button[value="resume"]');
    const monitor = await apiCall(web, vigil.credentials.VIGIL_API_TOKEN, 'GET', `organizations/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    expect(monitor.json).toMatchObject({ isMuted: true, status: 'paused' });
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/?q=dash-`);
    await page.waitForSelector(`li[data-slug="${slug}"][data-status="paused"]`);
    await context.close();
  });

  it("shows the API's error beside the field when a schedule edit is invalid, and changes nothing", async () => {
    const slug = uniqueSlug('dash-edit');
    await createByPing(slug);
    const { context, page } = await ownerPage();
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    await page.fill('#e-schedule', '61 * * * *');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form[action$="/edit"] button')]);
    expect(response.status()).toBe(400);
    expect(await page.textContent('#e-schedule-error')).toMatch(/61 is out of range/);
    expect(await page.inputValue('#e-schedule')).toBe('61 * * * *');
    const monitor = await apiCall(web, vigil.credentials.VIGIL_API_TOKEN, 'GET', `organizations/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    expect(monitor.json).toMatchObject({ config: { schedule_type: 'interval' } });
    await context.close();
  });

  it('draws a duration chart: p50 and p99 per bucket of the chosen range of the runs that finished ok or error, as the API reads them', async () => {
    const org = vigil.credentials.VIGIL_ORG;
    const token = vigil.credentials.VIGIL_API_TOKEN;
    const slug = uniqueSlug('dash-dur');
    const created = await apiCall(web, token, 'POST', `organizations/${org}/monitors/`, {
      project: vigil.credentials.VIGIL_PROJECT,
      name: slug,
      slug,
      config: { schedule_type: 'crontab', schedule: '0 * * * *' },
    });
    expect(created.status).toBe(201);
    await finishedRuns(slug, [
      ['ok', 1],
      ['ok', 2],
      ['error', 4],
      ['ok', 10],
    ]);
    // A run still in progress has no duration: it is in the check-ins, not in the chart.
    await cronCheckin(slug, { status: 'in_progress', check_in_id: randomUUID(), environment: 'production' });
    const runs = await waitFor(
      'the four finished runs and the open one in history',
      async () => {
        const answer = await apiCall(web, token, 'GET', `organizations/${org}/monitors/${slug}/checkins/`);
        const list = answer.json as ApiRun[];
        // (A miss, should the hour turn meanwhile, is a run of its own without a duration.)
        const finished = list.filter((run) => run.duration !== null && ['ok', 'error'].includes(run.status));
        return finished.length === 4 && list.some((run) => run.status === 'in_progress') ? list : undefined;
      },
      { timeoutMs: 30_000 },
    );
    // The expectation from the runs as the API lists them: per 4-hour bucket of the 30-day range (aligned to the epoch).
    const bucketMs = 4 * 3_600_000;
    const byBucket = new Map<number, number[]>();
    for (const run of runs) {
      if (run.duration === null || !['ok', 'error'].includes(run.status)) continue;
      const start = Math.floor(Date.parse(run.dateCreated) / bucketMs) * bucketMs;
      byBucket.set(start, [...(byBucket.get(start) ?? []), run.duration]);
    }
    expect([...byBucket.values()].flat().sort((a, b) => a - b)).toEqual([1000, 2000, 4000, 10_000]);
    const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    const expected = [...byBucket]
      .sort(([a], [b]) => a - b)
      .map(([start, durations]) => ({
        start: new Date(start).toISOString(),
        runs: String(durations.length),
        p50: String(exactQuantile(durations, 0.5)),
        p99: String(exactQuantile(durations, 0.99)),
        title: `p50 ${seconds(exactQuantile(durations, 0.5))}, p99 ${seconds(exactQuantile(durations, 0.99))} (${durations.length} run${durations.length === 1 ? '' : 's'})`,
      }));
    // In the usual case of one bucket: sorted 1, 2, 4, 10 s, p50 at position 2 (4 s), p99 at position 3 (10 s).
    if (expected.length === 1) expect(expected[0]).toMatchObject({ p50: '4000', p99: '10000', runs: '4' });

    const { context, page } = await ownerPage();
    await page.goto(`${web}/orgs/${org}/monitors/${slug}/?range=30d`);
    expect(await page.getAttribute('nav.ranges a[aria-current="page"]', 'href')).toBe(`/orgs/${org}/monitors/${slug}/?range=30d`);
    const drawn = await chartBuckets(page, 'production');
    expect(drawn.map(({ title, ...rest }) => ({ ...rest, title: title.replace(/^.*UTC: /, '') }))).toEqual(expected);
    // Each title says its time span with its zone.
    for (const bucket of drawn) expect(bucket.title).toMatch(/^\d\d-\d\d \d\d:\d\d to (\d\d-\d\d )?\d\d:\d\d UTC: p50 /);
    const label = (await page.getAttribute('section[data-env="production"] svg.durations', 'aria-label')) ?? '';
    expect(label).toMatch(
      /^Run durations in production over the last 30 days: p50 and p99 per 4 hours of the runs that finished ok or error, from 0 to \d+ s; 4 runs/,
    );
    expect(await page.getAttribute('section[data-env="production"] svg.durations', 'role')).toBe('img');
    expect(await page.textContent('section[data-env="production"] .d-y')).toMatch(/^\d+ s[\d.]+ s0 s$/);
    // The live poll keeps the range.
    expect(await page.getAttribute('#monitor-state', 'hx-get')).toContain('range=30d');

    // A script reads the same numbers from the API.
    const now = Math.ceil(Date.now() / 1000);
    const stats = await apiCall(
      web,
      token,
      'GET',
      `organizations/${org}/monitors-stats/?monitor=${slug}&since=${now - 30 * 86400}&until=${now}&resolution=4h&durations=true`,
    );
    const body = stats.json as { start: string; resolution: number; durationFields: string[]; durations: Record<string, Record<string, number[][]>> };
    expect(body.durationFields).toEqual(['runs', 'p50', 'p99']);
    expect(
      body.durations[slug]!['production']!.map(([index, count, p50, p99]) => ({
        start: new Date(Date.parse(body.start) + index! * body.resolution * 1000).toISOString(),
        runs: String(count),
        p50: String(p50),
        p99: String(p99),
      })),
    ).toEqual(expected.map(({ title: _title, ...rest }) => rest));
    await context.close();
  });

  it('lists its issues, open and resolved, newest first, linking to the Issues page, and its processing errors; empty states otherwise', async () => {
    const org = vigil.credentials.VIGIL_ORG;
    const token = vigil.credentials.VIGIL_API_TOKEN;
    const slug = uniqueSlug('dash-iss');
    await createByPing(slug);
    const { context, page } = await ownerPage();
    await page.goto(`${web}/orgs/${org}/monitors/${slug}/`);
    expect(await page.textContent('#monitor-state')).toContain('No issue: no environment has reached its failure threshold.');
    expect(await page.textContent('#monitor-state')).toContain('No processing error: every check-in was applied as sent.');
    expect(await page.$('section[data-env] .d-empty')).not.toBeNull();

    await checkinWithInvalidConfig(slug);
    const errors = await waitFor(
      'the processing error',
      async () => {
        const answer = await apiCall(web, token, 'GET', `projects/${org}/${vigil.credentials.VIGIL_PROJECT}/monitors/${slug}/processing-errors/`);
        const list = answer.json as Array<{ id: string; errors: Array<{ code: string }> }>;
        return list.length > 0 ? list : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(errors[0]!.errors.map((error) => error.code)).toContain('invalid_monitor_config');
    const issueList = async (): Promise<Array<{ id: string; status: string; dateOpened: string; dateResolved: string | null }>> =>
      (await apiCall(web, token, 'GET', `organizations/${org}/issues/?monitor=${slug}`)).json as Array<{
        id: string;
        status: string;
        dateOpened: string;
        dateResolved: string | null;
      }>;
    // Fail (an issue opens), recover (it resolves), fail again (a second one opens).
    await ping(pingUrl(slug, '/fail'));
    await waitFor('the first issue', async () => ((await issueList()).length === 1 ? true : undefined), { timeoutMs: 30_000 });
    await ping(pingUrl(slug));
    await waitFor('the first issue resolved', async () => ((await issueList())[0]?.status === 'resolved' ? true : undefined), { timeoutMs: 30_000 });
    await ping(pingUrl(slug, '/fail'));
    const found = await waitFor(
      'the second issue',
      async () => {
        const list = await issueList();
        return list.length === 2 ? list : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(found.map((issue) => issue.status)).toEqual(['open', 'resolved']);

    // The open page shows them without a reload.
    const rows = `#monitor-state tr[data-issue]`;
    // (A selector, not a function: the page's CSP forbids evaluating strings in it.)
    await page.waitForSelector('#monitor-state table.monitor-issues tbody tr:nth-child(2)', { timeout: LIVE_BOUND_MS });
    const shown = await page.evaluate<Array<[string, string, string, string[]]>>(
      `[...document.querySelectorAll('${rows}')].map((row) => [row.getAttribute('data-issue'), row.getAttribute('data-status'), row.querySelector('a').getAttribute('href'), [...row.querySelectorAll('time')].map((t) => t.getAttribute('datetime'))])`,
    );
    expect(shown).toEqual(
      found.map((issue) => [
        issue.id,
        issue.status,
        `/orgs/${org}/issues/${issue.id}/`,
        [issue.dateOpened, ...(issue.dateResolved ? [issue.dateResolved] : [])],
      ]),
    );
    expect(await page.getAttribute(`#monitor-state tr[data-error="${errors[0]!.id}"]`, 'data-code')).toContain('invalid_monitor_config');
    // The link opens the issue's page.
    await Promise.all([page.waitForURL(new RegExp(`/issues/${found[1]!.id}/$`)), page.click(`tr[data-issue="${found[1]!.id}"] a`)]);
    expect(await page.getAttribute('tr[data-role="Resolved it"]', 'data-status')).toBe('ok');
    await context.close();
  });

  it('shows the snippets with the real DSN, ping URL and slug', async () => {
    const slug = uniqueSlug('dash-snip');
    await createByPing(slug);
    const { context, page } = await ownerPage();
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    const text = (await page.textContent('main')) ?? '';
    expect(text).toContain(pingUrl(slug));
    expect(text).toContain(vigil.credentials.VIGIL_DSN);
    expect(text).toContain(`sentry-cli monitors run`);
    await context.close();
  });
});

describe('dashboard: roles and forged requests', () => {
  it('shows a read-only member no write controls, and the server refuses a write it forges', async () => {
    const slug = uniqueSlug('dash-ro');
    await createByPing(slug);
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, web, readOnly.email, readOnly.password);
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    expect(await page.$$('button[value="pause"], button[value="mute"], button[value="delete"], form[action$="/edit"]')).toHaveLength(0);
    const csrf = await page.getAttribute('meta[name="csrf-token"]', 'content');
    const forged = await context.request.post(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/actions`, {
      form: { _csrf: csrf ?? '', action: 'pause' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const monitor = await apiCall(web, vigil.credentials.VIGIL_API_TOKEN, 'GET', `organizations/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    expect(monitor.json).toMatchObject({ status: 'active' });
    await context.close();
  });

  it('refuses a signed-in write without the CSRF token (as a cross-site form would send it)', async () => {
    const slug = uniqueSlug('dash-csrf');
    await createByPing(slug);
    const { context } = await ownerPage();
    const forged = await context.request.post(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/actions`, {
      form: { action: 'pause' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const monitor = await apiCall(web, vigil.credentials.VIGIL_API_TOKEN, 'GET', `organizations/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    expect(monitor.json).toMatchObject({ status: 'active' });
    await context.close();
  });
});

describe('dashboard: accessibility, widths and themes', () => {
  const shots = process.env['VIGIL_SCREENSHOTS'] === '1' ? join(REPO_ROOT, 'docs/images') : join(REPO_ROOT, '.stack/test-screenshots');

  it('has no serious or critical axe-core violation on the sign-in, monitors and monitor pages', async () => {
    const slug = uniqueSlug('dash-axe');
    await createByPing(slug);
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${web}/signin`);
    const found: Record<string, unknown> = { signin: await seriousAxeViolations(page) };
    await signIn(page, web, vigil.credentials.VIGIL_ADMIN_EMAIL, vigil.credentials.VIGIL_ADMIN_PASSWORD);
    // Paged, failing first: filtered to this monitor so that earlier specs' monitors cannot push it off the page.
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/?q=${slug}`);
    await page.waitForSelector(`li[data-slug="${slug}"]`, { timeout: 30_000 });
    found['monitors'] = await seriousAxeViolations(page);
    await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/`);
    found['monitor'] = await seriousAxeViolations(page);
    expect(found).toEqual({ signin: [], monitors: [], monitor: [] });
    await context.close();
  });

  it('has none on a monitor page with tags, a duration chart, issues and processing errors, nor on its list, light and dark, at 390 and 1440 px', async () => {
    const org = vigil.credentials.VIGIL_ORG;
    const slug = uniqueSlug('dash-axe-full');
    await createCheck(slug, 'prod db');
    await finishedRuns(slug, [
      ['ok', 1.5],
      ['ok', 3],
      ['error', 40],
    ]);
    await checkinWithInvalidConfig(slug);
    await ping(pingUrl(slug, '/fail'));
    await waitFor(
      'the issue and the processing error',
      async () => {
        const [issueList, errors] = await Promise.all([
          apiCall(web, vigil.credentials.VIGIL_API_TOKEN, 'GET', `organizations/${org}/issues/?monitor=${slug}`),
          apiCall(web, vigil.credentials.VIGIL_API_TOKEN, 'GET', `projects/${org}/${vigil.credentials.VIGIL_PROJECT}/monitors/${slug}/processing-errors/`),
        ]);
        return (issueList.json as unknown[]).length > 0 && (errors.json as unknown[]).length > 0 ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const found: Record<string, AxeViolation[]> = {};
    for (const width of [390, 1440]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const { context, page } = await ownerPage({ bypassCSP: true, colorScheme, viewport: { width, height: 900 } });
        await page.goto(`${web}/orgs/${org}/monitors/${slug}/?range=1h`);
        await page.waitForSelector('section[data-env="production"] svg.durations g.d-bucket');
        await page.waitForSelector('#monitor-state tr[data-issue]');
        found[`monitor ${width} ${colorScheme}`] = await seriousAxeViolations(page);
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
        await page.goto(`${web}/orgs/${org}/monitors/?q=${slug}&tag=prod`);
        await page.waitForSelector(`li[data-slug="${slug}"] li.tag`);
        found[`monitors ${width} ${colorScheme}`] = await seriousAxeViolations(page);
        await context.close();
      }
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((key) => [key, []])));
    expect(Object.keys(found)).toHaveLength(8);
  });

  /** A project of named jobs for the screenshots: one failing, one running, the others fine. */
  async function showcase(): Promise<string> {
    const org = vigil.credentials.VIGIL_ORG;
    const token = vigil.credentials.VIGIL_API_TOKEN;
    let project = await apiCall(web, token, 'GET', `projects/${org}/shop/`);
    if (project.status === 404) project = await apiCall(web, token, 'POST', `organizations/${org}/projects/`, { name: 'Shop', slug: 'shop' });
    const base = (project.json as { pingUrl: string }).pingUrl;
    const jobs: Array<[string, string[]]> = [
      ['nightly-backup', ['/start', '']],
      ['invoice-sync', ['/start', '/fail']],
      ['search-reindex', ['/start']],
      ['cache-warmup', ['']],
      ['weekly-report', ['']],
    ];
    for (const [slug, pings] of jobs) {
      await ping(`${base}${slug}?create=1`);
      for (const suffix of pings) await ping(`${base}${slug}${suffix}`);
    }
    // Earlier runs with durations for the monitor page's chart, sent with the project's DSN.
    const keys = await apiCall(web, token, 'GET', `projects/${org}/shop/keys/`);
    const key = (keys.json as Array<{ public: string; isActive: boolean }>).find((candidate) => candidate.isActive)!.public;
    const dsn = { project: (project.json as { id: string }).id, key };
    await finishedRuns(
      'invoice-sync',
      [
        ['ok', 42],
        ['ok', 48],
        ['ok', 51],
        ['error', 95],
      ],
      dsn,
    );
    return 'shop';
  }

  it('is readable at 390 px and 1440 px wide (screenshots), and follows a dark system theme', async () => {
    mkdirSync(shots, { recursive: true });
    const project = await showcase();
    for (const [width, height] of [
      [390, 844],
      [1440, 900],
    ] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const { context, page } = await ownerPage({ viewport: { width, height }, colorScheme });
        await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/?project=${project}&range=1h`);
        await page.waitForSelector('li[data-slug="invoice-sync"][data-status="error"]', { timeout: 30_000 });
        await page.waitForSelector('li[data-slug="search-reindex"] .env[data-status="in_progress"]', { timeout: 30_000 });
        // Nothing wider than the viewport: no sideways scrolling on a phone.
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
        const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
        expect(background).toBe(colorScheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
        await page.screenshot({ path: join(shots, `dashboard-monitors-${width}-${colorScheme}.png`), fullPage: false });
        await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/invoice-sync/?range=1h`);
        await page.waitForSelector('section[data-env="production"] svg.durations g.d-bucket', { timeout: 30_000 });
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
        await page.screenshot({ path: join(shots, `dashboard-monitor-${width}-${colorScheme}.png`), fullPage: false });
        await context.close();
      }
    }
  });
});

describe('dashboard: sign-in limits', () => {
  it(`refuses an account after ${FAILURES_PER_ACCOUNT} failed sign-ins, even with the right password, and an address after ${FAILURES_PER_ADDRESS}`, async () => {
    await db.query('DELETE FROM sign_in_failures');
    const context = await browser.newContext();
    const page = await context.newPage();
    const attempt = async (email: string, password: string): Promise<number> => {
      await page.goto(`${web}/signin`);
      await page.fill('#email', email);
      await page.fill('#password', password);
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type="submit"]')]);
      return response.status();
    };
    const statuses: number[] = [];
    for (let i = 0; i < FAILURES_PER_ACCOUNT; i += 1) statuses.push(await attempt(readOnly.email, 'wrong password here'));
    statuses.push(await attempt(readOnly.email, readOnly.password));
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await page.textContent('#signin-error')).toContain('Too many failed sign-ins');
    // Other addresses from the same client: the address limit counts every failure from it.
    for (let i = FAILURES_PER_ACCOUNT; i < FAILURES_PER_ADDRESS; i += 1) await attempt(`nobody-${i}@example.com`, 'wrong password here');
    expect(await attempt(vigil.credentials.VIGIL_ADMIN_EMAIL, vigil.credentials.VIGIL_ADMIN_PASSWORD)).toBe(429);
    await db.query('DELETE FROM sign_in_failures');
    expect(await attempt(vigil.credentials.VIGIL_ADMIN_EMAIL, vigil.credentials.VIGIL_ADMIN_PASSWORD)).toBe(303);
    await context.close();
  });
});

describe('dashboard: a check late, then missed (watched since the file started)', () => {
  it('shows a check late, then missed, when the scheduler detects it, without a reload', async () => {
    if (!lateThenMissed) throw new Error('the watch did not start (beforeAll failed)');
    const { lateAfter, missedAfter, label } = await lateThenMissed;
    // Not before the deadlines, and shown within the live bound after them.
    expect(lateAfter).toBeGreaterThanOrEqual(60_000);
    expect(lateAfter).toBeLessThan(60_000 + LIVE_BOUND_MS);
    expect(missedAfter).toBeGreaterThanOrEqual(120_000);
    expect(missedAfter).toBeLessThan(120_000 + LIVE_BOUND_MS);
    expect(label).toBe('Missed');
  }, 240_000);
});
