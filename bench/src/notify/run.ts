import './slot';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { decodeMessage, pulseTime, TOPICS, type TopicName } from '@vigil/contracts';
import { createKafkaClient, readPartitionsToEnd, type StoredRecord } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { ensureStack, REPO_ROOT, resetTestStores, ServiceProcess, testConfig, testEnv, type ServiceName } from '@vigil/testing';
import { Client } from 'pg';
import { logServiceErrors, publishSection, runBench } from '../support/finish';
import { describeMachine, machineLine, type Machine } from '../support/machine';
import { markdownTable } from '../support/markdown';
import { positiveOption } from '../support/options';
import { cpuSeconds, findChild, machineTicks, waitForQuiet } from '../support/proc';
import { seedDefault, type Seed } from '../support/seed';

/**
 * `npm run bench:notify` (issue #5): N monitors (1,000) miss their run in the same second; how long from the
 * deadline (slot + check-in margin) to the webhook arriving at a receiver, and how many deliveries per second.
 * Target: p99 under 5 s end to end.
 *
 * Every service runs as a real process from its build output (ingest, api, history, scheduler, issues,
 * notifier), with default settings: the scheduler writes its real clock pulses (every 250 ms, dated 500 ms
 * behind the wall clock). The monitors are created through ingest, each by one Sentry envelope with
 * monitor_config (daily crontab `M H * * *` in UTC for a minute two to three minutes ahead, margin 1 minute,
 * failure_issue_threshold 1) whose `ok` check-in credits yesterday's slot, so the next expected slot is the
 * same for all and they all miss it at `slot + 1 min`. One webhook integration and one project-wide alert rule
 * (through the API) point at a loopback receiver in this process, which records when each webhook arrived.
 * After the run, stage timestamps come from Kafka (record timestamps of the pulses, the missed events and the
 * issue events) and Postgres (issues and deliveries ledger), so the table shows where the time goes.
 *
 *   --monitors 1000     monitors missing together
 *   --lead 120          at least this many seconds from creating the monitors to their slot
 *   --timeout 120       seconds after the deadline to wait for every webhook
 *   --concurrency 16    envelopes in flight while creating the monitors
 *   --quiet-percent 25, --quiet-wait 120: before creating the monitors, wait (at most quiet-wait seconds) until
 *                       the machine's CPU use stays under quiet-percent for 3 s
 *   --log-level info    the services' log level (info is their default)
 *   --no-write          print only; leave docs/benchmarks.md alone
 */

/** The services run with the default settings: the scheduler's clock as they will have it. */
const CLOCK = testConfig();

interface Options {
  monitors: number;
  leadSec: number;
  timeoutSec: number;
  concurrency: number;
  quietPercent: number;
  quietWaitSec: number;
  logLevel: string;
  write: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const number = (name: string, fallback: number): number => positiveOption(argv, name, fallback);
  const levelIndex = argv.indexOf('--log-level');
  return {
    monitors: Math.floor(number('monitors', 1000)),
    leadSec: number('lead', 120),
    timeoutSec: number('timeout', 120),
    concurrency: Math.floor(number('concurrency', 16)),
    quietPercent: number('quiet-percent', 25),
    quietWaitSec: number('quiet-wait', 120),
    logLevel: levelIndex === -1 ? 'info' : (argv[levelIndex + 1] ?? 'info'),
    write: !argv.includes('--no-write'),
  };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const ENVIRONMENT = 'production';
const MARGIN_MINUTES = 1;
const TARGET_P99_MS = 5000;
const SERVICES: readonly ServiceName[] = ['ingest', 'api', 'history', 'scheduler', 'issues', 'notifier'];

function log(message: string): void {
  process.stderr.write(`[bench:notify] ${new Date().toISOString().slice(11, 23)} ${message}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One webhook as the receiver read it. */
interface Received {
  at: number;
  deliveryId: string | undefined;
  signature: string | undefined;
  body: string;
}

/** The loopback webhook receiver: records the arrival time (after the whole body) and answers 200 at once. */
class Receiver {
  readonly requests: Received[] = [];
  private readonly server: Server;
  port = 0;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const at = Date.now();
        const single = (name: string) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        this.requests.push({ at, deliveryId: single('vigil-delivery'), signature: single('vigil-signature'), body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    this.server.keepAliveTimeout = 30000;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}/hook/bench-notify`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** docs/webhooks.md's check, written from the documentation (not the library): HMAC-SHA256 of `<t>.<raw body>`. */
function signatureValid(secret: string, header: string | undefined, body: string): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([key]) => key === 't')?.[1];
  if (!t || !/^\d+$/.test(t)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  return parts.some(
    ([key, value]) => key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value) && timingSafeEqual(Buffer.from(value, 'hex'), expected),
  );
}

/** The API's answer, parsed as `T` (the bench trusts its own server; the e2e tests check the shapes). */
async function api<T = unknown>(origin: string, seed: Seed, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${origin}/api/0/organizations/${seed.org}/${path}`, {
    method,
    headers: { authorization: `Bearer ${seed.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? null : JSON.parse(text)) as T;
}

function slugOf(index: number): string {
  return `bench-notify-${String(index).padStart(5, '0')}`;
}

/** Creates the monitors through ingest: one envelope each, with monitor_config and an `ok` check-in. */
async function createMonitors(ingestUrl: string, seed: Seed, count: number, crontab: string, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const checkIn = {
        check_in_id: randomUUID().replace(/-/g, ''),
        monitor_slug: slugOf(index),
        status: 'ok',
        duration: 0.5,
        environment: ENVIRONMENT,
        monitor_config: {
          schedule: { type: 'crontab', value: crontab },
          checkin_margin: MARGIN_MINUTES,
          max_runtime: 30,
          timezone: 'UTC',
          failure_issue_threshold: 1,
          recovery_threshold: 1,
        },
      };
      const body = `${JSON.stringify({ sent_at: new Date().toISOString() })}\n${JSON.stringify({ type: 'check_in' })}\n${JSON.stringify(checkIn)}\n`;
      const response = await fetch(`${ingestUrl}/api/${seed.projectId}/envelope/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-sentry-envelope',
          'x-sentry-auth': `Sentry sentry_version=7, sentry_client=vigil-bench/0.1.0, sentry_key=${seed.publicKey}`,
        },
        body,
      });
      if (response.status !== 200) throw new Error(`creating ${slugOf(index)}: ${response.status} ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Percentiles by nearest rank over a sorted copy. */
interface Stats {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function statsOf(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  return { count: sorted.length, min: sorted[0] ?? Number.NaN, p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Per monitor, when each stage happened (epoch ms); undefined where it was not seen. */
interface MonitorStages {
  pulse?: number;
  missed?: number;
  issueRow?: number;
  issueEvent?: number;
  ledger?: number;
  attemptStarted?: number;
  received?: number;
  attemptFinished?: number;
}

/** What happens between the previous stage and this one (for the analysis). */
const STEP: Readonly<Record<keyof MonitorStages, string>> = {
  pulse: "the scheduler's clock (pulse interval and lag)",
  missed: 'scheduler: read the pulse, judge the due tracks, publish',
  issueRow: 'issues: wait for its consumer to reach the run result (partitions one batch at a time)',
  issueEvent: "issues: the batch's transaction and the publish",
  ledger: 'notifier consumer: reach the event, look up rules and monitors and insert the deliveries, once per batch',
  attemptStarted: 'notifier worker: claim the delivery',
  received: 'the HTTP request',
  attemptFinished: 'recording the result',
};

const STAGES: ReadonlyArray<{ key: keyof MonitorStages; label: string; source: string }> = [
  {
    key: 'pulse',
    label: 'first clock pulse dated at or after the deadline written',
    source: "record timestamp of the pulse in the monitor's `vigil.checkins.v1` partition",
  },
  { key: 'missed', label: 'missed event published (scheduler)', source: 'record timestamp on `vigil.monitor-events.v1`' },
  { key: 'issueRow', label: 'issues batch transaction began (issues)', source: '`issues.created_at` (`now()`: the transaction start)' },
  { key: 'issueEvent', label: 'issue.opened published (issues)', source: 'record timestamp on `vigil.issues.v1`' },
  { key: 'ledger', label: 'delivery written to the ledger (notifier consumer)', source: '`deliveries.created_at` (`now()`: the transaction start)' },
  { key: 'attemptStarted', label: 'attempt claimed and started (notifier worker)', source: '`delivery_attempts.started_at`' },
  { key: 'received', label: '**webhook received** (end to end)', source: 'the receiver in the bench process, after the whole body' },
  { key: 'attemptFinished', label: 'attempt recorded as delivered', source: '`delivery_attempts.finished_at`' },
];

interface CpuUse {
  service: string;
  seconds: number;
}

interface Report {
  machine: Machine;
  date: string;
  options: Options;
  slot: number;
  deadline: number;
  crontab: string;
  createMs: number;
  loadBefore: number[];
  loadAtDeadline: number[];
  loadAfter: number[];
  backgroundPercent: number;
  preDeadlinePercent: number;
  windowPercent: number;
  windowMs: number;
  cpu: CpuUse[];
  stages: Map<keyof MonitorStages, Stats>;
  e2e: Stats;
  received: number;
  distinctDeliveries: number;
  duplicates: number;
  badSignatures: number;
  wrongBodies: number;
  monitorsCovered: number;
  firstAt: number;
  lastAt: number;
  perSecond: number;
  counts: { missed: number; issueOpened: number; ledger: number; succeeded: number; attempts: number };
  /** `VIGIL_NOTIFIER_CONCURRENCY` as the notifier got it. */
  notifierConcurrency: number;
  /** Distinct transaction start times: the issues service's batches, the notifier consumer's ledger writes. */
  batches: { issues: number; ledger: number };
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const sec = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)}` : 'n/a');
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);
const loads = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');

function analysis(report: Report): string[] {
  const lines: string[] = [];
  const p50 = (key: keyof MonitorStages) => report.stages.get(key)?.p50 ?? Number.NaN;
  const p99 = (key: keyof MonitorStages) => report.stages.get(key)?.p99 ?? Number.NaN;
  const steps: Array<[string, number, number]> = [];
  let previous: keyof MonitorStages | null = null;
  for (const stage of STAGES) {
    if (stage.key === 'attemptFinished') continue;
    const from = previous === null ? 0 : p50(previous);
    const from99 = previous === null ? 0 : p99(previous);
    steps.push([STEP[stage.key], p50(stage.key) - from, p99(stage.key) - from99]);
    previous = stage.key;
  }
  const total99 = report.e2e.p99;
  const ranked = [...steps].filter(([, , d99]) => Number.isFinite(d99)).sort((a, b) => b[2] - a[2]);
  lines.push(
    `Steps (difference of consecutive stages' p50 / p99): ${steps.map(([name, d50, d99]) => `${name}: ${sec(d50)} / ${sec(d99)} s`).join('; ')}.` +
      (ranked.length >= 2
        ? ` The two largest shares of the p99: ${ranked
            .slice(0, 2)
            .map(([name, , d99]) => `${name} (${sec(d99)} s)`)
            .join(' and ')}, of ${sec(total99)} s.`
        : ''),
  );
  lines.push(
    `The issues service wrote the ${fmt(report.counts.issueOpened)} openings in ${fmt(report.batches.issues)} transactions and the notifier's consumer the deliveries in ${fmt(report.batches.ledger)} (one per partition batch each); ` +
      `the last opening was published ${sec(report.stages.get('issueEvent')?.max ?? Number.NaN)} s after the deadline, the last delivery written to the ledger ${sec(report.stages.get('ledger')?.max ?? Number.NaN)} s after it.`,
  );
  lines.push(
    `The first ${sec(p50('pulse'))} s (p50) are the scheduler's clock by design: a deadline passes only when a pulse dated at or after it is handled, and pulses are written every ${fmt(CLOCK.VIGIL_SCHEDULER_PULSE_MS)} ms (\`VIGIL_SCHEDULER_PULSE_MS\`) dated ${fmt(CLOCK.VIGIL_SCHEDULER_PULSE_LAG_MS)} ms behind the wall clock (\`VIGIL_SCHEDULER_PULSE_LAG_MS\`, the clock skew between hosts it tolerates), so ${sec(CLOCK.VIGIL_SCHEDULER_PULSE_LAG_MS)} to ${sec(CLOCK.VIGIL_SCHEDULER_PULSE_LAG_MS + CLOCK.VIGIL_SCHEDULER_PULSE_MS)} s pass before the deadline can be seen at all.`,
  );
  return lines;
}

function renderReport(report: Report): string {
  const { options } = report;
  const stageRows = STAGES.map((stage) => {
    const stats = report.stages.get(stage.key);
    return stats
      ? [stage.label, fmt(stats.count), sec(stats.min), sec(stats.p50), sec(stats.p95), sec(stats.p99), sec(stats.max), stage.source]
      : [stage.label, '0', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', stage.source];
  });
  const stageTable = markdownTable(
    [
      { title: 'stage (seconds after the deadline)' },
      { title: 'monitors', align: 'right' },
      { title: 'first', align: 'right' },
      { title: 'p50', align: 'right' },
      { title: 'p95', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'max', align: 'right' },
      { title: 'from' },
    ],
    stageRows,
  );
  const met = report.received === options.monitors && report.e2e.p99 < TARGET_P99_MS;
  const summaryTable = markdownTable(
    [{ title: 'measure' }, { title: 'value' }],
    [
      [
        'webhooks for distinct deliveries / monitors missing',
        `${fmt(report.distinctDeliveries)} / ${fmt(options.monitors)} (${fmt(report.monitorsCovered)} monitors covered)`,
      ],
      [
        'duplicate requests (same `Vigil-Delivery`), bad signatures, unexpected bodies',
        `${fmt(report.duplicates)}, ${fmt(report.badSignatures)}, ${fmt(report.wrongBodies)}`,
      ],
      [
        'deadline → webhook received: p50 / p95 / p99 / max',
        `${sec(report.e2e.p50)} / ${sec(report.e2e.p95)} / ${sec(report.e2e.p99)} / ${sec(report.e2e.max)} s`,
      ],
      [
        'deliveries per second (first to last webhook)',
        `${fmt(report.perSecond)}/s (${fmt(report.received)} webhooks from ${clock(report.firstAt)} to ${clock(report.lastAt)} UTC, ${sec(report.lastAt - report.firstAt)} s)`,
      ],
      [
        `target: p99 under ${sec(TARGET_P99_MS)} s`,
        `p99 ${sec(report.e2e.p99)} s = ${fmt(report.e2e.p99 / TARGET_P99_MS, 2)} × target: ${met ? 'met' : '**missed**'}`,
      ],
      [
        'on the topics and in the ledger',
        `${fmt(report.counts.missed)} missed events, ${fmt(report.counts.issueOpened)} issue.opened events, ${fmt(report.counts.ledger)} deliveries (${fmt(report.counts.succeeded)} succeeded, ${fmt(report.counts.attempts)} attempts)`,
      ],
    ],
  );
  const cpuLine = report.cpu.map((use) => `${use.service} ${use.seconds.toFixed(2)} s`).join(', ');
  return [
    '## Notify: `npm run bench:notify`',
    '',
    `Measured ${report.date} on ${machineLine(report.machine)}.`,
    '',
    `${fmt(options.monitors)} monitors miss their run in the same second. All six services run as real processes from their build output with their default settings ` +
      `(\`VIGIL_LOG_LEVEL=${options.logLevel}\`; the scheduler writes real clock pulses every ${fmt(CLOCK.VIGIL_SCHEDULER_PULSE_MS)} ms dated ${fmt(CLOCK.VIGIL_SCHEDULER_PULSE_LAG_MS)} ms behind the wall clock; the notifier sends up to ${report.notifierConcurrency} attempts at once), ` +
      `on the stores of test slot ${process.env['VIGIL_TEST_SLOT']}, reset at the start. Kafka, Postgres and ClickHouse run on the same machine, so everything shares its ${report.machine.cores} cores. ` +
      `Each monitor was created through ingest by one Sentry envelope with \`monitor_config\` (crontab \`${report.crontab}\` UTC, margin ${MARGIN_MINUTES} min, failure_issue_threshold 1) ` +
      `whose \`ok\` check-in credited the previous day's slot (${fmt(options.monitors)} envelopes, ${options.concurrency} at a time, took ${sec(report.createMs)} s); ` +
      `so every monitor expected the slot ${new Date(report.slot).toISOString().slice(11, 19)} UTC and missed it at the deadline ${new Date(report.deadline).toISOString().slice(11, 19)} UTC (slot + margin). ` +
      'One webhook integration and one project-wide alert rule, created through the API, point at a loopback receiver in the bench process, which answers 200 at once and checks each signature as docs/webhooks.md describes.',
    '',
    summaryTable,
    '',
    '### Where the time goes',
    '',
    "Each stage as seconds after the deadline, over the monitors. Record timestamps are the producing client's clock when it sent the batch (CreateTime), Postgres times its own clock: one machine, one clock.",
    '',
    stageTable,
    '',
    ...analysis(report).flatMap((line) => [line, '']),
    `Load average (1/5/15 min): ${loads(report.loadBefore)} before creating the monitors, ${loads(report.loadAtDeadline)} at the deadline, ${loads(report.loadAfter)} after the last webhook. ` +
      `Machine CPU use: ${fmt(report.backgroundPercent)} % before the run (the bench waits up to ${options.quietWaitSec} s for at most ${options.quietPercent} %), ` +
      `${fmt(report.preDeadlinePercent)} % in the 10 s before the deadline, ${fmt(report.windowPercent)} % from the deadline to the last webhook (${sec(report.windowMs)} s). ` +
      `CPU time of the services in that window: ${cpuLine}.`,
  ].join('\n');
}

const PREAMBLE = `# Benchmarks

Each benchmark runs on the native stack (\`deploy/local/stack.sh\`, started if it is down) with stores of its own (test slot 9),
starts the services it measures as real processes from their build output, and rewrites only its own section below
(between its \`<!-- bench:<name>:start -->\` and \`<!-- bench:<name>:end -->\` markers). Benchmarks are not tests: they
never run in \`make test\` or CI, and their numbers hold for the machine named in each section.
`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  log(`stack: ${await ensureStack()}`);
  const config = testConfig();
  log(
    `resetting test slot ${process.env['VIGIL_TEST_SLOT']}'s stores (${new URL(config.VIGIL_POSTGRES_URL).pathname.slice(1)}, topics ${config.VIGIL_KAFKA_TOPIC_PREFIX}*)`,
  );
  await resetTestStores(config);

  const receiver = new Receiver();
  const hookUrl = await receiver.start();
  // The 1,000 monitors are created through ingest within seconds: over the default creation limit of a project (600 a minute).
  const env = testEnv({ VIGIL_LOG_LEVEL: options.logLevel, VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8', VIGIL_INGEST_MONITOR_CREATIONS_PER_MINUTE: '0' });
  const seed = seedDefault(env);
  const services = new Map<ServiceName, ServiceProcess>();
  const pg = new Client({ connectionString: env['VIGIL_POSTGRES_URL'] });
  try {
    log(`starting ${SERVICES.join(', ')}`);
    const startedServices = await Promise.allSettled(SERVICES.map(async (name) => services.set(name, await ServiceProcess.start(name, env))));
    const failed = startedServices.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    const pids = new Map(SERVICES.map((name) => [name, findChild(process.pid, join('services', name, 'dist', 'main.js'))]));
    await pg.connect();

    const secret = `vigil_whsec_${randomUUID().replace(/-/g, '')}`;
    const integration = await api<{ id: string }>(services.get('api')!.url, seed, 'POST', 'integrations/', {
      name: 'Bench hook',
      type: 'webhook',
      config: { url: hookUrl, secret },
    });
    await api(services.get('api')!.url, seed, 'POST', 'alert-rules/', { project: seed.project, integration: integration.id });

    const busy = await waitForQuiet(options.quietPercent, options.quietWaitSec * SECOND);
    if (busy > options.quietPercent) log(`the machine is still ${busy.toFixed(0)} % busy with other work after ${options.quietWaitSec} s; measuring anyway`);
    const loadBefore = loadavg();

    // The slot: a whole minute at least `lead` seconds ahead; every check-in must be more than 60 s before it
    // (earlier counts for the previous day's slot; within 60 s it would count for this one).
    const slot = Math.ceil((Date.now() + options.leadSec * SECOND) / MINUTE) * MINUTE;
    const deadline = slot + MARGIN_MINUTES * MINUTE;
    const crontab = `${new Date(slot).getUTCMinutes()} ${new Date(slot).getUTCHours()} * * *`;
    log(`creating ${options.monitors} monitors (crontab "${crontab}" UTC): slot ${new Date(slot).toISOString()}, deadline ${new Date(deadline).toISOString()}`);
    const createStart = Date.now();
    await createMonitors(services.get('ingest')!.url, seed, options.monitors, crontab, options.concurrency);
    const createMs = Date.now() - createStart;
    log(`created in ${(createMs / 1000).toFixed(1)} s`);
    if (Date.now() >= slot - 61 * SECOND)
      throw new Error(`creating the monitors ended within 61 s of their slot: their check-ins may count for it; run again with a larger --lead`);
    const { rows: monitorRows } = await pg.query<{ id: string; slug: string }>(
      `SELECT id, slug FROM monitors WHERE project_id = $1 AND slug LIKE 'bench-notify-%'`,
      [seed.projectId],
    );
    if (monitorRows.length !== options.monitors) throw new Error(`${monitorRows.length} monitors in Postgres, ${options.monitors} expected`);
    const monitorIds = new Set(monitorRows.map((row) => row.id));

    // Idle until 10 s before the deadline, then measure the background (pulses only) and the window.
    const untilPre = deadline - 10 * SECOND - Date.now();
    log(`waiting ${(untilPre / 1000).toFixed(0)} s for the deadline`);
    if (untilPre > 0) await sleep(untilPre);
    const preTicks = machineTicks();
    await sleep(Math.max(0, deadline - Date.now()));
    const atDeadline = machineTicks();
    const loadAtDeadline = loadavg();
    const cpuAtDeadline = new Map([...pids].map(([name, pid]) => [name, pid === undefined ? Number.NaN : cpuSeconds(pid)]));
    log('deadline passed; waiting for the webhooks');
    const timeoutAt = deadline + options.timeoutSec * SECOND;
    const distinct = () => new Set(receiver.requests.map((request) => request.deliveryId)).size;
    let lastCount = -1;
    while (distinct() < options.monitors && Date.now() < timeoutAt) {
      await sleep(50);
      const count = receiver.requests.length;
      if (count !== lastCount && (count === 0 || Math.floor(count / 250) !== Math.floor(lastCount / 250))) log(`${count} webhooks so far`);
      lastCount = count;
    }
    const windowEnd = Date.now();
    const afterTicks = machineTicks();
    const loadAfter = loadavg();
    const cpu: CpuUse[] = [...pids].map(([name, pid]) => ({
      service: name,
      seconds: pid === undefined ? Number.NaN : cpuSeconds(pid) - (cpuAtDeadline.get(name) ?? Number.NaN),
    }));
    log(`${receiver.requests.length} webhooks, ${distinct()} distinct deliveries; a few seconds more for late repeats`);
    await sleep(3 * SECOND);

    // What arrived.
    const received = new Map<string, Received>();
    let duplicates = 0;
    let badSignatures = 0;
    let wrongBodies = 0;
    const receivedByMonitor = new Map<string, number>();
    for (const request of receiver.requests) {
      if (!signatureValid(secret, request.signature, request.body)) badSignatures += 1;
      const body = JSON.parse(request.body) as {
        type: string;
        event_id: string;
        monitor: { id: string };
        environment: string;
        checkin: { status: string; expected_at: string };
      };
      const expectedAt = Date.parse(body.checkin.expected_at);
      if (
        body.type !== 'issue.opened' ||
        body.checkin.status !== 'missed' ||
        expectedAt !== slot ||
        body.environment !== ENVIRONMENT ||
        !monitorIds.has(body.monitor.id) ||
        body.event_id !== request.deliveryId
      )
        wrongBodies += 1;
      if (request.deliveryId === undefined || received.has(request.deliveryId)) {
        duplicates += 1;
        continue;
      }
      received.set(request.deliveryId, request);
      if (!receivedByMonitor.has(body.monitor.id)) receivedByMonitor.set(body.monitor.id, request.at);
    }
    const arrivals = [...received.values()].map((request) => request.at).sort((a, b) => a - b);
    const firstAt = arrivals[0] ?? Number.NaN;
    const lastAt = arrivals[arrivals.length - 1] ?? Number.NaN;

    // Stage timestamps: Kafka records, then Postgres.
    log('reading stage timestamps from Kafka and Postgres');
    const stages = new Map<string, MonitorStages>([...monitorIds].map((id) => [id, {}]));
    const kafkaLogger = createLogger('bench', 'warn');
    const kafka = createKafkaClient(config, 'vigil-bench-notify', kafkaLogger);
    const prefix = config.VIGIL_KAFKA_TOPIC_PREFIX;
    // Every partition from its start, with the records' CreateTime.
    const readTopic = (topic: TopicName, onRecord: (record: StoredRecord) => void): Promise<number> =>
      readPartitionsToEnd(kafka, kafkaLogger, { topic, prefix, partitions: [...Array(TOPICS[topic].partitions).keys()], onRecord });
    const partitionOf = new Map<string, number>();
    let missedCount = 0;
    await readTopic('vigil.monitor-events.v1', (record) => {
      const event = decodeMessage('vigil.monitor-events.v1', record.value ?? Buffer.alloc(0));
      const entry = stages.get(event.monitor_id);
      if (!entry || event.kind !== 'missed' || event.slot !== slot) return;
      missedCount += 1;
      partitionOf.set(event.monitor_id, record.partition);
      entry.missed = Math.min(entry.missed ?? Infinity, record.timestamp);
    });
    // The first pulse dated at or after the deadline, per check-ins partition (the same number as the events'
    // partition: both topics have 12 partitions and the same key).
    const firstPulse = new Map<number, number>();
    await readTopic('vigil.checkins.v1', (record) => {
      const at = pulseTime(record.headers);
      if (at === null || at < deadline) return;
      const known = firstPulse.get(record.partition);
      if (known === undefined || record.timestamp < known) firstPulse.set(record.partition, record.timestamp);
    });
    for (const [id, entry] of stages) {
      const partition = partitionOf.get(id);
      if (partition !== undefined) entry.pulse = firstPulse.get(partition);
    }
    let openedCount = 0;
    await readTopic('vigil.issues.v1', (record) => {
      const event = decodeMessage('vigil.issues.v1', record.value ?? Buffer.alloc(0));
      const entry = stages.get(event.monitor_id);
      if (!entry || event.kind !== 'issue.opened') return;
      openedCount += 1;
      entry.issueEvent = Math.min(entry.issueEvent ?? Infinity, record.timestamp);
    });
    const { rows: issueRows } = await pg.query<{ monitor_id: string; created_at: Date }>(`SELECT monitor_id, created_at FROM issues WHERE project_id = $1`, [
      seed.projectId,
    ]);
    for (const row of issueRows) {
      const entry = stages.get(row.monitor_id);
      if (entry) entry.issueRow = row.created_at.getTime();
    }
    const { rows: deliveryRows } = await pg.query<{
      monitor_id: string;
      status: string;
      created_at: Date;
      started_at: Date | null;
      finished_at: Date | null;
      attempts: number;
    }>(
      `SELECT d.alert->'monitor'->>'id' AS monitor_id, d.status, d.created_at, d.attempts,
              (SELECT min(a.started_at) FROM delivery_attempts a WHERE a.delivery_id = d.id) AS started_at,
              (SELECT max(a.finished_at) FROM delivery_attempts a WHERE a.delivery_id = d.id) AS finished_at
         FROM deliveries d WHERE d.integration_id = $1 AND d.kind = 'opened'`,
      [integration.id],
    );
    for (const row of deliveryRows) {
      const entry = stages.get(row.monitor_id);
      if (!entry) continue;
      entry.ledger = row.created_at.getTime();
      if (row.started_at) entry.attemptStarted = row.started_at.getTime();
      if (row.finished_at) entry.attemptFinished = row.finished_at.getTime();
    }
    for (const [id, at] of receivedByMonitor) {
      const entry = stages.get(id);
      if (entry) entry.received = at;
    }
    const stageStats = new Map<keyof MonitorStages, Stats>();
    for (const stage of STAGES) {
      const values = [...stages.values()]
        .map((entry) => entry[stage.key])
        .filter((value): value is number => value !== undefined && Number.isFinite(value))
        .map((value) => value - deadline);
      if (values.length > 0) stageStats.set(stage.key, statsOf(values));
    }

    const windowMs = windowEnd - deadline;
    const busyOf = (from: { busy: number; total: number }, to: { busy: number; total: number }) =>
      to.total > from.total ? ((to.busy - from.busy) / (to.total - from.total)) * 100 : Number.NaN;
    const report: Report = {
      machine: describeMachine(REPO_ROOT),
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      options,
      slot,
      deadline,
      crontab,
      createMs,
      loadBefore,
      loadAtDeadline,
      loadAfter,
      backgroundPercent: busy,
      preDeadlinePercent: busyOf(preTicks, atDeadline),
      windowPercent: busyOf(atDeadline, afterTicks),
      windowMs,
      cpu,
      stages: stageStats,
      e2e: statsOf(arrivals.map((at) => at - deadline)),
      received: received.size,
      distinctDeliveries: received.size,
      duplicates,
      badSignatures,
      wrongBodies,
      monitorsCovered: receivedByMonitor.size,
      firstAt,
      lastAt,
      perSecond: arrivals.length > 1 ? ((arrivals.length - 1) * SECOND) / (lastAt - firstAt) : Number.NaN,
      counts: {
        missed: missedCount,
        issueOpened: openedCount,
        ledger: deliveryRows.length,
        succeeded: deliveryRows.filter((row) => row.status === 'succeeded').length,
        attempts: deliveryRows.reduce((sum, row) => sum + Number(row.attempts), 0),
      },
      notifierConcurrency: config.VIGIL_NOTIFIER_CONCURRENCY,
      batches: {
        issues: new Set(issueRows.map((row) => row.created_at.getTime())).size,
        ledger: new Set(deliveryRows.map((row) => row.created_at.getTime())).size,
      },
    };
    const section = renderReport(report);
    publishSection('notify', section, options.write, PREAMBLE, log);
    logServiceErrors(services, log);
  } finally {
    await Promise.allSettled([...services.values()].map((service) => service.stop()));
    await pg.end().catch(() => undefined);
    await receiver.stop();
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

runBench('notify', main);
