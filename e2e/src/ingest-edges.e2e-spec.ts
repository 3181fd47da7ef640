import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { ClickHouse, sql } from '@vigil/clickhouse';
import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { ServiceProcess, testEnv, waitFor } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { seed, uniqueSlug, VigilApi, type Credentials } from './support';

/**
 * Ingest's edges on the real stack: rate limits, processing errors, ping bodies and their limit, client
 * addresses behind a trusted proxy, and the in-memory catalog (known keys keep working while Postgres is
 * unreachable; a revoked key stops at once).
 */

/** A TCP relay to Postgres that the test can cut, so one ingest loses Postgres while the rest keeps it. */
class CuttableRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()));
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const base = testEnv();
const ingestPort = Number(base['VIGIL_INGEST_PORT']);
const postgres = new URL(base['VIGIL_POSTGRES_URL']!);
const relay = new CuttableRelay(ingestPort + 60, { host: postgres.hostname, port: Number(postgres.port || 5432) });
const relayedUrl = new URL(postgres.toString());
relayedUrl.port = String(relay.port);

// The ingest under test: small limits so the test can reach them, loopback trusted as a proxy, and Postgres
// only through the relay.
const env = testEnv({
  VIGIL_CHECKIN_RATE_PER_MINUTE: '60',
  VIGIL_CHECKIN_RATE_BURST: '3',
  VIGIL_PING_BODY_LIMIT: '16',
  VIGIL_TRUSTED_PROXIES: '127.0.0.1/32,::1',
  VIGIL_POSTGRES_URL: relayedUrl.toString(),
});

let ingest: ServiceProcess;
let plainIngest: ServiceProcess;
let history: ServiceProcess;
let apiService: ServiceProcess;
let api: VigilApi;
let credentials: Credentials;
let db: DataSource;
let clickhouse: ClickHouse;

function publicKey(): string {
  return new URL(credentials.VIGIL_DSN).username;
}

function envelope(items: unknown[]): string {
  return [JSON.stringify({ sent_at: new Date().toISOString() }), ...items.flatMap((item) => [JSON.stringify({ type: 'check_in' }), typeof item === 'string' ? item : JSON.stringify(item)])].join('\n');
}

async function postEnvelope(items: unknown[], key = publicKey(), url = ingest.url): Promise<Response> {
  return fetch(`${url}/api/${credentials.VIGIL_PROJECT_ID}/envelope/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${key}, sentry_client=vigil-e2e/1.0` },
    body: envelope(items),
  });
}

async function createMonitor(slug: string): Promise<string> {
  const response = await postEnvelope([{ monitor_slug: slug, status: 'ok', environment: 'setup', monitor_config: { schedule: { type: 'interval', value: 1, unit: 'hour' } } }]);
  expect(response.status).toBe(200);
  const rows: Array<{ ping_uuid: string }> = await db.query('SELECT ping_uuid FROM monitors WHERE slug = $1', [slug]);
  return rows[0]!.ping_uuid;
}

interface ProcessingErrorEntry {
  monitorSlug: string | null;
  errors: Array<{ code: string; field: string | null; message: string }>;
  payload: string | null;
}

async function processingErrors(slug: string): Promise<ProcessingErrorEntry[]> {
  const response = await fetch(`${api.url}/api/0/projects/${credentials.VIGIL_ORG}/${credentials.VIGIL_PROJECT}/monitors/${slug}/processing-errors/`, {
    headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ProcessingErrorEntry[];
}

async function storedSignals(monitorSlug: string): Promise<Array<{ status: string; body: string; remote_addr: string; exit_status: number | null; checkin_id: string }>> {
  return clickhouse.query(sql`
    SELECT toString(status) AS status, body, remote_addr, exit_status, checkin_id
      FROM checkins WHERE monitor_slug = ${monitorSlug} ORDER BY received_at_ms`);
}

beforeAll(async () => {
  credentials = seed(base);
  const config = loadConfig({ ...process.env, ...base });
  db = createDataSource(config, { poolSize: 1 });
  await db.initialize();
  clickhouse = ClickHouse.connect(config);
  await relay.open();
  const plainEnv = testEnv({ VIGIL_INGEST_PORT: String(ingestPort + 50) });
  [ingest, plainIngest, history, apiService] = await Promise.all([
    ServiceProcess.start('ingest', env),
    ServiceProcess.start('ingest', plainEnv),
    ServiceProcess.start('history', base),
    ServiceProcess.start('api', base),
  ]);
  api = new VigilApi(apiService.url, credentials.VIGIL_ORG, credentials.VIGIL_API_TOKEN);
});

afterAll(async () => {
  await Promise.all([ingest, plainIngest, history, apiService].filter(Boolean).map((service) => service.stop()));
  await relay.cut();
  await db?.destroy();
  await clickhouse?.close();
});

describe('rate limits, per monitor-environment', () => {
  it('answers 429 with Retry-After past the burst, and leaves other environments alone', async () => {
    const slug = uniqueSlug('limited');
    const uuid = await createMonitor(slug);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${ingest.url}/ping/${uuid}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await fetch(`${ingest.url}/ping/${uuid}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.text()).toBe('rate limited');

    const cron = `${ingest.url}/api/${credentials.VIGIL_PROJECT_ID}/cron/${slug}/${publicKey()}/`;
    expect((await fetch(`${cron}?status=ok&environment=staging`)).status).toBe(202);
  });

  it('the DSN cron endpoint answers 202 past the limit, as Relay does, and keeps the dropped check-in as a processing error', async () => {
    const slug = uniqueSlug('limited-cron');
    await createMonitor(slug);
    const cron = `${ingest.url}/api/${credentials.VIGIL_PROJECT_ID}/cron/${slug}/${publicKey()}/`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${cron}?status=ok&environment=cron-env`)).status);
    // A 429 here would abort a job that checks in with `curl -f` under `set -e`.
    expect(statuses).toEqual([202, 202, 202, 202]);
    const recorded = await waitFor('the rate-limited cron check-in as a processing error', async () => {
      const found = await processingErrors(slug);
      return found.length > 0 ? found : undefined;
    });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.errors[0]).toMatchObject({ code: 'rate_limited', field: 'monitor_slug' });
    expect(JSON.parse(recorded[0]!.payload!)).toMatchObject({ monitor_slug: slug, status: 'ok', environment: 'cron-env' });
    const stored = await waitFor('the three accepted check-ins in history', async () => {
      const rows = (await storedSignals(slug)).filter((row) => row.status === 'ok');
      return rows.length >= 4 ? rows : undefined;
    });
    // The setup check-in and the three within the burst; the fourth is not a check-in.
    expect(stored).toHaveLength(4);
  });

  it('an envelope whose check-ins are all over the limit is a 429, and the dropped check-in is a processing error', async () => {
    const slug = uniqueSlug('limited-envelope');
    await createMonitor(slug);
    const item = { monitor_slug: slug, status: 'ok', environment: 'batch' };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postEnvelope([item])).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const recorded = await waitFor('the rate-limited check-in as a processing error', async () => {
      const found = await processingErrors(slug);
      return found.length > 0 ? found : undefined;
    });
    expect(recorded[0]!.errors[0]).toMatchObject({ code: 'rate_limited', field: 'monitor_slug' });
    expect(JSON.parse(recorded[0]!.payload!)).toMatchObject(item);
  });
});

describe('processing errors', () => {
  it('an invalid check-in in an envelope is a 400 naming the field, and the API shows it for the monitor', async () => {
    const slug = uniqueSlug('bad-config');
    const response = await postEnvelope([{ monitor_slug: slug, status: 'ok', monitor_config: { schedule: { type: 'crontab', value: '61 * * * *' } } }]);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe('monitor_config.schedule');
    const recorded = await waitFor('the rejected check-in in the API', async () => {
      const found = await processingErrors(slug);
      return found.length > 0 ? found : undefined;
    });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.errors[0]).toMatchObject({ code: 'invalid_monitor_config', field: 'monitor_config.schedule' });
    expect(recorded[0]!.errors[0]!.message).toContain('61 * * * *');
    expect(await api.monitor(slug)).toBeUndefined();
  });

  it('a check-in for an unknown monitor without monitor_config is recorded as such', async () => {
    const slug = uniqueSlug('never-created');
    expect((await postEnvelope([{ monitor_slug: slug, status: 'ok' }])).status).toBe(404);
    const recorded = await waitFor('the unknown monitor in the API', async () => {
      const found = await processingErrors(slug);
      return found.length > 0 ? found : undefined;
    });
    expect(recorded[0]!.errors[0]).toMatchObject({ code: 'unknown_monitor', field: 'monitor_slug' });
  });
});

describe('ping bodies and client addresses', () => {
  it('stores the body cut to the advertised limit, the exit status, and the address a trusted proxy forwarded', async () => {
    const slug = uniqueSlug('bodies');
    const uuid = await createMonitor(slug);
    const response = await fetch(`${ingest.url}/ping/${uuid}/3`, { method: 'POST', body: 'line one of the job output\nline two', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('ping-body-limit')).toBe('16');
    const rows = await waitFor('the ping in ClickHouse', async () => {
      const found = (await storedSignals(slug)).filter((row) => row.body !== '');
      return found.length > 0 ? found : undefined;
    });
    expect(rows[0]).toMatchObject({ status: 'error', body: 'line one of the ', exit_status: 3, remote_addr: '203.0.113.9' });
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const slug = uniqueSlug('spoofed');
    const uuid = await createMonitor(slug);
    expect((await fetch(`${plainIngest.url}/ping/${uuid}`, { headers: { 'x-forwarded-for': '198.51.100.23' } })).status).toBe(200);
    const rows = await waitFor('the ping in ClickHouse', async () => {
      const found = (await storedSignals(slug)).filter((row) => row.remote_addr !== '' && row.status === 'ok' && row.exit_status === null);
      return found.length > 1 ? found : undefined;
    });
    expect(rows.map((row) => row.remote_addr)).not.toContain('198.51.100.23');
    expect(rows[rows.length - 1]!.remote_addr).toMatch(/127\.0\.0\.1/);
  });

  it('/log records its body without changing the run; the success after it closes the run with a duration', async () => {
    const slug = uniqueSlug('logged');
    const uuid = await createMonitor(slug);
    const rid = randomUUID();
    expect((await fetch(`${ingest.url}/ping/${uuid}/start?rid=${rid}`)).status).toBe(200);
    expect((await fetch(`${ingest.url}/ping/${uuid}/log?rid=${rid}`, { method: 'POST', body: 'halfway' })).status).toBe(200);
    const running = await api.waitForRuns(slug, 1, { environment: 'production', settled: (runs) => runs[0]?.status === 'in_progress' });
    expect(running[0]!.id).toBe(rid);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${ingest.url}/ping/${uuid}?rid=${rid}`)).status).toBe(200);
    const [run] = await api.waitForRuns(slug, 1, { environment: 'production' });
    expect(run).toMatchObject({ id: rid, status: 'ok' });
    expect(run!.duration).toBeGreaterThanOrEqual(50);
  });
});

describe('Healthchecks URLs: answers a client can act on', () => {
  it('rejects upper-case slugs and exit codes above 255 with 400, unknown keys and slugs with 404', async () => {
    const base = `${ingest.url}/ping/${credentials.VIGIL_PING_KEY}`;
    expect([(await fetch(`${base}/Nightly`)).status, (await fetch(`${base}/nightly/256`)).status]).toEqual([400, 400]);
    expect((await fetch(`${base}/no-such-slug`)).status).toBe(404);
    const unknownKey = await fetch(`${ingest.url}/ping/not-a-real-key/nightly?create=1`);
    expect(unknownKey.status).toBe(404);
    expect(await unknownKey.text()).toBe('not found');
  });

  it('a bad rid or a bad duration names what is wrong', async () => {
    const slug = uniqueSlug('named-errors');
    const uuid = await createMonitor(slug);
    const badRid = await fetch(`${ingest.url}/ping/${uuid}?rid=not-a-uuid`);
    expect([badRid.status, await badRid.text()]).toEqual([400, 'invalid uuid format']);
    const badDuration = await fetch(`${ingest.url}/api/${credentials.VIGIL_PROJECT_ID}/cron/${slug}/${publicKey()}?status=ok&duration=soon`);
    expect(badDuration.status).toBe(400);
    expect(((await badDuration.json()) as { error: { field: string; message: string } }).error).toEqual({ code: 'invalid_checkin', field: 'duration', message: 'duration must be a number of seconds' });
  });
});

describe('the in-memory catalog', () => {
  it('an SDK repeating an unchanged monitor_config writes nothing to Postgres; a changed one is applied', async () => {
    const slug = uniqueSlug('repeated-config');
    const config = { schedule: { type: 'crontab', value: '0 3 * * *' }, checkin_margin: 10, timezone: 'Europe/Berlin' };
    expect((await postEnvelope([{ monitor_slug: slug, status: 'in_progress', monitor_config: config }])).status).toBe(200);
    const updatedAt = async () => ((await db.query('SELECT updated_at FROM monitors WHERE slug = $1', [slug])) as Array<{ updated_at: Date }>)[0]!.updated_at.getTime();
    const first = await updatedAt();
    expect((await postEnvelope([{ monitor_slug: slug, status: 'ok', environment: 'again', monitor_config: config }])).status).toBe(200);
    expect(await updatedAt()).toBe(first);
    expect((await postEnvelope([{ monitor_slug: slug, status: 'ok', environment: 'changed', monitor_config: { ...config, checkin_margin: 20 } }])).status).toBe(200);
    expect(await updatedAt()).toBeGreaterThan(first);
    expect((await api.monitor(slug))?.config.checkin_margin).toBe(20);
  });

  it('keeps known keys and monitors working while Postgres is unreachable, and refuses what it cannot check with 503', async () => {
    const slug = uniqueSlug('pg-down');
    const uuid = await createMonitor(slug);
    await relay.cut();
    try {
      expect((await fetch(`${ingest.url}/ping/${uuid}/start`)).status).toBe(200);
      expect((await postEnvelope([{ monitor_slug: slug, status: 'ok' }])).status).toBe(200);
      expect((await fetch(`${ingest.url}/api/${credentials.VIGIL_PROJECT_ID}/cron/${slug}/${publicKey()}/?status=ok&environment=cron`)).status).toBe(202);
      const unknown = await postEnvelope([{ monitor_slug: slug, status: 'ok' }], 'f'.repeat(32));
      expect(unknown.status).toBe(503);
      const ready = (await (await fetch(`${ingest.url}/readyz`)).json()) as { checks: Record<string, boolean> };
      expect(ready.checks['postgres']).toBe(false);
      expect((await fetch(`${ingest.url}/readyz`)).status).toBe(200);
    } finally {
      await relay.open();
    }
    const runs = await api.waitForRuns(slug, 3);
    expect(runs.filter((run) => run.environment === 'production')).toHaveLength(1);
    expect(runs.find((run) => run.environment === 'production')!.duration).not.toBeNull();
  });

  it('a revoked key stops working as soon as the revocation commits', async () => {
    const slug = uniqueSlug('revoked');
    await createMonitor(slug);
    const key = randomUUID().replace(/-/g, '');
    await db.query('INSERT INTO project_keys (project_id, public_key, label) VALUES ($1, $2, $3)', [Number(credentials.VIGIL_PROJECT_ID), key, 'e2e']);
    await waitFor('the new key to be accepted', async () => ((await postEnvelope([{ monitor_slug: slug, status: 'ok' }], key)).status === 200 ? true : undefined), { timeoutMs: 15000 });
    await db.query('UPDATE project_keys SET revoked_at = now() WHERE public_key = $1', [key]);
    const refused = await waitFor('the revoked key to be refused', async () => {
      const response = await postEnvelope([{ monitor_slug: slug, status: 'ok' }], key);
      return response.status === 403 ? response : undefined;
    }, { timeoutMs: 2000, intervalMs: 20 });
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unknown_key');
  });
});
