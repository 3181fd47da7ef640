import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ServiceProcess, waitFor } from '@vigil/testing';
import { describeResult, runProcess, uniqueSlug, Vigil } from '../support';

/**
 * @sentry/node's withMonitor sends a job's opening and closing check-ins at once. With two ingest instances
 * behind a proxy that sends each request to the next instance, the two check-ins of a run are taken by different
 * instances within a millisecond of each other, and on a monitor's first run the closing one arrives at an
 * instance that has never heard of the monitor the opening one is creating. Every run must still end with its
 * true status (issue #13; decision 0021).
 */
const JOB = join(__dirname, 'fixtures', 'sentry-node-burst.js');
const ENVIRONMENT = 'ordering';
const CONFIG = { schedule: { type: 'crontab', value: '0 * * * *' }, checkinMargin: 5, maxRuntime: 30 };

let vigil: Vigil;
let second: ServiceProcess;
let proxy: RoundRobin;
/** The DSN with the proxy as its host. */
let dsn: string;

/** A reverse proxy that forwards each request (not each connection) to the next upstream in turn. */
class RoundRobin {
  private next = 0;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private server: Server | null = null;
  readonly served = new Map<string, number>();

  constructor(private readonly upstreams: readonly string[]) {}

  async open(): Promise<string> {
    this.server = createServer((incoming, outgoing) => {
      const upstream = new URL(this.upstreams[this.next++ % this.upstreams.length]!);
      this.served.set(upstream.port, (this.served.get(upstream.port) ?? 0) + 1);
      const forwarded = request(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent: this.agent },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => {
        outgoing.writeHead(502);
        outgoing.end();
      });
      incoming.pipe(forwarded);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface Run {
  status: string;
  environment: string;
}

async function runsOf(slug: string): Promise<Run[] | undefined> {
  const response = await fetch(
    `${vigil.api.url}/api/0/organizations/${vigil.credentials.VIGIL_ORG}/monitors/${slug}/checkins/?environment=${ENVIRONMENT}&per_page=100`,
    {
      headers: { authorization: `Bearer ${vigil.credentials.VIGIL_API_TOKEN}` },
    },
  );
  if (response.status === 404) return undefined;
  expect(response.status).toBe(200);
  return (await response.json()) as Run[];
}

/** Runs the jobs through the proxy in one @sentry/node process. */
async function runJobs(dsn: string, jobs: Array<{ slug: string; fail: boolean }>, wave: number): Promise<void> {
  const result = await runProcess(process.execPath, [JOB, JSON.stringify({ jobs, config: CONFIG, environment: ENVIRONMENT, wave })], {
    env: { SENTRY_DSN: dsn },
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`the @sentry/node jobs failed: ${describeResult(result)}`);
  const output = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { ran: number; failed: number; flushed: boolean };
  expect(output).toEqual({ ran: jobs.length, failed: jobs.filter((job) => job.fail).length, flushed: true });
}

/**
 * Waits until every monitor shows the runs it should (counts by status), then checks nothing else is there. On
 * timeout it names the monitors that differ and what they show.
 */
async function expectRuns(expected: ReadonlyMap<string, { ok: number; error: number }>): Promise<void> {
  const seen = new Map<string, Record<string, number>>();
  const differing = async (): Promise<string[]> => {
    const wrong: string[] = [];
    for (const [slug, want] of expected) {
      if (seen.has(slug) && matches(seen.get(slug)!, want)) continue;
      const counts: Record<string, number> = {};
      for (const run of (await runsOf(slug)) ?? []) counts[run.status] = (counts[run.status] ?? 0) + 1;
      seen.set(slug, counts);
      if (!matches(counts, want)) wrong.push(slug);
    }
    return wrong;
  };
  let wrong: string[] = [];
  try {
    await waitFor(
      'every run with its true status',
      async () => {
        wrong = await differing();
        return wrong.length === 0 ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
  } catch (error) {
    const shown = wrong.slice(0, 10).map((slug) => `${slug}: want ${JSON.stringify(expected.get(slug))}, saw ${JSON.stringify(seen.get(slug))}`);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}: ${wrong.length} monitor(s) differ\n${shown.join('\n')}\n${vigil.logs.slice(-4000)}`,
    );
  }
}

function matches(counts: Record<string, number>, want: { ok: number; error: number }): boolean {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return (counts['ok'] ?? 0) === want.ok && (counts['error'] ?? 0) === want.error && total === want.ok + want.error;
}

async function projectProcessingErrors(prefix: string): Promise<string[]> {
  const response = await fetch(`${vigil.api.url}/api/0/projects/${vigil.credentials.VIGIL_ORG}/${vigil.credentials.VIGIL_PROJECT}/processing-errors/`, {
    headers: { authorization: `Bearer ${vigil.credentials.VIGIL_API_TOKEN}` },
  });
  expect(response.status).toBe(200);
  const entries = (await response.json()) as Array<{ monitorSlug: string | null; errors: Array<{ code: string }> }>;
  return entries.filter((entry) => entry.monitorSlug?.startsWith(prefix)).map((entry) => `${entry.monitorSlug}: ${entry.errors.map((e) => e.code).join(',')}`);
}

beforeAll(async () => {
  vigil = await Vigil.start({}, { scheduler: true });
  const port = Number(vigil.env['VIGIL_INGEST_PORT']);
  second = await ServiceProcess.start('ingest', { ...vigil.env, VIGIL_INGEST_PORT: String(port + 60), VIGIL_INGEST_METRICS_PORT: String(port + 66) });
  proxy = new RoundRobin([vigil.ingestUrl, second.url]);
  const url = new URL(vigil.credentials.VIGIL_DSN);
  url.host = new URL(await proxy.open()).host;
  dsn = url.toString();
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await second?.stop();
  await vigil?.stop();
});

describe('@sentry/node withMonitor through two ingest instances behind a round-robin proxy', () => {
  it('200 first runs that fail at once and 200 that succeed at once, each on a new monitor: every run ends with its true status', async () => {
    const prefix = uniqueSlug('first');
    const jobs = Array.from({ length: 400 }, (_job, index) => ({ slug: `${prefix}-${index}`, fail: index % 2 === 0 }));
    await runJobs(dsn, jobs, 20);
    // Both instances took check-ins (the proxy alternates per request).
    expect([...proxy.served.values()].every((count) => count >= 300)).toBe(true);

    await expectRuns(new Map(jobs.map((job) => [job.slug, { ok: job.fail ? 0 : 1, error: job.fail ? 1 : 0 }])));
    expect(await projectProcessingErrors(prefix)).toEqual([]);
  }, 240_000);

  it('1,000 fast runs on 50 existing monitors: no run is left in progress or counted twice', async () => {
    const prefix = uniqueSlug('again');
    const slugs = Array.from({ length: 50 }, (_slug, index) => `${prefix}-${index}`);
    await runJobs(
      dsn,
      slugs.map((slug) => ({ slug, fail: false })),
      25,
    );
    await expectRuns(new Map(slugs.map((slug) => [slug, { ok: 1, error: 0 }])));

    // 20 runs of each monitor, a failure every third run, in waves of 25 jobs (50 check-ins in flight).
    const jobs = Array.from({ length: 1000 }, (_job, index) => ({ slug: slugs[index % slugs.length]!, fail: Math.floor(index / slugs.length) % 3 === 2 }));
    await runJobs(dsn, jobs, 25);
    const expected = new Map(slugs.map((slug) => [slug, { ok: 1, error: 0 }]));
    for (const job of jobs) expected.get(job.slug)![job.fail ? 'error' : 'ok'] += 1;
    await expectRuns(expected);
    expect(await projectProcessingErrors(prefix)).toEqual([]);
  }, 300_000);
});
