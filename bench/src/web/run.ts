import './slot';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureStack, REPO_ROOT, resetTestStores, ServiceProcess, testConfig, testEnv } from '@vigil/testing';
import { Client } from 'pg';
import { chromium } from 'playwright-core';
import { describeMachine, machineLine } from '../support/machine';
import { markdownTable, writeSection } from '../support/markdown';
import { positiveOption } from '../support/options';

/**
 * `npm run bench:web` (issue #16): the dashboard's monitors list with N monitors (1,000) of two environments each and
 * D days (30) of hourly runs (one failure in fifty), 1.44 million rows in ClickHouse, with the state changes the
 * scheduler would have published for them. Measures, against the api service as a real process: the answer time
 * of the monitors page (server-rendered, a page of monitors failing first, with their timelines over 24 h, 7 d and
 * 30 d; the last page; the failing filter) and of its live poll when nothing changed (204), and how long headless
 * Chromium takes to load the page completely. Targets (the issue): p95 under 300 ms answered, under 1.5 s
 * complete in the browser. The baseline, measured in the same run, is the sign-in page (a page without data): the
 * ratio to it says what the list costs whatever else the machine is doing.
 *
 * Monitors go straight into Postgres and history into ClickHouse (`INSERT ... SELECT` over numbers), so the setup
 * takes seconds; nothing else runs (no ingest, no scheduler): the page reads what history would have written.
 *
 *   --monitors 1000   monitors, each with production and staging
 *   --days 30         days of hourly runs per monitor-environment
 *   --requests 30     page requests measured (after 3 to warm up); the poll and the browser take as many
 *   --no-merge        leave ClickHouse's parts as written (one per batch of 100 monitors, each spanning every key)
 *   --no-write        print only; leave docs/benchmarks.md alone
 */

const PREAMBLE = `# Benchmarks

Each benchmark runs on the native stack with stores of its own (test slot 9) and rewrites only its own section below.
`;
const ENVIRONMENTS = ['production', 'staging'];
const HOUR = 3_600_000;
const FAILING_EVERY = 25;

function log(message: string): void {
  process.stderr.write(`bench:web ${message}\n`);
}

function percentile(sorted: readonly number[], level: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(level * sorted.length))] ?? NaN;
}

function summary(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted[sorted.length - 1] ?? NaN };
}

async function clickhouse(url: string, database: string, query: string): Promise<void> {
  const response = await fetch(`${url}/?database=${encodeURIComponent(database)}`, { method: 'POST', body: query });
  if (!response.ok) throw new Error(`ClickHouse: ${response.status} ${await response.text()}`);
}

/** The session cookie of the owner, signed in through the form as a browser would. */
async function signIn(web: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${web}/signin`);
  const csrfCookie = /vigil_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const answer = await fetch(`${web}/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vigil_csrf=${csrfCookie}` },
    body: new URLSearchParams({ _csrf: csrfCookie, email, password }).toString(),
  });
  const session = /vigil_session=([^;]+)/.exec(answer.headers.get('set-cookie') ?? '')?.[1];
  if (answer.status !== 303 || !session) throw new Error(`sign-in failed: ${answer.status}`);
  return session;
}

async function timed(url: string, cookie: string | null): Promise<{ ms: number; status: number; bytes: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, { headers: cookie === null ? {} : { cookie: `vigil_session=${cookie}` } });
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, bytes: Buffer.byteLength(body), body };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const monitors = positiveOption(argv, 'monitors', 1000);
  const days = positiveOption(argv, 'days', 30);
  const requests = positiveOption(argv, 'requests', 30);
  const write = !argv.includes('--no-write');
  const merge = !argv.includes('--no-merge');
  log(`stack: ${await ensureStack()}`);
  const config = testConfig();
  await resetTestStores(config);
  const env = testEnv({ VIGIL_LOG_LEVEL: 'warn' });
  const seeded = new Map(
    execFileSync(process.execPath, [join(REPO_ROOT, 'services/api/dist/cli/seed-default.js')], { env: { ...process.env, ...env }, encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const org = seeded.get('VIGIL_ORG') ?? 'default';
  const projectId = Number(seeded.get('VIGIL_PROJECT_ID'));

  const pg = new Client({ connectionString: env['VIGIL_POSTGRES_URL'] });
  await pg.connect();
  const setupStarted = Date.now();
  await pg.query(
    `INSERT INTO monitors (id, project_id, slug, name, ping_uuid, schedule_type, schedule_crontab, checkin_margin, max_runtime, timezone)
     SELECT gen_random_uuid(), $1, 'bench-' || lpad(i::text, 5, '0'), 'Bench job ' || i, gen_random_uuid(), 'crontab', '0 * * * *', 5, 30, 'Europe/Berlin'
       FROM generate_series(1, $2::integer) AS i`,
    [projectId, monitors],
  );
  const rows = (
    await pg.query<{ id: string; slug: string; organization_id: string }>(
      'SELECT m.id, m.slug, p.organization_id FROM monitors m JOIN projects p ON p.id = m.project_id ORDER BY m.slug',
    )
  ).rows;
  await pg.end();
  const organizationId = rows[0]?.organization_id ?? '';
  // One monitor in FAILING_EVERY failed its last run in both environments: the list has failing monitors to put first.
  const failingIds = rows.filter((_row, index) => index % FAILING_EVERY === 0).map((row) => `'${row.id}'`);
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const start = end - days * 24 * HOUR;
  const hours = days * 24;
  for (let index = 0; index < rows.length; index += 100) {
    const pairs = rows
      .slice(index, index + 100)
      .map((row) => `('${row.id}', '${row.slug}')`)
      .join(', ');
    await clickhouse(
      config.VIGIL_CLICKHOUSE_URL,
      config.VIGIL_CLICKHOUSE_DATABASE,
      `INSERT INTO checkins (event_id, checkin_id, organization_id, project_id, monitor_id, monitor_slug, environment, status, duration_ms, received_at, received_at_ms, release, trace_id, source)
       SELECT concat(m, ':', e, ':', toString(h)), concat(m, ':', e, ':', toString(h)), '${organizationId}', toUInt64(${projectId}), m, s, e,
              if(h % 50 = 7 OR (h = ${hours - 1} AND m IN (${failingIds.join(', ')})), 'error', 'ok'), toUInt64(1000 + h % 500), toDateTime(intDiv(${start} + h * ${HOUR}, 1000)), toUInt64(${start} + h * ${HOUR}), '', '', 'ping'
         FROM (SELECT tupleElement(p, 1) AS m, tupleElement(p, 2) AS s, arrayJoin([${ENVIRONMENTS.map((name) => `'${name}'`).join(', ')}]) AS e
                 FROM (SELECT arrayJoin([${pairs}]) AS p))
        CROSS JOIN (SELECT number AS h FROM system.numbers LIMIT ${hours})`,
    );
  }
  // The scheduler's state changes for that history: ok from the first run, error at each failure, ok after it.
  const changes: Array<[number, string, string]> = [[0, 'new', 'ok']];
  for (let hour = 0; hour < hours; hour += 1) {
    if (hour % 50 !== 7) continue;
    changes.push([hour, 'ok', 'error']);
    if (hour + 1 < hours) changes.push([hour + 1, 'error', 'ok']);
  }
  const lastHourFailures: Array<[number, string, string]> = hours - 1 > 0 && (hours - 1) % 50 !== 7 ? [[hours - 1, 'ok', 'error']] : [];
  for (const [ids, hourChanges] of [
    [rows.map((row) => `'${row.id}'`), changes],
    [failingIds, lastHourFailures],
  ] as const) {
    for (let index = 0; index < ids.length && hourChanges.length > 0; index += 100) {
      await insertStates(ids.slice(index, index + 100).join(', '), hourChanges);
    }
  }
  async function insertStates(ids: string, hourChanges: ReadonlyArray<readonly [number, string, string]>): Promise<void> {
    await clickhouse(
      config.VIGIL_CLICKHOUSE_URL,
      config.VIGIL_CLICKHOUSE_DATABASE,
      `INSERT INTO monitor_states (event_id, organization_id, project_id, monitor_id, environment, from_state, to_state, at, at_ms, kafka_offset)
       SELECT concat(m, ':', e, ':', toString(h), ':', t), '${organizationId}', toUInt64(${projectId}), m, e, f, t,
              toDateTime(intDiv(${start} + h * ${HOUR}, 1000)), toUInt64(${start} + h * ${HOUR}), toUInt64(h)
         FROM (SELECT m, arrayJoin([${ENVIRONMENTS.map((name) => `'${name}'`).join(', ')}]) AS e FROM (SELECT arrayJoin([${ids}]) AS m))
        CROSS JOIN (SELECT tupleElement(c, 1) AS h, tupleElement(c, 2) AS f, tupleElement(c, 3) AS t
                      FROM (SELECT arrayJoin([${hourChanges.map(([hour, from, to]) => `(${hour}, '${from}', '${to}')`).join(', ')}]) AS c))`,
    );
  }
  // ClickHouse merges what history writes into large parts in the background; rows written a batch of monitors at
  // a time are parts that each span every monitor's key range, which a read of a page of monitors touches all of.
  // Merged now, as a month of history would be.
  if (merge) {
    await clickhouse(config.VIGIL_CLICKHOUSE_URL, config.VIGIL_CLICKHOUSE_DATABASE, 'OPTIMIZE TABLE checkins FINAL');
    await clickhouse(config.VIGIL_CLICKHOUSE_URL, config.VIGIL_CLICKHOUSE_DATABASE, 'OPTIMIZE TABLE monitor_states FINAL');
  }
  const setupMs = Date.now() - setupStarted;
  log(`${monitors} monitors, ${rows.length * ENVIRONMENTS.length * hours} check-ins written in ${(setupMs / 1000).toFixed(1)} s`);

  const api = await ServiceProcess.start('api', env);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const web = api.url;
    const cookie = await signIn(web, seeded.get('VIGIL_ADMIN_EMAIL') ?? '', seeded.get('VIGIL_ADMIN_PASSWORD') ?? '');
    const page = `${web}/orgs/${org}/monitors/`;
    const results: Array<[string, { p50: number; p95: number; max: number }, string]> = [];
    const loadBefore = loadavg();
    const measure = async (name: string, url: string, size: (bytes: number, body: string) => string, signedIn = true): Promise<string> => {
      const samples: number[] = [];
      let last = { bytes: 0, body: '' };
      for (let i = 0; i < requests + 3; i += 1) {
        const answer = await timed(url, signedIn ? cookie : null);
        if (answer.status !== 200) throw new Error(`${url}: ${answer.status}`);
        if (i >= 3) samples.push(answer.ms);
        last = answer;
      }
      results.push([name, summary(samples), size(last.bytes, last.body)]);
      log(`${name}: ${JSON.stringify(summary(samples))}`);
      return last.body;
    };
    const kib = (bytes: number): string => `${Math.round(bytes / 1024)} KiB HTML`;
    const shown = (body: string): string => `${(body.match(/<li class="monitor"/g) ?? []).length} monitors, ${kib(Buffer.byteLength(body))}`;
    await measure('baseline: the sign-in page (no data)', `${web}/signin`, kib, false);
    for (const range of ['24h', '7d', '30d']) await measure(`monitors page, range ${range}`, `${page}?range=${range}`, (_bytes, body) => shown(body));
    const pages = Math.ceil(monitors / 50);
    await measure(`the last page (${pages}), range 24h`, `${page}?range=24h&page=${pages}`, (_bytes, body) => shown(body));
    await measure('status=failing, range 24h', `${page}?range=24h&status=failing`, (_bytes, body) => shown(body));
    const first = await timed(page, cookie);
    const since = /data-since="([^"]+)"/.exec(first.body)?.[1] ?? '';
    const polls: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const answer = await timed(`${web}/orgs/${org}/monitors-live?range=24h&since=${encodeURIComponent(since)}`, cookie);
      polls.push(answer.ms);
      if (answer.status !== 204) log(`poll answered ${answer.status} (something changed)`);
    }
    results.push(['live poll, nothing changed (204)', summary(polls), '0 B']);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([{ name: 'vigil_session', value: cookie, url: web }]);
    const tab = await context.newPage();
    const loads: number[] = [];
    for (let i = 0; i < Math.min(requests, 15) + 2; i += 1) {
      const started = performance.now();
      await tab.goto(page, { waitUntil: 'load' });
      if (i >= 2) loads.push(performance.now() - started);
    }
    results.push(['page complete in Chromium (load event)', summary(loads), '']);
    const loadAfter = loadavg();
    const ms = (value: number): string => `${Math.round(value)} ms`;
    const baseline = results[0]![1].p95;
    const table = markdownTable(
      [
        { title: 'measured' },
        { title: 'p50', align: 'right' },
        { title: 'p95', align: 'right' },
        { title: 'max', align: 'right' },
        { title: 'p95 / baseline', align: 'right' },
        { title: 'size' },
      ],
      results.map(([name, stats, size]) => [name, ms(stats.p50), ms(stats.p95), ms(stats.max), `${(stats.p95 / baseline).toFixed(1)}`, size]),
    );
    const load = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' ');
    const section = `## Dashboard: the monitors page (\`npm run bench:web\`)

${monitors} monitors of two environments with ${days} days of hourly runs (${(rows.length * ENVIRONMENTS.length * hours).toLocaleString('en')} check-ins in ClickHouse) and the scheduler's state changes for them${merge ? ', merged into one part a month as ClickHouse merges in the background' : ', left in the parts they were written in (--no-merge)'}; a page of 50 monitors, failing first over all of them, each with its timeline; the api service as a process, requests one at a time. Targets (#16): p95 under 300 ms answered, under 1.5 s complete in the browser.

${table}

Machine: ${machineLine(describeMachine(REPO_ROOT))}; Kafka, Postgres and ClickHouse on the same machine, shared with other work: load average (1, 5, 15 min) ${load(loadBefore)} before, ${load(loadAfter)} after.`;
    process.stdout.write(`${section}\n`);
    if (write) writeSection(join(REPO_ROOT, 'docs/benchmarks.md'), 'web', section, PREAMBLE);
  } finally {
    await browser.close();
    await api.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:web failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
