import { expect } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { REPO_ROOT, resetTestTopics, ServiceProcess, testConfig, waitFor } from '@vigil/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { addMember, apiCall, uniqueSlug, Vigil } from './support';
import { cookieNamed, launchChromium, resetPassword, seriousAxeViolations, signIn } from './support/browser';

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
/** A change must reach an open page within this (the bound), with history's write in between. */
const LIVE_BOUND_MS = 5000;

let vigil: Vigil;
let scheduler: ServiceProcess;
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
  scheduler = await ServiceProcess.start('scheduler', vigil.env);
  browser = await launchChromium();
  lateThenMissed = watchLateThenMissed();
  // Read by the last test; until then a failure must not count as unhandled.
  lateThenMissed.catch(() => undefined);
}, 120_000);

afterAll(async () => {
  await lateThenMissed?.catch(() => undefined);
  await browser?.close();
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
        await page.goto(`${web}/orgs/${vigil.credentials.VIGIL_ORG}/monitors/invoice-sync/`);
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
