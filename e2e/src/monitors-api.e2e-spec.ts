// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { ClickHouse, toClickHouseDateTime } from '@vigil/clickhouse';
import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { waitFor } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { addMember, addToken, createOrganization, pageLinks, uniqueSlug, Vigil, type TestOrganization } from './support';

/**
 * The Sentry-shaped monitor endpoints on the real API, Postgres and ClickHouse: create, get, update (partial, as
 * Sentry's), mute (the monitor and one environment), delete, the list with Sentry's filters and cursor pages,
 * and a monitor's check-ins with environment and time-range filters. Bad input is a 400 naming the field, a
 * slug taken a 409, another organization's token a 404, a read-only token a 403, and none of them writes.
 */

let vigil: Vigil;
let db: DataSource;
let clickhouse: ClickHouse;
let readToken: string;
let other: TestOrganization;
/** A second project of the default organization. */
let secondProject: { id: number; slug: string };
/** A team of the default organization with two members, and a member of it. */
let team: { id: string; slug: string };
let member: { id: string; email: string };
let teamMate: { id: string; email: string };
let organizationId: string;

/** An answer, its JSON read as `T`: the shape the test expects, which its assertions check. */
interface Answer<T = unknown> {
  status: number;
  json: T;
  link: string | null;
  headers: Headers;
}

/** A monitor as the API shows it: the fields these tests read by name (the assertions check the whole). */
interface Monitor {
  id: string;
  slug: string;
  config: Record<string, unknown>;
  environments: MonitorEnvironment[];
  [field: string]: unknown;
}

/** One entry of a monitor's `environments`, as Sentry's serializer shapes it. */
interface MonitorEnvironment {
  name: string;
  status: string;
  isMuted: boolean;
  nextCheckIn: string | null;
  nextCheckInLatest: string | null;
  [field: string]: unknown;
}

interface ApiError {
  error: { code: string; field: string };
}

async function call<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  token = vigil.credentials.VIGIL_API_TOKEN,
  org = vigil.credentials.VIGIL_ORG,
): Promise<Answer<T>> {
  const response = await fetch(`${vigil.api.url}/api/0/organizations/${org}/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as T, link: response.headers.get('link'), headers: response.headers };
}

/** Follows `rel` links from `path` until `results` is false; returns every page's items in order. */
async function allPages(path: string, rel: 'next' | 'previous' = 'next'): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let answer = await call('GET', path);
  for (let pages = 0; pages < 50; pages += 1) {
    expect(answer.status).toBe(200);
    items.push(...(answer.json as Array<Record<string, unknown>>));
    const link = pageLinks(answer.link)[rel];
    if (!link.results) return items;
    const url = new URL(link.url);
    expect(url.searchParams.get('cursor')).toBe(link.cursor);
    answer = await call('GET', `${url.pathname.replace(/^\/api\/0\/organizations\/[^/]+\//, '')}${url.search}`);
  }
  throw new Error('more than 50 pages');
}

const HOURLY = { schedule_type: 'crontab', schedule: '0 * * * *' };

async function createMonitor(body: Record<string, unknown>): Promise<Monitor> {
  const answer = await call<Monitor>('POST', 'monitors/', { project: vigil.credentials.VIGIL_PROJECT, config: HOURLY, ...body });
  if (answer.status !== 201) throw new Error(`creating a monitor: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json;
}

/** Everything a monitor write could touch, to show that a refused request wrote nothing. */
async function monitorTables(): Promise<string> {
  const rows: Array<{ fingerprint: string }> = await db.query(`
    SELECT concat_ws('|',
      (SELECT md5(coalesce(string_agg(m::text, ',' ORDER BY m.id), '')) FROM monitors m),
      (SELECT md5(coalesce(string_agg(e::text, ',' ORDER BY e.monitor_id, e.environment), '')) FROM monitor_environments e)) AS fingerprint`);
  return rows[0]!.fingerprint;
}

/** A state change of a monitor-environment as history writes it from the scheduler (no scheduler runs here). */
async function recordState(monitorId: string, environment: string, to: string): Promise<void> {
  const at = Date.now();
  await clickhouse.insert('monitor_states', [
    {
      event_id: `${monitorId}:${environment}:${at}:${to}`,
      organization_id: organizationId,
      project_id: Number(vigil.credentials.VIGIL_PROJECT_ID),
      monitor_id: monitorId,
      environment,
      from_state: 'new',
      to_state: to,
      at: toClickHouseDateTime(at),
      at_ms: at,
      kafka_offset: 0,
    },
  ]);
}

/** Integrations and alert rules, to show that a refused request wrote none. */
async function alertTables(): Promise<string> {
  const rows: Array<{ fingerprint: string }> = await db.query(`
    SELECT concat_ws('|',
      (SELECT md5(coalesce(string_agg(i::text, ',' ORDER BY i.id), '')) FROM integrations i),
      (SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r.id), '')) FROM alert_rules r)) AS fingerprint`);
  return rows[0]!.fingerprint;
}

async function checkin(slug: string, query: string, project = vigil.credentials.VIGIL_PROJECT_ID, key = vigil.publicKey): Promise<number> {
  const response = await fetch(`${vigil.ingestUrl}/api/${project}/cron/${slug}/${key}/?${query}`);
  return response.status;
}

beforeAll(async () => {
  vigil = await Vigil.start();
  db = createDataSource(loadConfig({ ...process.env, ...vigil.env }), { poolSize: 2 });
  await db.initialize();
  clickhouse = ClickHouse.connect(loadConfig({ ...process.env, ...vigil.env }));
  const [org] = await db.query<Array<{ id: string }>>('SELECT id FROM organizations WHERE slug = $1', [vigil.credentials.VIGIL_ORG]);
  readToken = await addToken(db, org!.id, null, 'read');
  organizationId = org!.id;
  const suffix = randomUUID().slice(0, 8);
  team = { id: randomUUID(), slug: `ops-${suffix}` };
  await db.query('INSERT INTO teams (id, organization_id, slug, name) VALUES ($1, $2, $3, $3)', [team.id, org!.id, team.slug]);
  member = { id: '', email: `ada-${suffix}@example.com` };
  member.id = await addMember(db, org!.id, member.email, 'member');
  teamMate = { id: '', email: `bob-${suffix}@example.com` };
  teamMate.id = await addMember(db, org!.id, teamMate.email, 'member');
  for (const id of [member.id, teamMate.id]) await db.query('INSERT INTO team_members (team_id, member_id) VALUES ($1, $2)', [team.id, id]);
  other = await createOrganization(db, 'other');
  const slug = uniqueSlug('second');
  const [project] = await db.query<Array<{ id: number }>>('INSERT INTO projects (organization_id, slug, name, ping_key) VALUES ($1, $2, $2, $3) RETURNING id', [
    org!.id,
    slug,
    slug.slice(0, 22).padEnd(22, 'x'),
  ]);
  secondProject = { id: Number(project!.id), slug };
});

afterAll(async () => {
  await clickhouse?.close();
  await db?.destroy();
  await vigil?.stop();
});

describe('create and get', () => {
  it('creates a monitor with every field, shows it as Sentry does, and finds it by slug and by id', async () => {
    const slug = uniqueSlug('created');
    const created = await createMonitor({
      name: 'Nightly backup',
      slug,
      type: 'cron_job',
      owner: `team:${team.slug}`,
      status: 'active',
      is_muted: false,
      config: {
        schedule_type: 'crontab',
        schedule: '0 3 * * *',
        checkin_margin: 10,
        max_runtime: 60,
        timezone: 'Europe/Berlin',
        failure_issue_threshold: 2,
        recovery_threshold: 3,
      },
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      slug,
      name: 'Nightly backup',
      status: 'active',
      type: 'cron_job',
      isMuted: false,
      isUpserting: false,
      project: { id: vigil.credentials.VIGIL_PROJECT_ID, slug: vigil.credentials.VIGIL_PROJECT, name: expect.any(String) },
      // Sentry's actor: a team is named by its slug; the owner is stored by the team's id.
      owner: { type: 'team', id: team.id, name: team.slug },
      // Vigil's field beside Sentry's: Healthchecks tags, none for a monitor made here.
      tags: [],
      config: {
        schedule_type: 'crontab',
        schedule: '0 3 * * *',
        checkin_margin: 10,
        max_runtime: 60,
        timezone: 'Europe/Berlin',
        failure_issue_threshold: 2,
        recovery_threshold: 3,
      },
      environments: [],
      dateCreated: expect.any(String),
    });
    expect((await call('GET', `monitors/${slug}/`)).json).toEqual(created);
    expect((await call('GET', `monitors/${created['id']}/`)).json).toEqual(created);
  });

  it("makes the slug from the name as Sentry does, with Sentry's defaults; a name whose slug is taken gets a suffix", async () => {
    const name = `Weekly Report ${uniqueSlug('x')} Ünïcode!`;
    const first = await createMonitor({ name, config: { schedule: [2, 'hour'] } });
    const expected = name.toLowerCase().replace('ünïcode!', 'unicode').replace(/ /g, '-');
    expect(first).toMatchObject({
      slug: expected,
      status: 'active',
      isMuted: false,
      owner: null,
      config: {
        schedule_type: 'interval',
        schedule: [2, 'hour'],
        checkin_margin: null,
        max_runtime: null,
        timezone: 'UTC',
        failure_issue_threshold: 1,
        recovery_threshold: 1,
      },
    });
    const second = await createMonitor({ name, config: { schedule: { type: 'interval', value: 1, unit: 'day' } } });
    expect(second['slug']).toMatch(new RegExp(`^${expected}-[0-9a-f]{4}$`));
    expect(second['config']).toMatchObject({ schedule_type: 'interval', schedule: [1, 'day'] });
  });

  it('a slug taken anywhere in the organization is a 409 naming slug, in another project too, and nothing is written', async () => {
    const slug = uniqueSlug('taken');
    await createMonitor({ name: 'first', slug });
    const before = await monitorTables();
    for (const project of [vigil.credentials.VIGIL_PROJECT, secondProject.slug]) {
      const answer = await call('POST', 'monitors/', { project, name: 'second', slug, config: HOURLY });
      expect(answer).toMatchObject({ status: 409, json: { error: { code: 'slug_taken', field: 'slug' } } });
    }
    expect(await monitorTables()).toBe(before);
  });

  it.each([
    ['no config', 'config', { name: 'x', project: 'default' }],
    ['no schedule', 'config.schedule', { name: 'x', project: 'default', config: { checkin_margin: 5 } }],
    ['a crontab the scheduler cannot run', 'config.schedule', { name: 'x', project: 'default', config: { schedule: '61 * * * *' } }],
    ['a six-field crontab', 'config.schedule', { name: 'x', project: 'default', config: { schedule: '* * * * * *' } }],
    ['an unknown zone', 'config.timezone', { name: 'x', project: 'default', config: { schedule: '@daily', timezone: 'Mars/Olympus' } }],
    ['an interval with a bad unit', 'config.schedule[1]', { name: 'x', project: 'default', config: { schedule: [5, 'fortnight'] } }],
    ['an interval the wrong way round', 'config.schedule', { name: 'x', project: 'default', config: { schedule: ['day', 5] } }],
    [
      'a schedule_type the schedule contradicts',
      'config.schedule_type',
      { name: 'x', project: 'default', config: { schedule_type: 'interval', schedule: '@daily' } },
    ],
    ['a margin that is not a whole number', 'config.checkin_margin', { name: 'x', project: 'default', config: { schedule: '@daily', checkin_margin: 1.5 } }],
    ['a threshold over 720', 'config.failure_issue_threshold', { name: 'x', project: 'default', config: { schedule: '@daily', failure_issue_threshold: 721 } }],
    ['an unknown config field', 'config.margin', { name: 'x', project: 'default', config: { schedule: '@daily', margin: 5 } }],
    ['an unknown field', 'alert', { name: 'x', project: 'default', config: HOURLY, alert: {} }],
    ['a type other than cron_job', 'type', { name: 'x', project: 'default', config: HOURLY, type: 'heartbeat' }],
    ['an owner that is not user:<id> or team:<id>', 'owner', { name: 'x', project: 'default', config: HOURLY, owner: 'ops' }],
    ['an owner no member of the organization is', 'owner', { name: 'x', project: 'default', config: HOURLY, owner: 'user:1' }],
    ['an owner team the organization does not have', 'owner', { name: 'x', project: 'default', config: HOURLY, owner: 'team:nobody' }],
    ['an alert rule without its targets', 'alert_rule.targets', { name: 'x', project: 'default', config: HOURLY, alert_rule: { environment: 'production' } }],
    [
      'an alert rule target of another kind',
      'alert_rule.targets[0].target_type',
      { name: 'x', project: 'default', config: HOURLY, alert_rule: { targets: [{ target_identifier: 1, target_type: 'Channel' }] } },
    ],
    [
      'an alert rule target no member is',
      'alert_rule.targets[0].target_identifier',
      { name: 'x', project: 'default', config: HOURLY, alert_rule: { targets: [{ target_identifier: 42, target_type: 'Member' }] } },
    ],
    [
      'an alert rule for a bad environment',
      'alert_rule.environment',
      { name: 'x', project: 'default', config: HOURLY, alert_rule: { targets: [{ target_identifier: 1, target_type: 'Member' }], environment: 'a/b' } },
    ],
    ['no name', 'name', { project: 'default', config: HOURLY }],
    ['a blank name', 'name', { name: '   ', project: 'default', config: HOURLY }],
    ['a slug with capitals', 'slug', { name: 'x', slug: 'Nightly', project: 'default', config: HOURLY }],
    ['a slug of digits only', 'slug', { name: 'x', slug: '12345', project: 'default', config: HOURLY }],
    ['a name with nothing to make a slug of', 'slug', { name: '!!!', project: 'default', config: HOURLY }],
    ['an unknown status', 'status', { name: 'x', project: 'default', status: 'ok', config: HOURLY }],
    ['a project not in the organization', 'project', { name: 'x', project: 'no-such-project', config: HOURLY }],
    ['is_muted and isMuted disagreeing', 'isMuted', { name: 'x', project: 'default', config: HOURLY, is_muted: true, isMuted: false }],
    ['a NUL in the name (Postgres cannot store it)', 'name', { name: 'a\u0000b', project: 'default', config: HOURLY }],
  ])('refuses %s with a 400 naming %s, writing nothing', async (_what, field, body) => {
    const before = await monitorTables();
    const rulesBefore = await alertTables();
    const answer = await call<ApiError>('POST', 'monitors/', body);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      field,
      code: expect.any(String),
      message: expect.stringContaining(field.replace(/\[\d+\]$/, '').replace(/\.target_(type|identifier)$/, '')),
    });
    expect(await monitorTables()).toBe(before);
    expect(await alertTables()).toBe(rulesBefore);
  });

  it('an unknown monitor is a 404, whatever its slug holds', async () => {
    expect(await call('GET', 'monitors/no-such-monitor/')).toMatchObject({ status: 404, json: { error: { code: 'unknown_monitor' } } });
    expect(await call('GET', 'monitors/a%00b/')).toMatchObject({ status: 404, json: { error: { code: 'unknown_monitor' } } });
    expect(await call('PUT', 'monitors/a%00b/environments/production/', { isMuted: true })).toMatchObject({ status: 404 });
  });
});

describe('update', () => {
  it("changes only the fields sent, inside config too (Sentry's update)", async () => {
    const slug = uniqueSlug('update');
    const created = await createMonitor({
      name: 'Before',
      slug,
      owner: `user:${member.id}`,
      config: { schedule: '0 3 * * *', checkin_margin: 10, max_runtime: 60, timezone: 'Europe/Berlin' },
    });
    const margin = await call<Monitor>('PUT', `monitors/${slug}/`, { config: { checkin_margin: 20 } });
    expect(margin.status).toBe(200);
    expect(margin.json).toEqual({ ...created, config: { ...created.config, checkin_margin: 20 } });

    const renamed = await call('PUT', `monitors/${slug}/`, { name: 'After', owner: null, config: { schedule: [30, 'minute'], timezone: null } });
    expect(renamed.json).toMatchObject({
      name: 'After',
      slug,
      owner: null,
      config: { schedule_type: 'interval', schedule: [30, 'minute'], checkin_margin: 20, max_runtime: 60, timezone: 'UTC', failure_issue_threshold: 1 },
    });
    const newSlug = uniqueSlug('renamed');
    expect((await call('PUT', `monitors/${slug}/`, { slug: newSlug, status: 'disabled' })).json).toMatchObject({
      slug: newSlug,
      status: 'disabled',
      name: 'After',
    });
    expect((await call('GET', `monitors/${slug}/`)).status).toBe(404);
    expect((await call('GET', `monitors/${newSlug}/`)).json).toMatchObject({ id: created['id'], slug: newSlug });
  });

  it("normalises config values as check-ins' monitor_config does: margin 0 is 1, a blank zone is not sent, margin and runtime past the limits are stored at them", async () => {
    const slug = uniqueSlug('normalise');
    const created = await createMonitor({ name: 'n', slug, config: { schedule: '0 3 * * *', checkin_margin: 0, max_runtime: 50_000, timezone: '' } });
    expect(created).toMatchObject({ config: { checkin_margin: 1, max_runtime: 40_320, timezone: 'UTC' } });
    await call('PUT', `monitors/${slug}/`, { config: { timezone: 'Europe/Berlin' } });
    const updated = await call<Monitor>('PUT', `monitors/${slug}/`, { config: { checkin_margin: 99_999, max_runtime: 0, timezone: '' } });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ config: { checkin_margin: 40_320, max_runtime: 1, timezone: 'Europe/Berlin' } });
  });

  it('checks a new zone against the kept crontab, and refuses what breaks a rule, writing nothing', async () => {
    const slug = uniqueSlug('update-bad');
    const taken = (await createMonitor({ name: 'taken' })).slug;
    await createMonitor({ name: 'x', slug, config: { schedule: '*/5 * * * *' } });
    const before = await monitorTables();
    const cases: Array<[unknown, number, string]> = [
      [{ config: { timezone: 'Nowhere/Else' } }, 400, 'config.timezone'],
      [{ config: { schedule_type: 'interval' } }, 400, 'config.schedule'],
      [{ config: { schedule: 'every day' } }, 400, 'config.schedule'],
      [{ slug: taken }, 409, 'slug'],
      [{ project: secondProject.slug }, 400, 'project'],
      [{ name: '' }, 400, 'name'],
      [{ isMuted: 'yes' }, 400, 'isMuted'],
      [{ id: 'abc' }, 400, 'id'],
    ];
    for (const [body, status, field] of cases) {
      const answer = await call<Partial<ApiError>>('PUT', `monitors/${slug}/`, body);
      expect({ body, status: answer.status, field: answer.json.error?.field }).toEqual({ body, status, field });
    }
    expect(await monitorTables()).toBe(before);
    expect((await call('PUT', `monitors/${slug}/`, { project: vigil.credentials.VIGIL_PROJECT_ID, config: { timezone: 'Asia/Kolkata' } })).json).toMatchObject({
      config: { timezone: 'Asia/Kolkata', schedule: '*/5 * * * *' },
    });
  });
});

describe('mute and delete', () => {
  it('mutes and unmutes a monitor with PUT {"isMuted"} (Postgres is_muted, what the issues service reads)', async () => {
    const slug = uniqueSlug('mute');
    const created = await createMonitor({ name: 'mute me', slug });
    expect((await call('PUT', `monitors/${slug}/`, { isMuted: true })).json).toMatchObject({ isMuted: true });
    expect(await db.query('SELECT is_muted FROM monitors WHERE id = $1', [created['id']])).toEqual([{ is_muted: true }]);
    expect((await call('PUT', `monitors/${slug}/`, { is_muted: false })).json).toMatchObject({ isMuted: false });
    expect(await db.query('SELECT is_muted FROM monitors WHERE id = $1', [created['id']])).toEqual([{ is_muted: false }]);
  });

  it('mutes one environment the monitor has, and only that one; an environment it does not have is a 404', async () => {
    const slug = uniqueSlug('mute-env');
    const created = await createMonitor({ name: 'env mute', slug });
    expect(await checkin(slug, 'status=ok&environment=staging')).toBe(202);
    expect(await checkin(slug, 'status=ok&environment=production')).toBe(202);
    await waitFor(
      'both environments in the monitor',
      async () => ((await call<Monitor>('GET', `monitors/${slug}/`)).json.environments.length === 2 ? true : undefined),
      { timeoutMs: 20000 },
    );

    const muted = await call('PUT', `monitors/${slug}/environments/staging/`, { isMuted: true });
    expect(muted.status).toBe(200);
    expect(muted.json).toMatchObject({
      isMuted: false,
      environments: [
        { name: 'production', isMuted: false, lastCheckIn: expect.any(String) },
        { name: 'staging', isMuted: true, lastCheckIn: expect.any(String) },
      ],
    });
    // Sentry mutes every environment with its monitor.
    const all = await call<Monitor>('PUT', `monitors/${slug}/`, { isMuted: true });
    expect(all.json.environments.map((environment: { isMuted: boolean }) => environment.isMuted)).toEqual([true, true]);
    await call('PUT', `monitors/${slug}/`, { isMuted: false });
    expect(await db.query('SELECT environment, is_muted FROM monitor_environments WHERE monitor_id = $1', [created['id']])).toEqual([
      { environment: 'staging', is_muted: true },
    ]);
    expect((await call<Monitor>('PUT', `monitors/${slug}/environments/staging/`, { is_muted: false })).json.environments[1]).toMatchObject({
      name: 'staging',
      isMuted: false,
    });

    const before = await monitorTables();
    expect(await call('PUT', `monitors/${slug}/environments/nowhere/`, { isMuted: true })).toMatchObject({
      status: 404,
      json: { error: { code: 'unknown_environment', field: 'environment' } },
    });
    expect(await call('PUT', `monitors/${slug}/environments/staging/`, { muted: true })).toMatchObject({ status: 400, json: { error: { field: 'muted' } } });
    expect(await monitorTables()).toBe(before);
  });

  it('deletes a monitor (202): gone from get and list, its issues and settings with it', async () => {
    const slug = uniqueSlug('delete');
    const created = await createMonitor({ name: 'delete me', slug });
    await db.query(`INSERT INTO monitor_environments (monitor_id, environment, is_muted) VALUES ($1, 'production', true)`, [created['id']]);
    const deleted = await call('DELETE', `monitors/${slug}/`);
    expect(deleted).toMatchObject({ status: 202, json: null });
    expect((await call('GET', `monitors/${slug}/`)).status).toBe(404);
    expect((await call('GET', `monitors/?query=${slug}`)).json).toEqual([]);
    expect(await db.query('SELECT count(*)::int AS n FROM monitor_environments WHERE monitor_id = $1', [created['id']])).toEqual([{ n: 0 }]);
    expect((await call('DELETE', `monitors/${slug}/`)).status).toBe(404);
  });
});

describe("Sentry's create body and serializer", () => {
  async function rulesOf(
    monitorId: string,
  ): Promise<Array<{ type: string; to: string[] | null; environments: string[] | null; on_open: boolean; on_resolve: boolean }>> {
    return db.query(
      `SELECT i.type, (SELECT array_agg(a ORDER BY a) FROM jsonb_array_elements_text(i.config->'to') AS a) AS to, r.environments, r.on_open, r.on_resolve
         FROM alert_rules r JOIN integrations i ON i.id = r.integration_id WHERE r.monitor_id = $1 ORDER BY i.type, 2`,
      [monitorId],
    );
  }

  it("takes Sentry's documented body: type, status, owner, is_muted and alert_rule (targets and environment) as email alert rules", async () => {
    const slug = uniqueSlug('sentry-body');
    const answer = await call<Monitor>('POST', 'monitors/', {
      project: vigil.credentials.VIGIL_PROJECT,
      name: 'Sentry body',
      slug,
      type: 'cron_job',
      status: 'disabled',
      owner: `user:${member.id}`,
      is_muted: true,
      config: { schedule_type: 'crontab', schedule: '0 3 * * *', checkin_margin: 5 },
      alert_rule: {
        targets: [
          { target_identifier: member.id, target_type: 'Member' },
          { targetIdentifier: team.id, targetType: 'Team' },
        ],
        environment: 'production',
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      type: 'cron_job',
      status: 'disabled',
      isMuted: true,
      owner: { type: 'user', id: member.id, name: member.email, email: member.email },
    });
    expect(await rulesOf(answer.json.id)).toEqual([
      { type: 'email', to: [member.email], environments: ['production'], on_open: true, on_resolve: true },
      { type: 'email', to: [member.email, teamMate.email].sort(), environments: ['production'], on_open: true, on_resolve: true },
    ]);

    // A second monitor notifying the same member reuses the integration to that address.
    const again = await createMonitor({ name: 'same member', alertRule: { targets: [{ targetIdentifier: member.id, targetType: 'Member' }] } });
    const integrations = await db.query<Array<{ n: number }>>(
      `SELECT count(DISTINCT r.integration_id)::int AS n FROM alert_rules r JOIN integrations i ON i.id = r.integration_id
        WHERE r.monitor_id = ANY($1::uuid[]) AND i.config->'to' = $2::jsonb`,
      [[answer.json.id, again['id']], JSON.stringify([member.email])],
    );
    expect(integrations).toEqual([{ n: 1 }]);
    expect(await rulesOf(again['id'])).toEqual([{ type: 'email', to: [member.email], environments: null, on_open: true, on_resolve: true }]);
  });

  it("an update's alert_rule replaces the monitor's email rules and keeps its rules to other integrations", async () => {
    const created = await createMonitor({ name: 'rules', alert_rule: { targets: [{ target_identifier: team.id, target_type: 'Team' }] } });
    const slack = await call<{ id: string }>('POST', 'integrations/', {
      name: `Slack ${uniqueSlug('x')}`,
      type: 'slack',
      config: { webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX' },
    });
    expect(slack.status).toBe(201);
    const rule = await call('POST', 'alert-rules/', { project: vigil.credentials.VIGIL_PROJECT, monitor: created['slug'], integration: slack.json.id });
    expect(rule.status).toBe(201);
    const updated = await call('PUT', `monitors/${created['slug']}/`, {
      alert_rule: { targets: [{ target_identifier: member.id, target_type: 'Member' }], environment: 'staging' },
    });
    expect(updated.status).toBe(200);
    expect(await rulesOf(created['id'])).toEqual([
      { type: 'email', to: [member.email], environments: ['staging'], on_open: true, on_resolve: true },
      { type: 'slack', to: null, environments: null, on_open: true, on_resolve: true },
    ]);
    // No targets: nobody by email any more; the Slack rule stays.
    expect((await call('PUT', `monitors/${created['slug']}/`, { alertRule: { targets: [] } })).status).toBe(200);
    expect(await rulesOf(created['id'])).toEqual([{ type: 'slack', to: null, environments: null, on_open: true, on_resolve: true }]);
  });

  it("shows each environment as Sentry's serializer does: status, isMuted with the monitor, dates, next check-ins, active incident; ?environment= narrows them", async () => {
    const slug = uniqueSlug('serializer');
    const created = await createMonitor({ name: 'serializer', slug, config: { schedule: '*/10 * * * *', checkin_margin: 3 } });
    expect(await checkin(slug, 'status=ok&environment=production')).toBe(202);
    expect(await checkin(slug, 'status=error&environment=staging')).toBe(202);
    await waitFor('both environments', async () => ((await call<Monitor>('GET', `monitors/${slug}/`)).json.environments.length === 2 ? true : undefined), {
      timeoutMs: 20000,
    });
    const openedAt = new Date(Date.now() - 60_000);
    await db.query(
      `INSERT INTO issues (id, organization_id, project_id, monitor_id, environment, status, failure_count, opening_checkin_id, opening_status, opened_at, last_failure_at)
       VALUES ($1, $2, $3, $4, 'staging', 'open', 1, $5, 'error', $6, $6)`,
      [randomUUID(), organizationId, Number(vigil.credentials.VIGIL_PROJECT_ID), created['id'], randomUUID(), openedAt],
    );
    const shown = (await call<Monitor>('GET', `monitors/${slug}/`)).json;
    expect(shown.environments).toEqual([
      {
        name: 'production',
        // No scheduler runs here: before a judgement is recorded, the latest result, as Sentry sets it on arrival.
        status: 'ok',
        isMuted: false,
        dateCreated: created['dateCreated'],
        lastCheckIn: expect.any(String),
        nextCheckIn: expect.any(String),
        nextCheckInLatest: expect.any(String),
        // Vigil's own fields (not in Sentry's serializer): no judgement yet, the latest run's status.
        vigilState: null,
        lastCheckInStatus: 'ok',
        activeIncident: null,
      },
      {
        name: 'staging',
        status: 'error',
        isMuted: false,
        dateCreated: created['dateCreated'],
        lastCheckIn: expect.any(String),
        nextCheckIn: expect.any(String),
        nextCheckInLatest: expect.any(String),
        vigilState: null,
        lastCheckInStatus: 'error',
        activeIncident: { startingTimestamp: openedAt.toISOString(), resolvingTimestamp: null, brokenNotice: null },
      },
    ]);
    // With the scheduler's judgement (history's monitor_states), the status and the next check-ins follow it.
    await recordState(created['id'], 'production', 'ok');
    await recordState(created['id'], 'staging', 'missed');
    const judged = await waitFor(
      'the judgements read',
      async () => {
        const environments = (await call<Monitor>('GET', `monitors/${slug}/`)).json.environments as Array<{
          status: string;
          nextCheckIn: string | null;
          nextCheckInLatest: string | null;
        }>;
        return environments[0]!.status === 'ok' && environments[1]!.status === 'missed_checkin' ? environments : undefined;
      },
      { timeoutMs: 20000 },
    );
    const next = Date.parse(judged[0]!.nextCheckIn!);
    expect(next % 600_000).toBe(0);
    expect(Date.parse(judged[0]!.nextCheckInLatest!) - next).toBe(3 * 60_000);
    expect(
      (await call<Monitor>('PUT', `monitors/${slug}/`, { status: 'disabled' })).json.environments.map(
        (environment: { status: string; nextCheckIn: string | null }) => [environment.status, environment.nextCheckIn],
      ),
    ).toEqual([
      ['disabled', null],
      ['disabled', null],
    ]);

    const narrowed = (await call<Monitor>('GET', `monitors/${slug}/?environment=staging`)).json;
    expect(narrowed.environments.map((environment: { name: string }) => environment.name)).toEqual(['staging']);
    const listed = (await call<Monitor[]>('GET', `monitors/?query=${slug}&environment=production`)).json;
    expect(listed.map((monitor: { environments: Array<{ name: string }> }) => monitor.environments.map((environment) => environment.name))).toEqual([
      ['production'],
    ]);
  });

  it('shows check-ins with the time they were expected at and the monitor config', async () => {
    const slug = uniqueSlug('expected');
    await createMonitor({ name: 'expected', slug, config: { schedule: '*/5 * * * *', checkin_margin: 2 } });
    expect(await checkin(slug, 'status=ok&environment=production')).toBe(202);
    await vigil.api.waitForRuns(slug, 1);
    const [run] = (await call('GET', `monitors/${slug}/checkins/`)).json as Array<{ dateCreated: string; expectedTime: string; monitorConfig: unknown }>;
    const started = Date.parse(run!.dateCreated);
    const expected = Date.parse(run!.expectedTime);
    // The slot it counts for: the latest five-minute mark, or the coming one when it came within a minute of it.
    expect(expected % 300_000).toBe(0);
    expect(started - expected).toBeLessThan(300_000);
    expect(expected - started).toBeLessThanOrEqual(60_000);
    expect(run!.monitorConfig).toEqual({
      schedule_type: 'crontab',
      schedule: '*/5 * * * *',
      checkin_margin: 2,
      max_runtime: null,
      timezone: 'UTC',
      failure_issue_threshold: 1,
      recovery_threshold: 1,
    });
  });
});

describe('project-scoped endpoints', () => {
  const project = (path: string) => `../../projects/${vigil.credentials.VIGIL_ORG}/${vigil.credentials.VIGIL_PROJECT}/${path}`;

  it("gets, updates, lists check-ins of and deletes a project's monitor, as the organization endpoints do; another project's monitor is a 404", async () => {
    const slug = uniqueSlug('project-scoped');
    const created = await createMonitor({ name: 'project scoped', slug });
    expect(await checkin(slug, 'status=ok&environment=production')).toBe(202);
    await vigil.api.waitForRuns(slug, 1);
    expect((await call('GET', project(`monitors/${slug}/`))).json).toEqual((await call('GET', `monitors/${slug}/`)).json);
    expect((await call('PUT', project(`monitors/${slug}/`), { name: 'renamed' })).json).toMatchObject({ id: created['id'], name: 'renamed' });
    expect((await call('GET', project(`monitors/${slug}/checkins/`))).json).toEqual((await call('GET', `monitors/${slug}/checkins/`)).json);

    const elsewhere = await call<Monitor>('POST', 'monitors/', { project: secondProject.slug, name: 'elsewhere', config: HOURLY });
    expect(elsewhere.status).toBe(201);
    const before = await monitorTables();
    expect(await call('GET', project(`monitors/${elsewhere.json.slug}/`))).toMatchObject({ status: 404, json: { error: { code: 'unknown_monitor' } } });
    expect(await call('PUT', project(`monitors/${elsewhere.json.slug}/`), { name: 'x' })).toMatchObject({ status: 404 });
    expect(await call('DELETE', project(`monitors/${elsewhere.json.slug}/`))).toMatchObject({ status: 404 });
    expect(await call('GET', `../../projects/${vigil.credentials.VIGIL_ORG}/no-such-project/monitors/${slug}/`)).toMatchObject({
      status: 404,
      json: { error: { field: 'project' } },
    });
    expect(await monitorTables()).toBe(before);

    expect(await call('DELETE', project(`monitors/${slug}/`))).toMatchObject({ status: 202 });
    expect((await call('GET', `monitors/${slug}/`)).status).toBe(404);
  });
});

describe('list', () => {
  const prefix = uniqueSlug('page');
  let made: string[];

  beforeAll(async () => {
    made = [];
    for (let index = 0; index < 7; index += 1) {
      const owner = index % 3 === 0 ? null : index % 3 === 1 ? `team:${team.id}` : `user:${member.id}`;
      const project = index === 6 ? secondProject.slug : vigil.credentials.VIGIL_PROJECT;
      const answer = await call<Monitor>('POST', 'monitors/', { project, name: `${prefix} ${index}`, owner, config: HOURLY });
      expect(answer.status).toBe(201);
      made.push(answer.json.slug);
    }
  });

  it('pages by name with Link headers as Sentry writes them: forward to the end, and back again', async () => {
    const first = await call<Array<{ slug: string }>>('GET', `monitors/?query=${prefix}&per_page=3`);
    const firstLinks = pageLinks(first.link);
    expect(firstLinks.previous).toMatchObject({ results: false });
    expect(firstLinks.next).toMatchObject({ results: true, cursor: '3:1:0' });
    expect(first.json.map((monitor: { slug: string }) => monitor.slug)).toEqual(made.slice(0, 3));

    const forward = await allPages(`monitors/?query=${prefix}&per_page=3`);
    expect(forward.map((monitor) => monitor['slug'])).toEqual(made);

    const last = await call<Array<{ slug: string }>>('GET', `monitors/?query=${prefix}&per_page=3&cursor=3:2:0`);
    expect(last.json.map((monitor: { slug: string }) => monitor.slug)).toEqual(made.slice(6));
    expect(pageLinks(last.link)).toMatchObject({ next: { results: false }, previous: { results: true, cursor: '3:1:1' } });
    const back = await call<Array<{ slug: string }>>('GET', `monitors/?query=${prefix}&per_page=3&cursor=3:1:1`);
    expect(back.json.map((monitor: { slug: string }) => monitor.slug)).toEqual(made.slice(3, 6));
    // The filters stay in the links, so every page is of the same list.
    expect(pageLinks(back.link).next.url).toContain(`query=${prefix}`);
  });

  it("sentry-cli's first request, ?cursor= (empty), is the first page", async () => {
    const answer = await call('GET', `monitors/?cursor=&query=${prefix}`);
    expect(answer.status).toBe(200);
    expect(answer.json).toHaveLength(7);
  });

  it('filters by text, project (slug or id, repeatable), owner (and unassigned)', async () => {
    const slugs = async (query: string) =>
      ((await call('GET', `monitors/?query=${prefix}&${query}`)).json as Array<{ slug: string }>).map((monitor) => monitor.slug);
    const text = await call<Array<{ id: string; slug: string }>>('GET', `monitors/?query=${encodeURIComponent(`${prefix} 4`.toUpperCase())}`);
    expect(text.json.map((monitor: { slug: string }) => monitor.slug)).toEqual([made[4]]);
    expect((await call<Array<{ slug: string }>>('GET', `monitors/?query=${text.json[0]!.id}`)).json.map((monitor: { slug: string }) => monitor.slug)).toEqual([
      made[4],
    ]);
    expect(await slugs(`project=${secondProject.slug}`)).toEqual([made[6]]);
    expect(await slugs(`project=${secondProject.id}&project=${vigil.credentials.VIGIL_PROJECT}`)).toEqual(made);
    expect(await slugs('project=-1')).toEqual(made);
    expect(await slugs(`owner=team:${team.id}`)).toEqual([made[1], made[4]]);
    expect(await slugs(`owner=team:${team.id}&owner=unassigned`)).toEqual([made[0], made[1], made[3], made[4], made[6]]);
    expect(await slugs(`owner=user:${member.id}`)).toEqual([made[2], made[5]]);
    expect(await slugs('owner=nobody')).toEqual([]);
  });

  it('filters by environment: monitors that checked in from one of them (repeatable)', async () => {
    const environment = uniqueSlug('env');
    expect(await checkin(made[2]!, `status=ok&environment=${environment}`)).toBe(202);
    expect(await checkin(made[5]!, `status=ok&environment=${environment}-other`)).toBe(202);
    const slugs = async (query: string) =>
      ((await call('GET', `monitors/?query=${prefix}&${query}`)).json as Array<{ slug: string }>).map((monitor) => monitor.slug);
    await waitFor('check-ins in history', async () => ((await slugs(`environment=${environment}`)).length === 1 ? true : undefined), { timeoutMs: 20000 });
    expect(await slugs(`environment=${environment}`)).toEqual([made[2]]);
    await waitFor('the other check-in in history', async () => ((await slugs(`environment=${environment}-other`)).length === 1 ? true : undefined), {
      timeoutMs: 20000,
    });
    expect(await slugs(`environment=${environment}&environment=${environment}-other`)).toEqual([made[2], made[5]]);
    expect(await slugs('environment=never-seen')).toEqual([]);
  });

  it("shows a check's Healthchecks tags as words and filters by tag: repeated, a monitor has every one", async () => {
    const tagPrefix = uniqueSlug('tagged');
    const checks: Array<[string, string]> = [
      [`${tagPrefix}-both`, 'prod  db'],
      [`${tagPrefix}-prod`, 'prod'],
      [`${tagPrefix}-none`, ''],
    ];
    for (const [slug, tags] of checks) {
      const created = await fetch(`${vigil.api.url}/api/v3/checks/`, {
        method: 'POST',
        headers: { 'x-api-key': vigil.credentials.VIGIL_PROJECT_API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ name: slug, slug, tags }),
      });
      expect(created.status).toBe(201);
    }
    const listed = async (query: string) =>
      (await call<Array<{ slug: string; tags: string[] }>>('GET', `monitors/?query=${tagPrefix}&${query}`)).json.map((monitor) => [monitor.slug, monitor.tags]);
    expect(await listed('')).toEqual([
      [`${tagPrefix}-both`, ['prod', 'db']],
      [`${tagPrefix}-none`, []],
      [`${tagPrefix}-prod`, ['prod']],
    ]);
    expect(await listed('tag=prod')).toEqual([
      [`${tagPrefix}-both`, ['prod', 'db']],
      [`${tagPrefix}-prod`, ['prod']],
    ]);
    expect(await listed('tag=db&tag=prod')).toEqual([[`${tagPrefix}-both`, ['prod', 'db']]]);
    expect(await listed('tag=pro')).toEqual([]);
    // The same selection for a page of timelines.
    const stats = await call<{ monitors: Record<string, unknown> }>('GET', `monitors-stats/?query=${tagPrefix}&tag=db`);
    expect(Object.keys(stats.json.monitors)).toEqual([`${tagPrefix}-both`]);
    // One monitor's answer has them too.
    expect((await call<{ tags: string[] }>('GET', `monitors/${tagPrefix}-both/`)).json.tags).toEqual(['prod', 'db']);
  });

  it('sort=status: failing first over every page, state= keeps a status, X-Hits and X-Failing count; monitors-stats answers for the same page', async () => {
    expect(await checkin(made[3]!, 'status=error')).toBe(202);
    for (const index of [0, 2, 5]) expect(await checkin(made[index]!, 'status=ok')).toBe(202);
    const slugs = async (query: string) =>
      ((await call('GET', `monitors/?query=${prefix}&${query}`)).json as Array<{ slug: string }>).map((monitor) => monitor.slug);
    await waitFor(
      'the check-ins in history',
      async () => ((await slugs('state=ok')).length === 3 && (await slugs('state=failing')).length === 1 ? true : undefined),
      {
        timeoutMs: 20000,
      },
    );
    // The error, then the monitors without a check-in (new), then the ones that are fine: by name within each.
    const ordered = [made[3], made[1], made[4], made[6], made[0], made[2], made[5]];
    expect((await allPages(`monitors/?query=${prefix}&sort=status&per_page=3`)).map((monitor) => monitor['slug'])).toEqual(ordered);
    const second = await call<Array<{ slug: string }>>('GET', `monitors/?query=${prefix}&sort=status&per_page=3&cursor=3:1:0`);
    expect(second.json.map((monitor) => monitor.slug)).toEqual(ordered.slice(3, 6));
    expect([second.headers.get('x-hits'), second.headers.get('x-failing')]).toEqual(['7', '1']);
    expect(await slugs('state=failing')).toEqual([made[3]]);
    expect(await slugs('state=new&state=ok')).toEqual(ordered.slice(1));
    const byName = await call('GET', `monitors/?query=${prefix}&per_page=3`);
    expect([byName.headers.get('x-hits'), byName.headers.get('x-failing')]).toEqual(['7', null]);
    // The timelines of that page, selected as the list selects it.
    const now = Math.ceil(Date.now() / 1000);
    const stats = await call<{ monitors: Record<string, Record<string, number[][]>> }>(
      'GET',
      `monitors-stats/?query=${prefix}&sort=status&per_page=3&cursor=3:1:0&since=${now - 3600}&until=${now}`,
    );
    expect(stats.status).toBe(200);
    expect(Object.keys(stats.json.monitors).sort()).toEqual(ordered.slice(3, 6).sort());
    expect(Object.keys(stats.json.monitors[made[0]!]!)).toEqual(['production']);
    expect(stats.headers.get('x-hits')).toBe('7');
    expect(pageLinks(stats.link)).toMatchObject({ previous: { results: true }, next: { results: true } });
  });

  it.each([
    ['sort=size', 'sort'],
    ['state=broken', 'state[0]'],
    ['cursor=abc', 'cursor'],
    ['cursor=x:1:0', 'cursor'],
    ['per_page=0', 'per_page'],
    ['per_page=101', 'per_page'],
    ['project=no-such-project', 'project'],
    ['environment=a%2Fb', 'environment[0]'],
    ['environment=a%00b', 'environment[0]'],
    ['query=a%00b', 'query'],
    ['owner=a%00b', 'owner[0]'],
    ['tag=prod%20db', 'tag[0]'],
    ['tag=a%00b', 'tag[0]'],
  ])('refuses ?%s naming %s', async (query, field) => {
    const answer = await call<ApiError>('GET', `monitors/?${query}`);
    expect(answer.status).toBe(query.startsWith('project') ? 404 : 400);
    expect(answer.json.error.field).toBe(field);
  });
});

describe('check-ins', () => {
  const slug = uniqueSlug('history');
  const sent: Array<{ environment: string; status: string }> = [];

  beforeAll(async () => {
    await createMonitor({ name: 'history', slug });
    // A monitor made through the API takes check-ins without a monitor_config at once.
    for (const [environment, status] of [
      ['production', 'ok'],
      ['staging', 'error'],
      ['production', 'error'],
      ['staging', 'ok'],
      ['production', 'ok'],
    ] as const) {
      expect(await checkin(slug, `status=${status}&environment=${environment}`)).toBe(202);
      sent.push({ environment, status });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await vigil.api.waitForRuns(slug, sent.length);
  });

  it('lists the runs newest first, a page at a time, forward and back again, none twice', async () => {
    const all = (await call('GET', `monitors/${slug}/checkins/`)).json as Array<{ environment: string; status: string; dateCreated: string }>;
    expect(all.map(({ environment, status }) => ({ environment, status }))).toEqual([...sent].reverse());
    const forward = await allPages(`monitors/${slug}/checkins/?per_page=2`);
    expect(forward).toEqual(all);

    const first = await call('GET', `monitors/${slug}/checkins/?per_page=2`);
    expect(pageLinks(first.link).previous.results).toBe(false);
    const second = await call('GET', `monitors/${slug}/checkins/?per_page=2&cursor=${pageLinks(first.link).next.cursor}`);
    expect(second.json).toEqual(all.slice(2, 4));
    const back = await call('GET', `monitors/${slug}/checkins/?per_page=2&cursor=${pageLinks(second.link).previous.cursor}`);
    expect(back.json).toEqual(all.slice(0, 2));
    expect(pageLinks(back.link).previous.results).toBe(false);
  });

  it('filters by environment (repeatable) and by time: start/end, statsPeriod', async () => {
    const statuses = async (query: string) =>
      ((await call('GET', `monitors/${slug}/checkins/?${query}`)).json as Array<{ status: string }>).map((run) => run.status);
    expect(await statuses('environment=staging')).toEqual(['ok', 'error']);
    expect(await statuses('environment=staging&environment=production')).toHaveLength(5);
    expect(await statuses('environment=nowhere')).toEqual([]);
    expect(await statuses('statsPeriod=1h')).toHaveLength(5);

    const all = (await call('GET', `monitors/${slug}/checkins/`)).json as Array<{ dateCreated: string }>;
    const middle = all[2]!.dateCreated;
    expect(await statuses(`start=${encodeURIComponent(middle)}&end=${encodeURIComponent(new Date().toISOString())}`)).toHaveLength(3);
    expect(await statuses(`start=2000-01-01T00:00:00Z&end=${encodeURIComponent(middle)}`)).toHaveLength(3);
    expect(await statuses('start=2000-01-01&end=2000-01-02')).toEqual([]);
    expect(await statuses('statsPeriodStart=30d&statsPeriodEnd=1d')).toEqual([]);
  });

  it.each([
    ['statsPeriod=soon', 'statsPeriod'],
    ['statsPeriod=0', 'statsPeriod'],
    ['start=2026-01-01T00:00:00Z', 'end'],
    ['end=2026-01-01T00:00:00Z', 'start'],
    ['start=yesterday&end=today', 'start'],
    ['start=2026-02-01&end=2026-01-01', 'start'],
    ['statsPeriodStart=2d', 'statsPeriodEnd'],
    ['cursor=nope', 'cursor'],
    ['cursor=bm9wZQ:0:0', 'cursor'],
    ['per_page=1000', 'per_page'],
    ['environment=', 'environment[0]'],
  ])('refuses ?%s with a 400 naming %s', async (query, field) => {
    const answer = await call<Partial<ApiError>>('GET', `monitors/${slug}/checkins/?${query}`);
    expect({ status: answer.status, field: answer.json.error?.field }).toEqual({ status: 400, field });
  });
});

describe('access', () => {
  let slug: string;
  let env: string;

  beforeAll(async () => {
    slug = (await createMonitor({ name: 'guarded' })).slug;
    env = 'production';
    expect(await checkin(slug, `status=ok&environment=${env}`)).toBe(202);
  });

  const requests = (): Array<[string, string, unknown?]> => [
    ['GET', 'monitors/'],
    ['POST', 'monitors/', { project: 'default', name: 'intruder', config: HOURLY }],
    ['GET', `monitors/${slug}/`],
    ['PUT', `monitors/${slug}/`, { name: 'intruded' }],
    ['PUT', `monitors/${slug}/`, { isMuted: true }],
    ['DELETE', `monitors/${slug}/`],
    ['PUT', `monitors/${slug}/environments/${env}/`, { isMuted: true }],
    ['GET', `monitors/${slug}/checkins/`],
  ];

  it("another organization's token gets a 404 on every endpoint, never data, and writes nothing", async () => {
    const before = await monitorTables();
    for (const [method, path, body] of requests()) {
      const answer = await call<Partial<ApiError> | null>(method, path, body, other.ownerToken);
      expect({ method, path, status: answer.status, code: answer.json?.error?.code }).toEqual({ method, path, status: 404, code: 'unknown_organization' });
      expect(JSON.stringify(answer.json)).not.toContain(slug);
    }
    expect(await monitorTables()).toBe(before);
    // Its own organization has none of them.
    expect((await call('GET', `monitors/${slug}/`, undefined, other.ownerToken, other.slug)).status).toBe(404);
    expect((await call('GET', 'monitors/', undefined, other.ownerToken, other.slug)).json).toEqual([]);
  });

  it('a read-only token reads everything and changes nothing (403)', async () => {
    const before = await monitorTables();
    for (const [method, path, body] of requests()) {
      const answer = await call<Partial<ApiError> | null>(method, path, body, readToken);
      if (method === 'GET') expect({ method, path, status: answer.status }).toEqual({ method, path, status: 200 });
      else expect({ method, path, status: answer.status, code: answer.json?.error?.code }).toEqual({ method, path, status: 403, code: 'insufficient_scope' });
    }
    expect(await monitorTables()).toBe(before);
  });

  it('no token, or a bad one, is a 401', async () => {
    const response = await fetch(`${vigil.api.url}/api/0/organizations/${vigil.credentials.VIGIL_ORG}/monitors/`);
    expect(response.status).toBe(401);
    expect((await call('GET', 'monitors/', undefined, 'vgl_nope')).status).toBe(401);
  });
});
