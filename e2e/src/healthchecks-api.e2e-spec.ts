import { randomUUID } from 'node:crypto';
import { loadConfig } from '@vigil/config';
import { apiTokenPrefix, createDataSource, hashSecret, newApiToken, newPingKey } from '@vigil/db';
import { resetTestTopics, ServiceProcess, testConfig, waitFor } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { uniqueSlug, Vigil } from './support';

/**
 * The Healthchecks-shaped API (`/api/v3/`) on the real stack: ingest, history, the scheduler (pulsing on the
 * wall clock) and the API as processes. Checks are written through the API with project API keys, pinged
 * through ingest's Healthchecks URLs, and read back with the status the scheduler judged, the pings history
 * stored and the flips it recorded from the scheduler's state changes.
 */

/** An answer, its JSON read as `T`: the shape the test expects, which its assertions check. */
interface Answer<T = unknown> {
  status: number;
  json: T;
  text: string;
}

/** A check as `/api/v3/` shows it: the fields these tests read (the assertions check the others). */
interface HcCheck {
  uuid: string;
  slug: string;
  name: string;
  status: string;
  started: boolean;
  n_pings: number;
  next_ping: string | null;
  last_ping: string | null;
  last_duration: number;
  unique_key: string;
  channels: string;
  ping_url: string;
  update_url: string;
  pause_url: string;
}

interface HcPing {
  type: string;
  n: number;
  duration?: number;
  ua: string;
  date: string;
}

interface HcFlip {
  up: number;
  timestamp: string;
}

interface ApiKey {
  id: string;
  key: string;
  prefix: string;
  lastUsed: string | null;
  dateRevoked: string | null;
}

interface ApiError {
  error: { code: string; field: string; message: string };
}

let vigil: Vigil;
let scheduler: ServiceProcess;
let db: DataSource;
let rwKey: string;
let roKey: string;
let otherProjectKey: string;
let otherProjectSlug: string;

async function request<T = unknown>(
  method: string,
  url: string,
  options: { key?: string; body?: unknown; bearer?: string; raw?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers['x-api-key'] = options.key;
  if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : options.raw !== undefined ? { body: options.raw } : {}),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json: json as T, text };
}

/** `/api/v3/<path>` with a project API key (null: none). */
function hc<T = unknown>(method: string, path: string, key: string | null = rwKey, body?: unknown): Promise<Answer<T>> {
  return request<T>(method, `${vigil.api.url}/api/v3/${path}`, { ...(key === null ? {} : { key }), ...(body === undefined ? {} : { body }) });
}

/** Vigil's own endpoints with the owner's token. */
function vigilApi<T = unknown>(method: string, path: string, body?: unknown, bearer = vigil.credentials.VIGIL_API_TOKEN): Promise<Answer<T>> {
  return request<T>(method, `${vigil.api.url}/api/0/${path}`, { bearer, ...(body === undefined ? {} : { body }) });
}

async function ping(path: string, body?: string): Promise<number> {
  const response = await fetch(`${vigil.ingestUrl}/ping/${path}`, body === undefined ? {} : { method: 'POST', body });
  await response.text();
  return response.status;
}

/** Polls a check until `done` holds for it; the error shows what was seen last. */
async function checkUntil(uuid: string, what: string, done: (check: HcCheck) => boolean, key = rwKey): Promise<HcCheck> {
  let last: unknown = 'nothing yet';
  try {
    return await waitFor(
      what,
      async () => {
        const answer = await hc<HcCheck>('GET', `checks/${uuid}`, key);
        last = answer.json;
        return answer.status === 200 && done(answer.json) ? answer.json : undefined;
      },
      { timeoutMs: 20000, intervalMs: 200 },
    );
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nlast seen: ${JSON.stringify(last)}\n${vigil.logs}\n--- scheduler ---\n${scheduler.logs}`,
    );
  }
}

async function monitorRow(uuid: string): Promise<Record<string, unknown> | undefined> {
  const rows: Record<string, unknown>[] = await db.query('SELECT * FROM monitors WHERE ping_uuid = $1', [uuid]);
  return rows[0];
}

async function monitorCount(): Promise<number> {
  const rows: Array<{ n: string }> = await db.query('SELECT count(*) AS n FROM monitors m JOIN projects p ON p.id = m.project_id WHERE p.slug = $1', [
    vigil.credentials.VIGIL_PROJECT,
  ]);
  return Number(rows[0]!.n);
}

async function createCheck(body: Record<string, unknown>): Promise<HcCheck> {
  const answer = await hc<HcCheck>('POST', 'checks/', rwKey, body);
  expect(answer).toMatchObject({ status: 201 });
  return answer.json;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The scheduler's latest state of the check's production environment and its event time (Vigil's environments endpoint). */
async function trackState(slug: string): Promise<{ state: string | null; at: number | null }> {
  const answer = await vigilApi<Array<{ name: string; state: string | null; dateStateChanged: string | null }> | null>(
    'GET',
    `organizations/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/environments/`,
  );
  const production = answer.json?.find((environment) => environment.name === 'production');
  return { state: production?.state ?? null, at: production?.dateStateChanged ? Date.parse(production.dateStateChanged) : null };
}

/**
 * How long after a deadline its change may show: the scheduler's detection lag (pulses every 250 ms dated
 * 500 ms back, then judging and publishing: at most 2 s, its benchmark target) plus history's write to
 * ClickHouse and one poll of the API.
 */
const DETECTION_LAG_MS = 2_000;
const SHOWN_WITHIN_MS = DETECTION_LAG_MS + 2_000;

/**
 * Pinged in the middle of a minute (second 15 to 45) with timeout 60 and grace 60: up until +60 s, grace from +60 s,
 * down from +120 s, as next_ping says. Over two minutes of wall clock, so it runs beside the other tests: beforeAll creates the check and starts this,
 * and the file's last test waits for it (its expectations throw into the promise that test awaits).
 */
async function deadlinesToTheSecond(slug: string, check: HcCheck): Promise<void> {
  // Mid-minute (second 15 to 45, the next of them at least a second away): minute-slot arithmetic would make it late
  // and down 15 to 45 s early or late.
  const inMinute = Date.now() % 60_000;
  const second = inMinute >= 14_000 && inMinute < 44_000 ? Math.ceil((inMinute + 1_000) / 1_000) : 15;
  await sleep((second * 1_000 - inMinute + 60_000) % 60_000);
  expect(await ping(check.uuid)).toBe(200);
  const up = await checkUntil(check.uuid, 'the check to be up', (seen) => seen.status === 'up' && seen.n_pings === 1);
  const received = Date.parse((await hc<{ pings: HcPing[] }>('GET', `checks/${check.uuid}/pings/`)).json.pings[0]!.date);
  expect(new Date(received).getUTCSeconds()).toBe(second);
  const lateAt = received + 60_000;
  const downAt = received + 120_000;
  expect(up).toMatchObject({ last_ping: hcSeconds(received), next_ping: hcSeconds(lateAt), started: false });

  // Not before: a second before each deadline, neither the API nor the scheduler has moved on.
  await sleep(lateAt - 1_000 - Date.now());
  expect((await hc('GET', `checks/${check.uuid}`)).json).toMatchObject({ status: 'up', next_ping: hcSeconds(lateAt) });
  expect((await trackState(slug)).state).toBe('ok');
  const grace = await checkUntil(check.uuid, 'the check to be in its grace time', (seen) => seen.status === 'grace');
  const lateShownAfter = Date.now() - lateAt;
  expect(lateShownAfter).toBeLessThan(SHOWN_WITHIN_MS);
  expect(grace.next_ping).toBe(hcSeconds(lateAt));
  const late = await trackState(slug);
  expect(late.state).toBe('late');
  expect(late.at! - lateAt).toBeGreaterThanOrEqual(0);
  expect(late.at! - lateAt).toBeLessThan(DETECTION_LAG_MS);

  await sleep(downAt - 1_000 - Date.now());
  expect((await hc('GET', `checks/${check.uuid}`)).json).toMatchObject({ status: 'grace' });
  await checkUntil(check.uuid, 'the check to be down', (seen) => seen.status === 'down' && seen.next_ping === null);
  const downShownAfter = Date.now() - downAt;
  expect(downShownAfter).toBeLessThan(SHOWN_WITHIN_MS);
  const down = await trackState(slug);
  process.stdout.write(
    `deadlines to the second: late judged +${late.at! - lateAt} ms and shown +${lateShownAfter} ms, down judged +${down.at! - downAt} ms and shown +${downShownAfter} ms after the deadline\n`,
  );
  expect(down.state).toBe('missed');
  expect(down.at! - downAt).toBeGreaterThanOrEqual(0);
  expect(down.at! - downAt).toBeLessThan(DETECTION_LAG_MS);
  const flips = (await hc<{ flips: HcFlip[] }>('GET', `checks/${check.uuid}/flips/`)).json.flips;
  expect(flips[0]).toEqual({ timestamp: hcSeconds(down.at!), up: 0 });
}

let toTheSecond: Promise<void> | undefined;

beforeAll(async () => {
  // The scheduler's partition clocks only move forward: start from empty topics, whatever ran before.
  await resetTestTopics(testConfig());
  vigil = await Vigil.start();
  db = createDataSource(loadConfig({ ...process.env, ...vigil.env }), { poolSize: 2 });
  await db.initialize();
  scheduler = await ServiceProcess.start('scheduler', vigil.env);
  rwKey = vigil.credentials.VIGIL_PROJECT_API_KEY;

  // A second project of the organization, with a key of its own.
  otherProjectSlug = uniqueSlug('other');
  const organization: Array<{ organization_id: string }> = await db.query('SELECT organization_id FROM projects WHERE id = $1', [
    Number(vigil.credentials.VIGIL_PROJECT_ID),
  ]);
  await db.query('INSERT INTO projects (organization_id, slug, name, ping_key) VALUES ($1, $2, $2, $3)', [
    organization[0]!.organization_id,
    otherProjectSlug,
    newPingKey(),
  ]);
  const other = await vigilApi<ApiKey>('POST', `projects/${vigil.credentials.VIGIL_ORG}/${otherProjectSlug}/api-keys/`, { name: 'other project' });
  expect(other).toMatchObject({ status: 201 });
  otherProjectKey = other.json.key;

  const slug = uniqueSlug('to-the-second');
  toTheSecond = deadlinesToTheSecond(slug, await createCheck({ name: 'to the second', slug, timeout: 60, grace: 60 }));
  // Read by the last test; until then a failure must not count as unhandled.
  toTheSecond.catch(() => undefined);
}, 120_000);

afterAll(async () => {
  await toTheSecond?.catch(() => undefined);
  await scheduler?.stop();
  await vigil?.stop();
  await db?.destroy();
});

describe('project API keys (Vigil endpoints, Bearer token)', () => {
  const keys = () => `projects/${vigil.credentials.VIGIL_ORG}/${vigil.credentials.VIGIL_PROJECT}/api-keys/`;

  it('lists the seeded key by prefix, never its secret', async () => {
    const list = await vigilApi<ApiKey[]>('GET', keys());
    expect(list.status).toBe(200);
    const seeded = list.json.find((key) => key.prefix === rwKey.slice(0, 12));
    expect(seeded).toMatchObject({ name: 'make up', read_only: false, dateRevoked: null });
    expect(list.text).not.toContain(rwKey);
  });

  it('creates a read-only key, shown once', async () => {
    const created = await vigilApi<ApiKey>('POST', keys(), { name: 'dashboards', read_only: true });
    expect(created).toMatchObject({ status: 201, json: { name: 'dashboards', read_only: true, lastUsed: null, dateRevoked: null } });
    roKey = created.json.key;
    expect(roKey).toMatch(/^vgr_[0-9a-f]{28}$/);
    expect(created.json.prefix).toBe(roKey.slice(0, 12));
    const list = await vigilApi<ApiKey[]>('GET', keys());
    expect(list.text).not.toContain(roKey);
    expect(list.json.map((key) => key.id)).toContain(created.json.id);
  });

  it('refuses bad input naming the field, and a read-scoped token, writing nothing', async () => {
    const before = (await vigilApi<ApiKey[]>('GET', keys())).json.length;
    expect(await vigilApi('POST', keys(), { name: '' })).toMatchObject({ status: 400, json: { error: { field: 'name' } } });
    expect(await vigilApi('POST', keys(), { name: 'x', read_only: 'yes' })).toMatchObject({ status: 400, json: { error: { field: 'read_only' } } });
    expect(await vigilApi('POST', keys(), { name: 'x', scope: 'all' })).toMatchObject({
      status: 400,
      json: { error: { code: 'unknown_field', field: 'scope' } },
    });
    const readToken = newApiToken();
    await db.query(
      `INSERT INTO api_tokens (id, organization_id, name, token_hash, token_prefix, scope) SELECT $1, organization_id, 'read', $2, $3, 'read' FROM projects WHERE id = $4`,
      [randomUUID(), hashSecret(readToken), apiTokenPrefix(readToken), Number(vigil.credentials.VIGIL_PROJECT_ID)],
    );
    expect(await vigilApi('POST', keys(), { name: 'x' }, readToken)).toMatchObject({ status: 403 });
    expect(await vigilApi('GET', keys(), undefined, readToken)).toMatchObject({ status: 403 });
    expect((await vigilApi('GET', keys())).json).toHaveLength(before);
  });

  it('answers 404 for an unknown project, organization or key id', async () => {
    expect(await vigilApi('GET', `projects/${vigil.credentials.VIGIL_ORG}/no-such-project/api-keys/`)).toMatchObject({
      status: 404,
      json: { error: { code: 'unknown_project' } },
    });
    expect(await vigilApi('GET', `projects/someone-else/${vigil.credentials.VIGIL_PROJECT}/api-keys/`)).toMatchObject({ status: 404 });
    expect(await vigilApi('DELETE', `${keys()}${randomUUID()}/`)).toMatchObject({ status: 404, json: { error: { code: 'unknown_api_key' } } });
  });

  it('a revoked key stops working at once', async () => {
    const created = await vigilApi<ApiKey>('POST', keys(), { name: 'short-lived' });
    expect(await hc('GET', 'checks/', created.json.key)).toMatchObject({ status: 200 });
    expect(await vigilApi('DELETE', `${keys()}${created.json.id}/`)).toMatchObject({ status: 204 });
    expect(await hc('GET', 'checks/', created.json.key)).toMatchObject({ status: 401, json: { error: { code: 'invalid_api_key' } } });
    const listed = (await vigilApi<ApiKey[]>('GET', keys())).json.find((key) => key.id === created.json.id);
    expect(listed?.dateRevoked).toEqual(expect.any(String));
    expect(listed?.lastUsed).toEqual(expect.any(String));
  });
});

describe('checks: create, upsert with unique, list, get, update', () => {
  let check: HcCheck;

  it('creates a check with Healthchecks fields and answers in its shape', async () => {
    check = await createCheck({ name: 'Nightly backup', slug: uniqueSlug('backup'), tags: 'prod db', desc: 'the big one', timeout: 86_400, grace: 3_600 });
    expect(check).toMatchObject({
      name: 'Nightly backup',
      tags: 'prod db',
      desc: 'the big one',
      timeout: 86_400,
      grace: 3_600,
      n_pings: 0,
      status: 'new',
      started: false,
      last_ping: null,
      next_ping: null,
      manual_resume: false,
      channels: '',
    });
    expect(check.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(check.ping_url).toBe(`${vigil.ingestUrl}/ping/${check.uuid}`);
    expect(check.update_url).toBe(`${vigil.api.url}/api/v3/checks/${check.uuid}`);
    expect(check.pause_url).toBe(`${check.update_url}/pause`);
    expect(check).not.toHaveProperty('unique_key');
    // What Vigil stores: an interval monitor of one day, 60 minutes of margin, Healthchecks' timeout rule.
    expect(await monitorRow(check.uuid)).toMatchObject({
      schedule_type: 'interval',
      schedule_interval_value: 1,
      schedule_interval_unit: 'day',
      checkin_margin: 60,
      timeout_from_margin: true,
      status: 'active',
    });
  });

  it('upserts with unique: 200 and the same check when one matches, 201 when none does', async () => {
    const before = await monitorCount();
    const again = await hc<HcCheck>('POST', 'checks/', rwKey, { name: 'Nightly backup', slug: check.slug, tags: 'prod db nightly', unique: ['slug'] });
    expect(again).toMatchObject({ status: 200, json: { uuid: check.uuid, tags: 'prod db nightly' } });
    expect(await monitorCount()).toBe(before);
    const byName = await hc<HcCheck>('POST', 'checks/', rwKey, { name: 'Nightly backup', timeout: 3_600, unique: ['name', 'timeout'] });
    expect(byName).toMatchObject({ status: 201, json: { name: 'Nightly backup', timeout: 3_600 } });
    expect(byName.json.uuid).not.toBe(check.uuid);
    expect(byName.json.slug).toMatch(/^nightly-backup/);
    const byNameAgain = await hc('POST', 'checks/', rwKey, { name: 'Nightly backup', timeout: 3_600, grace: 120, unique: ['name', 'timeout'] });
    expect(byNameAgain).toMatchObject({ status: 200, json: { uuid: byName.json.uuid, grace: 120 } });
    expect(await monitorCount()).toBe(before + 1);
    check = again.json;
  });

  it('takes the key from api_key in the body', async () => {
    const created = await request('POST', `${vigil.api.url}/api/v3/checks/`, { body: { api_key: rwKey, name: 'body key', slug: uniqueSlug('body-key') } });
    expect(created).toMatchObject({ status: 201, json: { name: 'body key' } });
  });

  it('lists checks, filtered by tags (all must match) and slug', async () => {
    const tagged = await createCheck({ name: 'tagged', slug: uniqueSlug('tagged'), tags: 'prod web' });
    const all = await hc<{ checks: HcCheck[] }>('GET', 'checks/');
    expect(all.status).toBe(200);
    const uuids = all.json.checks.map((entry) => entry.uuid);
    expect(uuids).toEqual(expect.arrayContaining([check.uuid, tagged.uuid]));
    const prod = await hc<{ checks: HcCheck[] }>('GET', 'checks/?tag=prod');
    expect(prod.json.checks.map((entry) => entry.uuid)).toEqual(expect.arrayContaining([check.uuid, tagged.uuid]));
    const prodDb = await hc<{ checks: HcCheck[] }>('GET', 'checks/?tag=prod&tag=db');
    expect(prodDb.json.checks.map((entry) => entry.uuid)).toContain(check.uuid);
    expect(prodDb.json.checks.map((entry) => entry.uuid)).not.toContain(tagged.uuid);
    expect((await hc<{ checks: HcCheck[] }>('GET', 'checks/?tag=pro')).json.checks.map((entry) => entry.uuid)).not.toContain(check.uuid);
    const bySlug = await hc<{ checks: HcCheck[] }>('GET', `checks/?slug=${tagged.slug}`);
    expect(bySlug.json.checks.map((entry) => entry.uuid)).toEqual([tagged.uuid]);
  });

  it('gets a check by uuid; a read-only key sees unique_key instead of the uuid, and gets by it', async () => {
    expect(await hc('GET', `checks/${check.uuid}`)).toMatchObject({ status: 200, json: { uuid: check.uuid, slug: check.slug } });
    const readOnly = await hc<HcCheck>('GET', `checks/${check.uuid}`, roKey);
    expect(readOnly.status).toBe(200);
    expect(readOnly.json.unique_key).toMatch(/^[0-9a-f]{40}$/);
    expect(readOnly.text).not.toContain(check.uuid);
    expect(await hc('GET', `checks/${readOnly.json.unique_key}`, roKey)).toMatchObject({
      status: 200,
      json: { unique_key: readOnly.json.unique_key, name: check.name },
    });
    const listed = await hc('GET', 'checks/', roKey);
    expect(listed.text).not.toContain(check.uuid);
  });

  it('updates the fields sent (a cron schedule and zone), keeps the others, and the new slug URL pings at once', async () => {
    const slug = uniqueSlug('renamed');
    const updated = await hc<HcCheck>('POST', `checks/${check.uuid}`, rwKey, { schedule: '*/5 * * * *', tz: 'Europe/Berlin', slug, manual_resume: false });
    expect(updated).toMatchObject({
      status: 200,
      json: { uuid: check.uuid, schedule: '*/5 * * * *', tz: 'Europe/Berlin', slug, name: 'Nightly backup', tags: 'prod db nightly' },
    });
    expect(updated.json).not.toHaveProperty('timeout');
    expect(await monitorRow(check.uuid)).toMatchObject({
      schedule_type: 'crontab',
      schedule_crontab: '*/5 * * * *',
      schedule_interval_value: null,
      timezone: 'Europe/Berlin',
      slug,
    });
    // Ingest knows the new slug without a restart (its catalog follows the change, or asks Postgres on a miss).
    expect(await ping(`${vigil.credentials.VIGIL_PING_KEY}/${slug}/log`)).toBe(200);
    // Healthchecks clears a slug sent as ""; Vigil keeps it (every check has one).
    expect(await hc('POST', `checks/${check.uuid}`, rwKey, { slug: '', desc: 'kept slug' })).toMatchObject({ status: 200, json: { slug, desc: 'kept slug' } });
    check = updated.json;
  });
});

describe('bad input: Healthchecks bounds, Vigil error bodies naming the field, nothing written', () => {
  let check: HcCheck;

  beforeAll(async () => {
    check = await createCheck({ name: 'bounds', slug: uniqueSlug('bounds'), timeout: 3_600, grace: 600 });
  });

  it.each([
    [{ timeout: 59 }, 'timeout', /timeout must be >= 60/],
    [{ timeout: 31_536_060 }, 'timeout', /timeout must be <= 31536000/],
    [{ timeout: 90 }, 'timeout', /multiple of 60/],
    [{ grace: 30 }, 'grace', /grace must be >= 60/],
    [{ grace: 31_536_000 }, 'grace', /grace must be <= 2419200/],
    [{ timeout: '3600' }, 'timeout', /integer/],
    [{ schedule: '61 * * * *' }, 'schedule', /not a valid cron expression/],
    [{ schedule: 'Mon *-*-* 03:00' }, 'schedule', /OnCalendar/],
    [{ tz: 'Mars/Olympus' }, 'tz', /not a valid time zone/],
    [{ methods: 'POST' }, 'methods', /must be one of ""/],
    [{ success_kw: 'OK' }, 'success_kw', /must be one of ""/],
    [{ filter_body: true }, 'filter_body', /must be one of false/],
    [{ name: 'nul\u0000' }, 'name', /must not contain NUL characters/],
    [{ slug: 'Not A Slug' }, 'slug', /must match/],
    [{ unique: ['desc'] }, 'unique[0]', /must be one of/],
    [{ channels: 'no-such-channel' }, 'channels', /invalid channel identifier/],
  ])('%j: 400 naming %s, on create and on update', async (body, field, message) => {
    const before = await monitorCount();
    const created = await hc<ApiError>('POST', 'checks/', rwKey, { name: 'refused', ...body });
    expect(created).toMatchObject({ status: 400, json: { error: { field } } });
    expect(created.json.error.message).toMatch(message);
    expect(await monitorCount()).toBe(before);
    const updated = await hc('POST', `checks/${check.uuid}`, rwKey, { name: 'changed?', ...body });
    expect(updated).toMatchObject({ status: 400, json: { error: { field } } });
    expect(await hc('GET', `checks/${check.uuid}`)).toMatchObject({ json: { name: 'bounds', timeout: 3_600, grace: 600 } });
  });

  it('refuses a body that is not JSON, or not an object', async () => {
    expect(await request('POST', `${vigil.api.url}/api/v3/checks/`, { key: rwKey, raw: '{"name":' })).toMatchObject({ status: 400 });
    expect(await hc('POST', 'checks/', rwKey, ['name'])).toMatchObject({ status: 400 });
  });

  it('refuses a slug another check has, with 409 naming slug', async () => {
    const other = await createCheck({ name: 'has a slug', slug: uniqueSlug('taken') });
    expect(await hc('POST', 'checks/', rwKey, { name: 'same slug', slug: other.slug })).toMatchObject({
      status: 409,
      json: { error: { code: 'slug_taken', field: 'slug' } },
    });
    expect(await hc('POST', `checks/${check.uuid}`, rwKey, { slug: other.slug })).toMatchObject({ status: 409, json: { error: { field: 'slug' } } });
  });
});

describe('credentials: missing, read-only and other projects', () => {
  let check: HcCheck;

  beforeAll(async () => {
    check = await createCheck({ name: 'guarded', slug: uniqueSlug('guarded'), tags: 'guarded' });
  });

  it('refuses a missing or wrong key with 401', async () => {
    expect(await hc('GET', 'checks/', null)).toMatchObject({ status: 401, json: { error: { code: 'missing_api_key', field: 'X-Api-Key' } } });
    expect(await hc('GET', 'checks/', `vgw_${'0'.repeat(28)}`)).toMatchObject({ status: 401, json: { error: { code: 'invalid_api_key' } } });
    expect(await hc('GET', 'checks/', vigil.credentials.VIGIL_API_TOKEN)).toMatchObject({ status: 401 });
  });

  it('refuses a read-only key on every write with 401, and nothing is written', async () => {
    const before = await monitorCount();
    const row = await monitorRow(check.uuid);
    const refused = [
      await hc('POST', 'checks/', roKey, { name: 'ro' }),
      await request('POST', `${vigil.api.url}/api/v3/checks/`, { body: { api_key: roKey, name: 'ro' } }),
      await hc('POST', `checks/${check.uuid}`, roKey, { name: 'ro' }),
      await hc('DELETE', `checks/${check.uuid}`, roKey),
      await hc('POST', `checks/${check.uuid}/pause`, roKey),
      await hc('POST', `checks/${check.uuid}/resume`, roKey),
      await hc('GET', `checks/${check.uuid}/pings/`, roKey),
      await hc('GET', 'channels/', roKey),
    ];
    for (const answer of refused) expect(answer).toMatchObject({ status: 401, json: { error: { code: 'read_only_api_key', field: 'X-Api-Key' } } });
    expect(await monitorCount()).toBe(before);
    expect(await monitorRow(check.uuid)).toEqual(row);
  });

  it("gives another project's key nothing of this project: 404 by uuid and unique key, an empty list", async () => {
    const uniqueKey = (await hc<HcCheck>('GET', `checks/${check.uuid}`, roKey)).json.unique_key;
    for (const answer of [
      await hc('GET', `checks/${check.uuid}`, otherProjectKey),
      await hc('GET', `checks/${uniqueKey}`, otherProjectKey),
      await hc('POST', `checks/${check.uuid}`, otherProjectKey, { name: 'stolen' }),
      await hc('POST', `checks/${check.uuid}/pause`, otherProjectKey),
      await hc('DELETE', `checks/${check.uuid}`, otherProjectKey),
      await hc('GET', `checks/${check.uuid}/pings/`, otherProjectKey),
      await hc('GET', `checks/${check.uuid}/flips/`, otherProjectKey),
    ]) {
      expect(answer).toMatchObject({ status: 404, json: { error: { code: 'unknown_check' } } });
    }
    const list = await hc('GET', 'checks/?tag=guarded', otherProjectKey);
    expect(list).toMatchObject({ status: 200, json: { checks: [] } });
    expect(await hc('GET', `checks/${check.uuid}`)).toMatchObject({ json: { name: 'guarded', status: 'new' } });
    // Its own checks are its project's; slugs are unique in the organization, as the monitors API keeps them.
    expect(await hc('POST', 'checks/', otherProjectKey, { name: 'guarded', slug: uniqueSlug('guarded') })).toMatchObject({ status: 201 });
    expect(await hc('POST', 'checks/', otherProjectKey, { name: 'guarded', slug: check.slug })).toMatchObject({
      status: 409,
      json: { error: { field: 'slug' } },
    });
  });
});

describe('pings through ingest: status, pings, bodies and flips', () => {
  let check: HcCheck;
  const rid = randomUUID();

  beforeAll(async () => {
    check = await createCheck({ name: 'pinged', slug: uniqueSlug('pinged'), timeout: 3_600, grace: 300 });
  });

  it('a start and a success with the same rid: up, with a duration, a last ping and a next ping', async () => {
    expect(await ping(`${check.uuid}/start?rid=${rid}`)).toBe(200);
    await checkUntil(check.uuid, 'the start to be seen', (seen) => seen.started === true && seen.n_pings === 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await ping(`${check.uuid}?rid=${rid}`, 'backup done: 42 files')).toBe(200);
    const up = await checkUntil(check.uuid, 'the check to be up', (seen) => seen.status === 'up' && seen.n_pings === 2 && seen.started === false);
    expect(up.last_ping).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(up.last_duration).toBeGreaterThanOrEqual(1);
    expect(Date.parse(up.next_ping!) - Date.parse(up.last_ping!)).toBe(3_600_000);
  });

  it('a failure: down; a log changes nothing but is counted', async () => {
    expect(await ping(`${check.uuid}/fail`)).toBe(200);
    await checkUntil(check.uuid, 'the check to be down', (seen) => seen.status === 'down' && seen.n_pings === 3 && seen.next_ping === null);
    expect(await ping(`${check.uuid}/log`, 'just saying')).toBe(200);
    await checkUntil(check.uuid, 'the log to be counted', (seen) => seen.status === 'down' && seen.n_pings === 4);
  });

  it('lists the pings newest first, numbered, with their bodies behind body_url', async () => {
    const answer = await hc<{ pings: HcPing[] }>('GET', `checks/${check.uuid}/pings/`);
    expect(answer.status).toBe(200);
    const pings = answer.json.pings;
    expect(pings.map((entry) => [entry.type, entry.n])).toEqual([
      ['log', 4],
      ['fail', 3],
      ['success', 2],
      ['start', 1],
    ]);
    expect(pings[2]).toMatchObject({ rid, body_url: `${check.update_url}/pings/2/body` });
    expect(pings[3]).toMatchObject({ rid, body_url: null });
    expect(pings[2]?.duration).toBeGreaterThanOrEqual(1);
    expect(pings[3]).not.toHaveProperty('duration');
    expect(pings[0]?.ua).toMatch(/node|undici/i);
    expect(pings[0]?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    const body = await hc('GET', `checks/${check.uuid}/pings/2/body`);
    expect(body).toMatchObject({ status: 200, text: 'backup done: 42 files' });
    expect(await hc('GET', `checks/${check.uuid}/pings/1/body`)).toMatchObject({ status: 404, json: { error: { code: 'no_ping_body' } } });
    expect(await hc('GET', `checks/${check.uuid}/pings/9/body`)).toMatchObject({ status: 404, json: { error: { code: 'unknown_ping' } } });
  });

  it('lists the flips (up, then down), newest first, also for a read-only key by unique key, and filters by time', async () => {
    const flips = await waitFor(
      'two flips',
      async () => {
        const answer = await hc<{ flips?: HcFlip[] } | null>('GET', `checks/${check.uuid}/flips/`);
        return answer.json?.flips?.length === 2 ? answer.json.flips : undefined;
      },
      { timeoutMs: 20000, intervalMs: 200 },
    );
    expect(flips.map((flip) => flip.up)).toEqual([0, 1]);
    expect(flips[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const uniqueKey = (await hc<HcCheck>('GET', `checks/${check.uuid}`, roKey)).json.unique_key;
    expect((await hc<{ flips: HcFlip[] }>('GET', `checks/${uniqueKey}/flips/`, roKey)).json.flips).toEqual(flips);
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect((await hc<{ flips: HcFlip[] }>('GET', `checks/${check.uuid}/flips/?start=${future}`)).json.flips).toEqual([]);
    expect((await hc<{ flips: HcFlip[] }>('GET', `checks/${check.uuid}/flips/?end=1`)).json.flips).toEqual([]);
    expect((await hc<{ flips: HcFlip[] }>('GET', `checks/${check.uuid}/flips/?seconds=3600`)).json.flips).toEqual(flips);
    expect(await hc('GET', `checks/${check.uuid}/flips/?seconds=-1`)).toMatchObject({ status: 400, json: { error: { field: 'seconds' } } });
    expect(await hc('GET', `checks/${check.uuid}/flips/?start=soon`)).toMatchObject({ status: 400, json: { error: { field: 'start' } } });
  });
});

/** Healthchecks' times (`hcTime` in the API): seconds, `+00:00`. */
function hcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

describe('starts and runs, as Healthchecks keeps them', () => {
  it('a start on a new check leaves it new and started, with next_ping at the start; no flip', async () => {
    const check = await createCheck({ name: 'started new', slug: uniqueSlug('started-new'), timeout: 3_600, grace: 600 });
    expect(await ping(`${check.uuid}/start`)).toBe(200);
    const started = await checkUntil(check.uuid, 'the start to be seen', (seen) => seen.started === true && seen.n_pings === 1);
    const start = Date.parse((await hc<{ pings: HcPing[] }>('GET', `checks/${check.uuid}/pings/`)).json.pings[0]!.date);
    expect(started).toMatchObject({ status: 'new', last_ping: null, next_ping: hcSeconds(start) });
    expect(await ping(check.uuid)).toBe(200);
    const up = await checkUntil(check.uuid, 'the success to make it up', (seen) => seen.status === 'up' && seen.n_pings === 2);
    expect(up.started).toBe(false);
    expect(up.last_duration).toBeGreaterThanOrEqual(0);
    // One flip, new → up at the success, none at the start.
    const flips = await waitFor(
      'the up flip',
      async () => {
        const list = (await hc<{ flips: HcFlip[] }>('GET', `checks/${check.uuid}/flips/`)).json.flips;
        return list.length > 0 ? list : undefined;
      },
      { timeoutMs: 20000, intervalMs: 200 },
    );
    expect(flips).toEqual([{ timestamp: up.last_ping, up: 1 }]);
    expect(Date.parse(up.next_ping ?? '') - Date.parse(up.last_ping ?? '')).toBe(3_600_000);
  });

  it('a success with another rid closes only its own run: run A still shows as started', async () => {
    const check = await createCheck({ name: 'overlapping', slug: uniqueSlug('overlapping'), timeout: 3_600, grace: 600 });
    const a = randomUUID();
    const b = randomUUID();
    expect(await ping(`${check.uuid}/start?rid=${a}`)).toBe(200);
    expect(await ping(`${check.uuid}?rid=${b}`)).toBe(200);
    const seen = await checkUntil(check.uuid, 'the success to be seen', (check) => check.status === 'up' && check.n_pings === 2);
    expect(seen.started).toBe(true);
    const start = Date.parse((await hc<{ pings: HcPing[] }>('GET', `checks/${check.uuid}/pings/`)).json.pings[1]!.date);
    expect(seen.next_ping).toBe(hcSeconds(start));
    expect(await ping(`${check.uuid}?rid=${a}`)).toBe(200);
    const closed = await checkUntil(check.uuid, 'run A to be closed', (check) => check.n_pings === 3 && check.started === false);
    expect(Date.parse(closed.next_ping ?? '') - Date.parse(closed.last_ping ?? '')).toBe(3_600_000);
  });

  it('pause clears a running start; resume clears last_ping and the check is new', async () => {
    const check = await createCheck({ name: 'pause clears', slug: uniqueSlug('pause-clears'), timeout: 3_600, grace: 600 });
    expect(await ping(check.uuid)).toBe(200);
    expect(await ping(`${check.uuid}/start`)).toBe(200);
    await checkUntil(check.uuid, 'up and started', (seen) => seen.status === 'up' && seen.started === true && seen.n_pings === 2);
    const paused = await hc<HcCheck>('POST', `checks/${check.uuid}/pause`);
    expect(paused.json).toMatchObject({ status: 'paused', started: false, next_ping: null });
    expect(paused.json.last_ping).not.toBeNull();
    await checkUntil(check.uuid, 'paused, its start cleared', (seen) => seen.status === 'paused' && seen.started === false && seen.last_ping !== null);
    await waitFor(
      'the paused flip',
      async () => ((await hc<{ flips: HcFlip[] }>('GET', `checks/${check.uuid}/flips/`)).json.flips[0]?.up === 0 ? true : undefined),
      { timeoutMs: 20000, intervalMs: 200 },
    );
    const resumed = await hc<HcCheck>('POST', `checks/${check.uuid}/resume`);
    expect(resumed.json).toMatchObject({ status: 'new', started: false, last_ping: null, next_ping: null });
    // Once the scheduler has the resume too, the stored pings still do not count as a last ping.
    await waitFor('the scheduler to see the resume', async () => ((await trackState(check.slug)).state === 'new' ? true : undefined), {
      timeoutMs: 20000,
      intervalMs: 200,
    });
    expect((await hc('GET', `checks/${check.uuid}`)).json).toMatchObject({ status: 'new', started: false, last_ping: null, next_ping: null, n_pings: 2 });
  });
});

describe('pause and resume', () => {
  it('pause → paused at once and for the scheduler; a success ping resumes it and it is up', async () => {
    const check = await createCheck({ name: 'pausable', slug: uniqueSlug('pausable') });
    expect(await ping(check.uuid)).toBe(200);
    await checkUntil(check.uuid, 'the check to be up', (seen) => seen.status === 'up');
    const paused = await hc<HcCheck>('POST', `checks/${check.uuid}/pause`);
    expect(paused).toMatchObject({ status: 200, json: { status: 'paused' } });
    expect(await monitorRow(check.uuid)).toMatchObject({ status: 'paused' });
    // The scheduler hears of it and records the change: a flip to paused (not up).
    await waitFor(
      'the paused flip',
      async () => ((await hc<{ flips: HcFlip[] }>('GET', `checks/${check.uuid}/flips/`)).json.flips[0]?.up === 0 ? true : undefined),
      { timeoutMs: 20000, intervalMs: 200 },
    );
    expect(await hc<HcCheck>('POST', `checks/${check.uuid}/pause`)).toMatchObject({ status: 200, json: { status: 'paused' } });

    expect(await ping(check.uuid)).toBe(200);
    expect(await monitorRow(check.uuid)).toMatchObject({ status: 'active' });
    await checkUntil(check.uuid, 'the resumed check to be up', (seen) => seen.status === 'up' && seen.n_pings === 2);
  });

  it('with manual_resume, a ping leaves it paused; resume makes it new, and resuming again is a 409', async () => {
    const check = await createCheck({ name: 'manual', slug: uniqueSlug('manual'), manual_resume: true });
    expect(await hc<HcCheck>('POST', `checks/${check.uuid}/pause`)).toMatchObject({ status: 200, json: { status: 'paused', manual_resume: true } });
    expect(await ping(check.uuid)).toBe(200);
    await checkUntil(check.uuid, 'the ping to be recorded', (seen) => seen.n_pings === 1);
    expect(await monitorRow(check.uuid)).toMatchObject({ status: 'paused' });
    expect(await hc('GET', `checks/${check.uuid}`)).toMatchObject({ json: { status: 'paused', last_ping: null } });
    // Healthchecks lists a ping ignored because of manual_resume as `ign`.
    expect((await hc<{ pings: HcPing[] }>('GET', `checks/${check.uuid}/pings/`)).json.pings).toMatchObject([{ type: 'ign', n: 1, rid: null }]);
    const resumed = await hc<HcCheck>('POST', `checks/${check.uuid}/resume`);
    expect(resumed).toMatchObject({ status: 200, json: { status: 'new', next_ping: null } });
    expect(await monitorRow(check.uuid)).toMatchObject({ status: 'active' });
    expect(await hc<HcCheck>('POST', `checks/${check.uuid}/resume`)).toMatchObject({ status: 409, json: { error: { code: 'not_paused' } } });
    expect(await ping(check.uuid)).toBe(200);
    await checkUntil(check.uuid, 'the resumed check to be up after its next ping', (seen) => seen.status === 'up' && seen.n_pings === 2);
  });

  it('a start does not resume a paused check', async () => {
    const check = await createCheck({ name: 'start-only', slug: uniqueSlug('start-only') });
    await hc('POST', `checks/${check.uuid}/pause`);
    expect(await ping(`${check.uuid}/start`)).toBe(200);
    await checkUntil(check.uuid, 'the start to be recorded', (seen) => seen.n_pings === 1 && seen.status === 'paused');
    expect(await monitorRow(check.uuid)).toMatchObject({ status: 'paused' });
  });
});

describe('delete', () => {
  it('answers with the check as it was, after which it is gone for the API and for ingest', async () => {
    const check = await createCheck({ name: 'doomed', slug: uniqueSlug('doomed') });
    expect(await ping(check.uuid)).toBe(200);
    const deleted = await hc('DELETE', `checks/${check.uuid}`);
    expect(deleted).toMatchObject({ status: 200, json: { uuid: check.uuid, name: 'doomed' } });
    expect(await hc('GET', `checks/${check.uuid}`)).toMatchObject({ status: 404, json: { error: { code: 'unknown_check' } } });
    expect(await hc('DELETE', `checks/${check.uuid}`)).toMatchObject({ status: 404 });
    await waitFor('ingest to forget the deleted check', async () => ((await ping(check.uuid)) === 404 ? true : undefined), {
      timeoutMs: 10000,
      intervalMs: 100,
    });
  });
});

describe('channels', () => {
  let slack: string;
  let hook: string;

  beforeAll(async () => {
    const org = `organizations/${vigil.credentials.VIGIL_ORG}`;
    slack = (
      await vigilApi<{ id: string }>('POST', `${org}/integrations/`, {
        name: 'HC Slack',
        type: 'slack',
        config: { webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX' },
      })
    ).json.id;
    hook = (
      await vigilApi<{ id: string }>('POST', `${org}/integrations/`, {
        name: 'HC pager',
        type: 'pagerduty',
        config: { routing_key: 'R0123456789abcdef0123456789ABCDE' },
      })
    ).json.id;
  });

  it("lists the organization's integrations as channels", async () => {
    const answer = await hc<{ channels: unknown[] }>('GET', 'channels/');
    expect(answer.status).toBe(200);
    expect(answer.json.channels).toEqual(
      expect.arrayContaining([
        { id: slack, name: 'HC Slack', kind: 'slack' },
        { id: hook, name: 'HC pager', kind: 'pd' },
      ]),
    );
  });

  it('assigns channels to a check as alert rules of its monitor, by id or name, "*" and ""', async () => {
    const check = await createCheck({ name: 'alerting', slug: uniqueSlug('alerting'), channels: slack });
    expect(check.channels).toBe(slack);
    const rules: Array<{ integration_id: string }> = await db.query(
      'SELECT r.integration_id FROM alert_rules r JOIN monitors m ON m.id = r.monitor_id WHERE m.ping_uuid = $1',
      [check.uuid],
    );
    expect(rules.map((rule) => rule.integration_id)).toEqual([slack]);
    expect(await hc('POST', `checks/${check.uuid}`, rwKey, { channels: 'HC pager' })).toMatchObject({ status: 200, json: { channels: hook } });
    const all = (await hc<HcCheck>('POST', `checks/${check.uuid}`, rwKey, { channels: '*' })).json.channels.split(',');
    expect(all).toEqual(expect.arrayContaining([slack, hook]));
    expect(await hc('POST', `checks/${check.uuid}`, rwKey, { channels: '' })).toMatchObject({ status: 200, json: { channels: '' } });
  });

  it("cannot take a project-wide rule's integration off one check: 400 naming channels, nothing changed", async () => {
    const check = await createCheck({ name: 'covered', slug: uniqueSlug('covered') });
    const rule = await vigilApi('POST', `organizations/${vigil.credentials.VIGIL_ORG}/alert-rules/`, { project: otherProjectSlug, integration: slack });
    expect(rule.status).toBe(201);
    // A rule of another project does not cover this one.
    expect((await hc<HcCheck>('GET', `checks/${check.uuid}`)).json.channels).toBe('');
    const wide = await vigilApi<{ id: string }>('POST', `organizations/${vigil.credentials.VIGIL_ORG}/alert-rules/`, {
      project: vigil.credentials.VIGIL_PROJECT,
      integration: slack,
    });
    expect(wide.status).toBe(201);
    expect((await hc<HcCheck>('GET', `checks/${check.uuid}`)).json.channels).toBe(slack);
    const refused = await hc('POST', `checks/${check.uuid}`, rwKey, { name: 'renamed?', channels: '' });
    expect(refused).toMatchObject({ status: 400, json: { error: { code: 'invalid_channels', field: 'channels' } } });
    expect(await hc('GET', `checks/${check.uuid}`)).toMatchObject({ json: { name: 'covered', channels: slack } });
    expect(await vigilApi('DELETE', `organizations/${vigil.credentials.VIGIL_ORG}/alert-rules/${wide.json.id}/`)).toMatchObject({ status: 204 });
  });
});

describe('a period and a grace run from the ping, to the second (real time, about 2 minutes, beside the tests above)', () => {
  it('pinged mid-minute with timeout 60 and grace 60: up until +60 s, grace from +60 s, down from +120 s, as next_ping says', async () => {
    if (!toTheSecond) throw new Error('the check did not start (beforeAll failed)');
    await toTheSecond;
  }, 200_000);
});
