// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { REPO_ROOT, ServiceProcess, testEnv, waitFor } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { seed, type Credentials } from './support';

interface ApiCheckin {
  id: string;
  environment: string;
  status: string;
  duration: number | null;
  dateCreated: string;
}

const env = testEnv();
let ingest: ServiceProcess;
let history: ServiceProcess;
let api: ServiceProcess;
let credentials: Credentials;
let db: DataSource;

function publicKey(): string {
  return new URL(credentials.VIGIL_DSN).username;
}

function envelope(items: Array<{ type: string; payload: unknown; withLength?: boolean }>): Buffer {
  const lines = [JSON.stringify({ sent_at: new Date().toISOString() })];
  for (const item of items) {
    const body = typeof item.payload === 'string' ? item.payload : JSON.stringify(item.payload);
    lines.push(JSON.stringify(item.withLength ? { type: item.type, length: Buffer.byteLength(body) } : { type: item.type }), body);
  }
  return Buffer.from(lines.join('\n'));
}

async function postEnvelope(body: Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${ingest.url}/api/${credentials.VIGIL_PROJECT_ID}/envelope/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-sentry-envelope',
      'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${publicKey()}, sentry_client=e2e/1.0`,
      ...headers,
    },
    body,
  });
}

async function checkins(slug: string): Promise<ApiCheckin[]> {
  const response = await fetch(`${api.url}/api/0/organizations/${credentials.VIGIL_ORG}/monitors/${slug}/checkins/`, {
    headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ApiCheckin[];
}

async function pingUuid(slug: string): Promise<string> {
  const rows: Array<{ ping_uuid: string }> = await db.query('SELECT ping_uuid FROM monitors WHERE slug = $1', [slug]);
  const uuid = rows[0]?.ping_uuid;
  if (!uuid) throw new Error(`monitor ${slug} not in Postgres`);
  return uuid;
}

async function monitorCount(): Promise<number> {
  const rows: Array<{ count: string }> = await db.query('SELECT count(*) AS count FROM monitors');
  return Number(rows[0]?.count);
}

beforeAll(async () => {
  credentials = seed(env);
  db = createDataSource(loadConfig({ ...process.env, ...env }), { poolSize: 1 });
  await db.initialize();
  [ingest, history, api] = await Promise.all([ServiceProcess.start('ingest', env), ServiceProcess.start('history', env), ServiceProcess.start('api', env)]);
});

afterAll(async () => {
  await Promise.all([ingest?.stop(), history?.stop(), api?.stop()]);
  await db?.destroy();
});

describe('walking skeleton: check-in to history', () => {
  it('seeding twice keeps the organization, project, DSN and a still-valid token and project API key', () => {
    const again = seed({
      ...env,
      VIGIL_API_TOKEN: credentials.VIGIL_API_TOKEN,
      VIGIL_PROJECT_API_KEY: credentials.VIGIL_PROJECT_API_KEY,
      VIGIL_PROJECT_API_KEY_READONLY: credentials.VIGIL_PROJECT_API_KEY_READONLY,
      VIGIL_ADMIN_PASSWORD: credentials.VIGIL_ADMIN_PASSWORD,
    });
    expect(again).toEqual(credentials);
    expect(credentials.VIGIL_PROJECT_API_KEY).toMatch(/^vgw_[0-9a-f]{28}$/);
    expect(credentials.VIGIL_PROJECT_API_KEY_READONLY).toMatch(/^vgr_[0-9a-f]{28}$/);
    expect(credentials.VIGIL_DSN).toMatch(new RegExp(`^http://[0-9a-f]{32}@127\\.0\\.0\\.1:${env['VIGIL_INGEST_PORT']}/\\d+$`));
  });

  it('an envelope creates the monitor, a ping adds a check-in, and the API returns both newest first', async () => {
    const slug = `backup-${Date.now()}`;
    const checkInId = randomUUID().replace(/-/g, '');
    const response = await postEnvelope(
      envelope([
        { type: 'event', payload: { message: 'ignored' } },
        {
          type: 'check_in',
          withLength: true,
          payload: {
            check_in_id: checkInId,
            monitor_slug: slug,
            status: 'ok',
            duration: 1.5,
            environment: 'production',
            monitor_config: { schedule: { type: 'crontab', value: '0 3 * * *' }, checkin_margin: 5, max_runtime: 30, timezone: 'Europe/Berlin' },
          },
        },
      ]),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});

    const monitor = await fetch(`${api.url}/api/0/organizations/${credentials.VIGIL_ORG}/monitors/${slug}/`, {
      headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}` },
    });
    expect(monitor.status).toBe(200);
    expect(await monitor.json()).toMatchObject({
      slug,
      config: { schedule_type: 'crontab', schedule: '0 3 * * *', checkin_margin: 5, max_runtime: 30, timezone: 'Europe/Berlin' },
    });

    const ping = await fetch(`${ingest.url}/ping/${await pingUuid(slug)}`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('OK');

    const list = await waitFor('two check-ins in history', async () => {
      const found = await checkins(slug);
      return found.length === 2 ? found : undefined;
    });
    expect(list[1]).toMatchObject({ status: 'ok', duration: 1500, environment: 'production' });
    expect(list[1]?.id.replace(/-/g, '')).toBe(checkInId);
    expect(list[0]).toMatchObject({ status: 'ok', duration: null, environment: 'production' });
    expect(Date.parse(list[0]!.dateCreated)).toBeGreaterThanOrEqual(Date.parse(list[1]!.dateCreated));
  });

  it('takes gzip-encoded envelopes with the key in the query string, as @sentry/node sends them', async () => {
    const slug = `gzip-${Date.now()}`;
    const body = gzipSync(
      envelope([
        {
          type: 'check_in',
          payload: { monitor_slug: slug, status: 'in_progress', monitor_config: { schedule: { type: 'interval', value: 2, unit: 'hour' } } },
        },
      ]),
    );
    const response = await fetch(`${ingest.url}/api/${credentials.VIGIL_PROJECT_ID}/envelope/?sentry_key=${publicKey()}&sentry_version=7`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope', 'content-encoding': 'gzip' },
      body,
    });
    expect(response.status).toBe(200);
    const list = await waitFor('the in-progress check-in', async () => ((await checkins(slug)).length === 1 ? checkins(slug) : undefined));
    expect(list[0]).toMatchObject({ status: 'in_progress' });
  });

  it('takes an envelope whatever content type the client claims (curl sends a form type)', async () => {
    const slug = `curl-${Date.now()}`;
    const body = envelope([
      { type: 'check_in', payload: { monitor_slug: slug, status: 'ok', monitor_config: { schedule: { type: 'crontab', value: '@daily' } } } },
    ]);
    for (const contentType of ['application/x-www-form-urlencoded', 'application/json', 'text/plain;charset=UTF-8']) {
      expect((await postEnvelope(body, { 'content-type': contentType })).status).toBe(200);
    }
    await waitFor('three check-ins', async () => ((await checkins(slug)).length === 3 ? true : undefined));
  });

  it('a failing ping and exit codes map to error and ok', async () => {
    const slug = `codes-${Date.now()}`;
    expect(
      (
        await postEnvelope(
          envelope([{ type: 'check_in', payload: { monitor_slug: slug, status: 'ok', monitor_config: { schedule: { type: 'crontab', value: '@hourly' } } } }]),
        )
      ).status,
    ).toBe(200);
    const uuid = await pingUuid(slug);
    expect((await fetch(`${ingest.url}/ping/${uuid}/fail`, { method: 'POST', body: 'disk full' })).status).toBe(200);
    expect((await fetch(`${ingest.url}/ping/${uuid}/0`)).status).toBe(200);
    expect((await fetch(`${ingest.url}/ping/${uuid}/256`)).status).toBe(400);
    const statuses = await waitFor('three check-ins', async () => {
      const found = await checkins(slug);
      return found.length === 3 ? found.map((c) => c.status).sort() : undefined;
    });
    expect(statuses).toEqual(['error', 'ok', 'ok']);
  });
});

describe('bad input', () => {
  it('an unknown ping UUID is 404 and writes nothing', async () => {
    const before = await monitorCount();
    const response = await fetch(`${ingest.url}/ping/${randomUUID()}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('not found');
    expect(await monitorCount()).toBe(before);
  });

  it('an unknown DSN key is refused with a JSON body naming the key', async () => {
    const response = await postEnvelope(envelope([{ type: 'check_in', payload: { monitor_slug: 'x', status: 'ok' } }]), {
      'x-sentry-auth': 'Sentry sentry_key=00000000000000000000000000000000',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'unknown_key', field: 'sentry_key', message: expect.stringMatching(/not valid/) } });
  });

  it('a malformed envelope is a 400 naming the problem', async () => {
    const response = await postEnvelope(Buffer.from('{"sent_at":\n{"type":"check_in"}\n{}'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_envelope', message: 'envelope header is not valid JSON' } });
  });

  it('an invalid check-in in an envelope writes nothing, not even the valid check-in beside it', async () => {
    const before = await monitorCount();
    const good = { monitor_slug: `half-${Date.now()}`, status: 'ok', monitor_config: { schedule: { type: 'crontab', value: '* * * * *' } } };
    const bad = { monitor_slug: `bad-${Date.now()}`, status: 'ok', monitor_config: { schedule: { type: 'crontab', value: '61 * * * *' } } };
    const response = await postEnvelope(
      envelope([
        { type: 'check_in', payload: good },
        { type: 'check_in', payload: bad },
      ]),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_monitor_config', field: 'monitor_config.schedule' } });
    expect(await monitorCount()).toBe(before);
  });

  it('an unknown status names the field and the allowed values', async () => {
    const response = await postEnvelope(envelope([{ type: 'check_in', payload: { monitor_slug: 'x', status: 'done' } }]));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_checkin', field: 'status', message: 'status must be one of in_progress, ok, error' },
    });
  });

  it('the API refuses a missing token and hides other organizations', async () => {
    const url = `${api.url}/api/0/organizations/${credentials.VIGIL_ORG}/monitors/`;
    expect((await fetch(url)).status).toBe(401);
    const other = await fetch(`${api.url}/api/0/organizations/someone-else/monitors/`, { headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}` } });
    expect(other.status).toBe(404);
  });
});

describe('durability', () => {
  it('a check-in answered 200 survives ingest being killed right after, and history being down', async () => {
    const slug = `durable-${Date.now()}`;
    expect(
      (
        await postEnvelope(
          envelope([
            {
              type: 'check_in',
              payload: { monitor_slug: slug, status: 'in_progress', monitor_config: { schedule: { type: 'crontab', value: '*/5 * * * *' } } },
            },
          ]),
        )
      ).status,
    ).toBe(200);
    const uuid = await pingUuid(slug);
    await history.kill();
    for (let i = 0; i < 3; i += 1) expect((await fetch(`${ingest.url}/ping/${uuid}`)).status).toBe(200);
    await ingest.kill();
    [ingest, history] = await Promise.all([ServiceProcess.start('ingest', env), ServiceProcess.start('history', env)]);
    // The first ping (no rid) closes the run the envelope started; the other two are runs of their own.
    const list = await waitFor(
      'all four acknowledged check-ins, as three runs',
      async () => {
        const found = await checkins(slug);
        return found.length === 3 && found.every((c) => c.status === 'ok') ? found : undefined;
      },
      { timeoutMs: 60000 },
    );
    expect(list.filter((c) => c.duration !== null && c.duration > 0)).toHaveLength(1);
  });

  it('SIGTERM stops a service gracefully (exit code 0)', async () => {
    expect(await ingest.stop()).toBe(0);
    ingest = await ServiceProcess.start('ingest', env);
  });

  it('a bad configuration variable stops a service with a message naming it', () => {
    let stderr = '';
    let status: number | null = null;
    try {
      execFileSync(process.execPath, [join(REPO_ROOT, 'services/ingest/dist/main.js')], {
        env: { ...process.env, ...env, VIGIL_INGEST_PORT: 'eighty' },
        stdio: 'pipe',
      });
    } catch (error) {
      const failed = error as { status: number | null; stderr: Buffer };
      status = failed.status;
      stderr = failed.stderr.toString();
    }
    expect(status).toBe(78);
    expect(stderr).toContain('VIGIL_INGEST_PORT: must be a number (got "eighty")');
  });
});
