import './slot';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureStack, REPO_ROOT, resetTestStores, ServiceProcess, testConfig, testEnv } from '@vigil/testing';
import { Client } from 'pg';
import { chromium } from 'playwright-core';
import { describeMachine, machineLine } from '../support/machine';
import { markdownTable, writeSection } from '../support/markdown';
import { positiveOption } from '../support/options';

/**
 * `npm run bench:web` (issue #16): the dashboard's monitors list with N monitors (1,000) of two environments each and
 * D days (30) of hourly runs (one failure in fifty), 1.44 million rows in ClickHouse. Measures, against the api
 * service as a real process: the answer time of the monitors page (server-rendered, every monitor, the 24 h
 * timeline) and of its live poll when nothing changed (204), and how long headless Chromium takes to load the page
 * completely. Targets (the issue): p95 under 300 ms answered, under 1.5 s complete in the browser.
 *
 * Monitors go straight into Postgres and history into ClickHouse (`INSERT ... SELECT` over numbers), so the setup
 * takes seconds; nothing else runs (no ingest, no scheduler): the page reads what history would have written.
 *
 *   --monitors 1000   monitors, each with production and staging
 *   --days 30         days of hourly runs per monitor-environment
 *   --requests 30     page requests measured (after 3 to warm up); the poll and the browser take as many
 *   --no-write        print only; leave docs/benchmarks.md alone
 */

const PREAMBLE = `# Benchmarks

Each benchmark runs on the native stack with stores of its own (test slot 9) and rewrites only its own section below.
`;
const ENVIRONMENTS = ['production', 'staging'];
const HOUR = 3_600_000;

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

async function timed(url: string, cookie: string): Promise<{ ms: number; status: number; bytes: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie: `vigil_session=${cookie}` } });
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, bytes: Buffer.byteLength(body), body };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const monitors = positiveOption(argv, 'monitors', 1000);
  const days = positiveOption(argv, 'days', 30);
  const requests = positiveOption(argv, 'requests', 30);
  const write = !argv.includes('--no-write');
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
              if(h % 50 = 7, 'error', 'ok'), toUInt64(1000 + h % 500), toDateTime(intDiv(${start} + h * ${HOUR}, 1000)), toUInt64(${start} + h * ${HOUR}), '', '', 'ping'
         FROM (SELECT tupleElement(p, 1) AS m, tupleElement(p, 2) AS s, arrayJoin([${ENVIRONMENTS.map((name) => `'${name}'`).join(', ')}]) AS e
                 FROM (SELECT arrayJoin([${pairs}]) AS p))
        CROSS JOIN (SELECT number AS h FROM system.numbers LIMIT ${hours})`,
    );
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
    for (const range of ['24h', '7d', '30d']) {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < requests + 3; i += 1) {
        const answer = await timed(`${page}?range=${range}`, cookie);
        if (answer.status !== 200) throw new Error(`${page}: ${answer.status}`);
        if (i >= 3) samples.push(answer.ms);
        bytes = answer.bytes;
      }
      results.push([`monitors page, range ${range}`, summary(samples), `${Math.round(bytes / 1024)} KiB HTML`]);
      log(`range ${range}: ${JSON.stringify(summary(samples))}`);
    }
    const first = await timed(page, cookie);
    const since = /monitors-live\?[^"]*since=([A-Za-z0-9_-]+)/.exec(first.body)?.[1] ?? '';
    const polls: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const answer = await timed(`${web}/orgs/${org}/monitors-live?range=24h&since=${since}`, cookie);
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
    const ms = (value: number): string => `${Math.round(value)} ms`;
    const table = markdownTable(
      [{ title: 'measured' }, { title: 'p50', align: 'right' }, { title: 'p95', align: 'right' }, { title: 'max', align: 'right' }, { title: 'size' }],
      results.map(([name, stats, size]) => [name, ms(stats.p50), ms(stats.p95), ms(stats.max), size]),
    );
    const section = `## Dashboard: the monitors page (\`npm run bench:web\`)

${monitors} monitors of two environments with ${days} days of hourly runs (${(rows.length * ENVIRONMENTS.length * hours).toLocaleString('en')} check-ins in ClickHouse), every monitor on one page with its timeline; the api service as a process, requests one at a time. Targets (#16): p95 under 300 ms answered, under 1.5 s complete in the browser.

${table}

Machine: ${machineLine(describeMachine(REPO_ROOT))}; Kafka, Postgres and ClickHouse on the same machine.`;
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
