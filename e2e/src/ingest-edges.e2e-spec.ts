import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouse, sql } from '@vigil/clickhouse';
import { loadConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { resetTestTopics, ServiceProcess, testEnv, waitFor } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { seed, uniqueSlug, VigilApi, type Credentials } from './support';

/**
 * Ingest's edges on the real stack: rate limits, processing errors, ping bodies and their limit, client
 * addresses behind a trusted proxy, and the in-memory catalog (known keys keep working while Postgres is
 * unreachable; a revoked key stops at once).
 */

/**
 * A TCP relay to Postgres that the test can cut, so one ingest loses Postgres while the rest keeps it. It also
 * counts the statements the client sends (Postgres protocol Query and Parse messages), so a test can tell how
 * many queries a request cost.
 */
class CuttableRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Query ('Q') and Parse ('P') messages sent through the relay so far. */
  statements = 0;

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
      client.on('data', this.counter());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()));
    this.server = server;
  }

  /** Reads the client's side of one connection as Postgres protocol frames; the first (startup) has no type byte. */
  private counter(): (chunk: Buffer) => void {
    let pending = Buffer.alloc(0);
    let started = false;
    return (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const headerLength = started ? 5 : 4;
        if (pending.length < headerLength) return;
        const length = started ? pending.readInt32BE(1) + 1 : pending.readInt32BE(0);
        if (pending.length < length) return;
        if (started && (pending[0] === 0x51 || pending[0] === 0x50)) this.statements += 1;
        started = true;
        pending = pending.subarray(length);
      }
    };
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

// The hardened ingest: small caps so a test can reach them, a short bound on receiving a request, a snapshot file
// written every second, and Postgres only through its own relay (to count its queries, and to take Postgres away).
const hardenedRelay = new CuttableRelay(ingestPort + 61, { host: postgres.hostname, port: Number(postgres.port || 5432) });
const hardenedPostgresUrl = new URL(postgres.toString());
hardenedPostgresUrl.port = String(hardenedRelay.port);
const snapshotDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-snapshot-'));
const snapshotFile = join(snapshotDir, 'ingest.catalog');
const hardenedEnv = testEnv({
  VIGIL_INGEST_PORT: String(ingestPort + 70),
  VIGIL_INGEST_METRICS_PORT: String(ingestPort + 76),
  VIGIL_POSTGRES_URL: hardenedPostgresUrl.toString(),
  VIGIL_INGEST_MAX_CHECKINS_PER_ENVELOPE: '300',
  VIGIL_INGEST_MONITOR_CREATIONS_PER_MINUTE: '4',
  VIGIL_HTTP_REQUEST_TIMEOUT_MS: '1500',
  VIGIL_INGEST_SNAPSHOT_PATH: snapshotFile,
  VIGIL_INGEST_SNAPSHOT_INTERVAL_MS: '1000',
});

let ingest: ServiceProcess;
let hardened: ServiceProcess;
let plainIngest: ServiceProcess;
let history: ServiceProcess;
let apiService: ServiceProcess;
let scheduler: ServiceProcess;
let api: VigilApi;
let credentials: Credentials;
let db: DataSource;
let clickhouse: ClickHouse;

function publicKey(): string {
  return new URL(credentials.VIGIL_DSN).username;
}

function envelope(items: unknown[]): string {
  return [
    JSON.stringify({ sent_at: new Date().toISOString() }),
    ...items.flatMap((item) => [JSON.stringify({ type: 'check_in' }), typeof item === 'string' ? item : JSON.stringify(item)]),
  ].join('\n');
}

async function postEnvelope(items: unknown[], key = publicKey(), url = ingest.url): Promise<Response> {
  return postRawEnvelope(envelope(items), key, url);
}

async function postRawEnvelope(body: string, key = publicKey(), url = ingest.url): Promise<Response> {
  return fetch(`${url}/api/${credentials.VIGIL_PROJECT_ID}/envelope/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${key}, sentry_client=vigil-e2e/1.0` },
    body,
  });
}

/** How many signals of the monitor ClickHouse holds, once it holds any. */
async function storedOnce(slug: string): Promise<number> {
  return (
    await waitFor('the signals in ClickHouse', async () => {
      const rows = await storedSignals(slug);
      return rows.length > 0 ? rows : undefined;
    })
  ).length;
}

async function errorOf(response: Response): Promise<{ code: string; field?: string; message: string }> {
  return ((await response.json()) as { error: { code: string; field?: string; message: string } }).error;
}

async function projectProcessingErrors(): Promise<ProcessingErrorEntry[]> {
  const response = await fetch(`${api.url}/api/0/projects/${credentials.VIGIL_ORG}/${credentials.VIGIL_PROJECT}/processing-errors/`, {
    headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ProcessingErrorEntry[];
}

/**
 * Sends a request whose body never arrives in full (one byte every 250 ms) and returns what the server said
 * and how long it took to close the connection, or null after `giveUpMs` without either.
 */
async function trickle(url: string, path: string, giveUpMs = 8000): Promise<{ answer: string; closedAfterMs: number } | null> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const started = Date.now();
  let answer = '';
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString();
  });
  socket.on('error', () => undefined);
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
  const drip = setInterval(() => socket.write('a'), 250);
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), giveUpMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  clearInterval(drip);
  socket.destroy();
  return closed ? { answer, closedAfterMs: Date.now() - started } : null;
}

async function createMonitor(slug: string): Promise<string> {
  const response = await postEnvelope([
    { monitor_slug: slug, status: 'ok', environment: 'setup', monitor_config: { schedule: { type: 'interval', value: 1, unit: 'hour' } } },
  ]);
  expect(response.status).toBe(200);
  const rows: Array<{ ping_uuid: string }> = await db.query('SELECT ping_uuid FROM monitors WHERE slug = $1', [slug]);
  return rows[0]!.ping_uuid;
}

interface ProcessingErrorEntry {
  monitorSlug: string | null;
  environment?: string | null;
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

async function storedSignals(
  monitorSlug: string,
): Promise<Array<{ status: string; body: string; remote_addr: string; exit_status: number | null; checkin_id: string }>> {
  return clickhouse.query(sql`
    SELECT toString(status) AS status, body, remote_addr, exit_status, checkin_id
      FROM checkins WHERE monitor_slug = ${monitorSlug} ORDER BY received_at_ms`);
}

beforeAll(async () => {
  credentials = seed(base);
  const config = loadConfig({ ...process.env, ...base });
  // The scheduler below restores its partitions' event time from the changelog: empty the topics, or a spec that
  // drove it with a clock days ahead would make the monitors here miss those days.
  await resetTestTopics(config);
  db = createDataSource(config, { poolSize: 1 });
  await db.initialize();
  clickhouse = ClickHouse.connect(config);
  await relay.open();
  await hardenedRelay.open();
  // Each ingest has its metrics listener too: a port of its own beside its own.
  const plainEnv = testEnv({ VIGIL_INGEST_PORT: String(ingestPort + 50), VIGIL_INGEST_METRICS_PORT: String(ingestPort + 56) });
  // When one fails to start, the others are stopped: left running, they would hold their ports for the next run.
  const started = await Promise.allSettled([
    ServiceProcess.start('ingest', env),
    ServiceProcess.start('ingest', plainEnv),
    ServiceProcess.start('history', base),
    ServiceProcess.start('api', { ...base, VIGIL_HTTP_REQUEST_TIMEOUT_MS: '1500' }),
    // It confirms or refuses check-ins for slugs ingest did not know (decision 0021); a short wait keeps the
    // unknown-monitor tests quick.
    ServiceProcess.start('scheduler', { ...base, VIGIL_SCHEDULER_UNCONFIRMED_WAIT_MS: '2000' }),
  ]);
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(
      started.filter((result): result is PromiseFulfilledResult<ServiceProcess> => result.status === 'fulfilled').map((result) => result.value.stop()),
    );
    throw failed.reason;
  }
  [ingest, plainIngest, history, apiService, scheduler] = started.map((result) => (result as PromiseFulfilledResult<ServiceProcess>).value) as [
    ServiceProcess,
    ServiceProcess,
    ServiceProcess,
    ServiceProcess,
    ServiceProcess,
  ];
  hardened = await ServiceProcess.start('ingest', hardenedEnv);
  api = new VigilApi(apiService.url, credentials.VIGIL_ORG, credentials.VIGIL_API_TOKEN);
});

afterAll(async () => {
  await Promise.all([ingest, plainIngest, hardened, history, apiService, scheduler].filter(Boolean).map((service) => service.stop()));
  await relay.cut();
  await hardenedRelay.cut();
  rmSync(snapshotDir, { recursive: true, force: true });
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

  it('a check-in for an unknown monitor without monitor_config is accepted as Relay does, then recorded as unknown_monitor, and stored nowhere', async () => {
    const slug = uniqueSlug('never-created');
    // The monitor could be being created by a check-in on another connection: the scheduler decides (decision 0021).
    expect((await postEnvelope([{ monitor_slug: slug, status: 'ok' }])).status).toBe(200);
    const recorded = await waitFor('the unknown monitor in the API', async () => {
      const found = await processingErrors(slug);
      return found.length > 0 ? found : undefined;
    });
    expect(recorded[0]!.errors[0]).toMatchObject({ code: 'unknown_monitor', field: 'monitor_slug' });
    expect(JSON.parse(recorded[0]!.payload ?? 'null')).toMatchObject({ monitor_slug: slug, status: 'ok' });
    expect(await api.monitor(slug)).toBeUndefined();
    expect(await storedSignals(slug)).toEqual([]);
  });
});

describe('ping bodies and client addresses', () => {
  it('stores the body cut to the advertised limit, the exit status, and the address a trusted proxy forwarded', async () => {
    const slug = uniqueSlug('bodies');
    const uuid = await createMonitor(slug);
    const response = await fetch(`${ingest.url}/ping/${uuid}/3`, {
      method: 'POST',
      body: 'line one of the job output\nline two',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
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
    expect(((await badDuration.json()) as { error: { field: string; message: string } }).error).toEqual({
      code: 'invalid_checkin',
      field: 'duration',
      message: 'duration must be a number of seconds',
    });
  });
});

describe('the in-memory catalog', () => {
  it('an SDK repeating an unchanged monitor_config writes nothing to Postgres; a changed one is applied', async () => {
    const slug = uniqueSlug('repeated-config');
    const config = { schedule: { type: 'crontab', value: '0 3 * * *' }, checkin_margin: 10, timezone: 'Europe/Berlin' };
    expect((await postEnvelope([{ monitor_slug: slug, status: 'in_progress', monitor_config: config }])).status).toBe(200);
    const updatedAt = async () =>
      (await db.query<Array<{ updated_at: Date }>>('SELECT updated_at FROM monitors WHERE slug = $1', [slug]))[0]!.updated_at.getTime();
    const first = await updatedAt();
    expect((await postEnvelope([{ monitor_slug: slug, status: 'ok', environment: 'again', monitor_config: config }])).status).toBe(200);
    expect(await updatedAt()).toBe(first);
    expect((await postEnvelope([{ monitor_slug: slug, status: 'ok', environment: 'changed', monitor_config: { ...config, checkin_margin: 20 } }])).status).toBe(
      200,
    );
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
    await waitFor(
      'the new key to be accepted',
      async () => ((await postEnvelope([{ monitor_slug: slug, status: 'ok' }], key)).status === 200 ? true : undefined),
      { timeoutMs: 15000 },
    );
    await db.query('UPDATE project_keys SET revoked_at = now() WHERE public_key = $1', [key]);
    const refused = await waitFor(
      'the revoked key to be refused',
      async () => {
        const response = await postEnvelope([{ monitor_slug: slug, status: 'ok' }], key);
        return response.status === 403 ? response : undefined;
      },
      { timeoutMs: 2000, intervalMs: 20 },
    );
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unknown_key');
  });
});

describe('text no store can hold (issue #19)', () => {
  it('an environment with a NUL or a lone surrogate is refused at the edge naming the field, on every way in', async () => {
    const slug = uniqueSlug('unstorable');
    await createMonitor(slug);
    const cron = `${ingest.url}/api/${credentials.VIGIL_PROJECT_ID}/cron/${slug}/${publicKey()}/`;
    const answers = [
      await postEnvelope([`{"monitor_slug":"${slug}","status":"ok","environment":"prod\\u0000"}`]),
      await postEnvelope([`{"monitor_slug":"${slug}","status":"ok","environment":"prod\\ud800"}`]),
      await fetch(`${cron}?status=ok&environment=prod%00`),
      await fetch(cron, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"ok","environment":"prod\\udc00"}' }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(await errorOf(answer)).toMatchObject({ code: 'invalid_text', field: 'environment' });
    }
    const owner = await postEnvelope([
      { monitor_slug: slug, status: 'ok', monitor_config: { schedule: { type: 'interval', value: 1, unit: 'hour' }, owner: 'team:\u0000ops' } },
    ]);
    // The monitor exists: as in Sentry, its check-in is kept under the current config, and the config is a processing error.
    expect(owner.status).toBe(200);

    // SDKs never read answers: the envelope refusals are processing errors.
    const recorded = await waitFor('the refused check-ins and the refused config as processing errors', async () => {
      const found = (await processingErrors(slug)).filter((entry) => ['invalid_text', 'invalid_monitor_config'].includes(entry.errors[0]?.code ?? ''));
      return found.length >= 3 ? found : undefined;
    });
    expect(recorded.map((entry) => `${entry.errors[0]!.code} ${entry.errors[0]!.field}`).sort()).toEqual([
      'invalid_monitor_config monitor_config.owner',
      'invalid_text environment',
      'invalid_text environment',
    ]);
    expect(recorded.find((entry) => entry.errors[0]!.code === 'invalid_monitor_config')!.errors[0]!.message).toMatch(/NUL/);
    // Of the refused check-ins nothing was stored: the signals are createMonitor's and the kept one's.
    await waitFor('the kept check-in', async () => ((await storedSignals(slug)).length === 2 ? true : undefined));
    expect((await storedSignals(slug)).map((row) => row.status)).toEqual(['ok', 'ok']);
  });

  it('a slug that is not text is recorded cleaned, so the record itself can be stored', async () => {
    const prefix = uniqueSlug('lone');
    const answer = await postEnvelope([`{"monitor_slug":"${prefix}\\ud800","status":"ok"}`]);
    expect([answer.status, (await errorOf(answer)).field]).toEqual([400, 'monitor_slug']);
    const recorded = await waitFor('the refused slug in the project processing errors', async () =>
      (await projectProcessingErrors()).find((entry) => entry.monitorSlug?.startsWith(prefix)),
    );
    expect(recorded.monitorSlug).toBe(`${prefix}\ufffd`);
  });
});

describe('amplification at ingest (issue #19)', () => {
  it('refuses an envelope of more check-ins than VIGIL_INGEST_MAX_CHECKINS_PER_ENVELOPE whole, naming the field, as one processing error', async () => {
    const slug = uniqueSlug('crowded');
    await createMonitor(slug);
    const items = Array.from({ length: 301 }, (_item, index) => ({ monitor_slug: slug, status: 'ok', environment: `env-${index}` }));
    const answer = await postEnvelope(items, publicKey(), hardened.url);
    expect(answer.status).toBe(400);
    expect(await errorOf(answer)).toMatchObject({ code: 'too_many_checkins', field: 'check_in' });
    expect(await storedOnce(slug)).toBe(1);
    const recorded = await waitFor('the refusal as a processing error', async () =>
      (await projectProcessingErrors()).find((entry) => entry.errors[0]?.code === 'too_many_checkins' && entry.payload?.includes(slug)),
    );
    expect(recorded.errors[0]!.message).toContain('301');
  });

  it('creates at most VIGIL_INGEST_MONITOR_CREATIONS_PER_MINUTE monitors a minute per project; the rest are refused as processing errors', async () => {
    const prefix = uniqueSlug('burst');
    const config = { schedule: { type: 'interval', value: 1, unit: 'hour' } };
    const items = Array.from({ length: 10 }, (_item, index) => ({ monitor_slug: `${prefix}-${index}`, status: 'ok', monitor_config: config }));
    const answer = await postEnvelope(items, publicKey(), hardened.url);
    expect(answer.status).toBe(200);
    const created: Array<{ slug: string }> = await db.query('SELECT slug FROM monitors WHERE slug LIKE $1', [`${prefix}-%`]);
    expect(created.length).toBe(4);
    const refused = await waitFor('the six refused creations as processing errors', async () => {
      const found = (await projectProcessingErrors()).filter((entry) => entry.monitorSlug?.startsWith(prefix));
      return found.length >= 6 ? found : undefined;
    });
    expect(refused.every((entry) => entry.errors[0]?.code === 'monitor_creation_rate_limited' && entry.errors[0]?.field === 'monitor_slug')).toBe(true);
    // A check-in of a monitor that exists is not a creation: it is still accepted.
    expect((await postEnvelope([{ ...items[0], environment: 'again' }], publicKey(), hardened.url)).status).toBe(200);
    const cron = await fetch(`${hardened.url}/api/${credentials.VIGIL_PROJECT_ID}/cron/${prefix}-new/${publicKey()}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ok', monitor_config: config }),
    });
    // The DSN cron endpoint answers 202 whatever happens to the check-in, as Relay does (a job's `curl -f` must
    // not fail): the refused creation is a processing error there too, and no monitor is made.
    expect(cron.status).toBe(202);
    const cronRefusal = await waitFor("the cron endpoint's refused creation as a processing error", async () =>
      (await projectProcessingErrors()).find((entry) => entry.monitorSlug === `${prefix}-new`),
    );
    expect(cronRefusal.errors[0]).toMatchObject({ code: 'monitor_creation_rate_limited', field: 'monitor_slug' });
    expect(await db.query<unknown[]>('SELECT slug FROM monitors WHERE slug = $1', [`${prefix}-new`])).toEqual([]);
  });

  // Last of these: its 250 refusals use up the processing-error budget of the hardened ingest for a while.
  it('answers many unknown slugs with a handful of queries, not one each', async () => {
    const prefix = uniqueSlug('ghost');
    const items = Array.from({ length: 250 }, (_item, index) => ({ monitor_slug: `${prefix}-${index}`, status: 'ok' }));
    const before = hardenedRelay.statements;
    const answer = await postEnvelope(items, publicKey(), hardened.url);
    // Accepted as Relay does; the scheduler refuses them later as unknown_monitor (decision 0021).
    expect(answer.status).toBe(200);
    expect(hardenedRelay.statements - before).toBeLessThanOrEqual(3);
  });
});

describe('answers that name the field (issue #19)', () => {
  it('a body over the limit is a 413 naming the body, at ingest and at the API', async () => {
    const large = 'x'.repeat(2 * 1024 * 1024);
    const atIngest = await postRawEnvelope(large);
    expect(atIngest.status).toBe(413);
    expect(await errorOf(atIngest)).toMatchObject({ code: 'body_too_large', field: 'body' });
    const atApi = await fetch(`${api.url}/api/0/organizations/${credentials.VIGIL_ORG}/monitors/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credentials.VIGIL_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: large }),
    });
    expect(atApi.status).toBe(413);
    expect(await errorOf(atApi)).toMatchObject({ code: 'body_too_large', field: 'body' });
  });

  it('an envelope item that is not JSON names the check_in item', async () => {
    const answer = await postRawEnvelope(['{}', '{"type":"check_in"}', '{"monitor_slug": nope'].join('\n'));
    expect(answer.status).toBe(400);
    expect(await errorOf(answer)).toMatchObject({ code: 'invalid_checkin', field: 'check_in' });
  });

  it.each(['0x10', '1e400', 'NaN', 'Infinity', '-5'])('the cron endpoint refuses duration=%s naming duration', async (duration) => {
    const slug = uniqueSlug('duration');
    await createMonitor(slug);
    const answer = await fetch(
      `${ingest.url}/api/${credentials.VIGIL_PROJECT_ID}/cron/${slug}/${publicKey()}/?status=ok&duration=${encodeURIComponent(duration)}`,
    );
    expect(answer.status).toBe(400);
    expect(await errorOf(answer)).toMatchObject({ code: 'invalid_checkin', field: 'duration' });
  });
});

describe('slow requests (issue #19)', () => {
  it.each([
    ['ingest', () => hardened.url, `/api/1/envelope/`],
    ['the API', () => api.url, '/api/0/organizations/any/monitors/'],
  ])('%s answers a body trickled a byte at a time with 408 and closes, within VIGIL_HTTP_REQUEST_TIMEOUT_MS', async (_name, url, path) => {
    const result = await trickle(url(), path);
    expect(result).not.toBeNull();
    expect(result!.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(result!.answer.slice(result!.answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'request_timeout' } });
    // The bound is 1.5 s, checked every 375 ms; the margin is for a loaded machine.
    expect(result!.closedAfterMs).toBeLessThan(6000);
  });
});

describe('ingest while Postgres is away (issue #19)', () => {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

  it('restarts from its snapshot file: known keys and monitors are served, and what changed meanwhile is caught up when Postgres is back', async () => {
    const slug = uniqueSlug('snapshot');
    const uuid = await createMonitor(slug);
    const doomed = uniqueSlug('snapshot-doomed');
    const doomedUuid = await createMonitor(doomed);
    // The hardened ingest hears of both by NOTIFY and writes them within a second.
    await waitFor(
      'the monitors in the snapshot file',
      () => {
        const text = readFileSync(snapshotFile, 'utf8');
        return text.includes(sha256(uuid)) && text.includes(sha256(doomedUuid)) ? true : undefined;
      },
      { timeoutMs: 15000 },
    );
    const text = readFileSync(snapshotFile, 'utf8');
    for (const secret of [publicKey(), credentials.VIGIL_PING_KEY, uuid]) expect(text).not.toContain(secret);
    expect(statSync(snapshotFile).mode & 0o777).toBe(0o600);

    // A crash, then a start while nothing listens where its Postgres was.
    await hardened.kill();
    await hardenedRelay.cut();
    hardened = await ServiceProcess.start('ingest', hardenedEnv);
    try {
      expect((await fetch(`${hardened.url}/ping/${uuid}/start`)).status).toBe(200);
      expect((await fetch(`${hardened.url}/ping/${credentials.VIGIL_PING_KEY}/${slug}`)).status).toBe(200);
      expect((await postEnvelope([{ monitor_slug: slug, status: 'ok', environment: 'snapshot' }], publicKey(), hardened.url)).status).toBe(200);
      expect((await fetch(`${hardened.url}/api/${credentials.VIGIL_PROJECT_ID}/cron/${slug}/${publicKey()}/?status=ok&environment=cron`)).status).toBe(202);
      // What it cannot check is a 503 for the client to retry, never a wrong 403 or 404.
      expect((await postEnvelope([{ monitor_slug: slug, status: 'ok' }], 'f'.repeat(32), hardened.url)).status).toBe(503);
      expect((await fetch(`${hardened.url}/ping/${randomUUID()}`)).status).toBe(503);
      // Meanwhile a monitor is deleted: nothing tells this ingest until Postgres answers again.
      await db.query('DELETE FROM monitors WHERE ping_uuid = $1', [doomedUuid]);
      expect((await fetch(`${hardened.url}/ping/${doomedUuid}`)).status).toBe(200);
    } finally {
      await hardenedRelay.open();
    }
    await waitFor(
      'the deleted monitor to be refused once Postgres is back',
      async () => ((await fetch(`${hardened.url}/ping/${doomedUuid}`)).status === 404 ? true : undefined),
      {
        timeoutMs: 30000,
        intervalMs: 250,
      },
    );
    const runs = await api.waitForRuns(slug, 4);
    expect(runs.map((run) => run.environment).sort()).toEqual(['cron', 'production', 'setup', 'snapshot']);
  });
});
