import './slot';
import { physicalTopicName } from '@vigil/contracts';
import { createKafkaClient } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { ensureStack, REPO_ROOT, resetTestStores, ServiceProcess, testConfig, testEnv } from '@vigil/testing';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runBench } from '../support/finish';
import { formatSummary, summarizeProfile } from '../support/cpu-profile';
import { runLoad, type LoadRequest, type LoadResult } from '../support/load';
import { describeMachine, machineLine, type Machine } from '../support/machine';
import { markdownTable, writeSection } from '../support/markdown';
import { positiveOption } from '../support/options';
import { BENCHMARKS_PREAMBLE } from '../support/preamble';
import { cpuWindow, findChild, memory, waitForQuiet, type CpuWindow } from '../support/proc';
import { seedDefault } from '../support/seed';
import { BENCH_MONITOR_SLUG, createMonitorEnvelope, ENVELOPE_CONTENT_TYPE, envelopeRequest, pingRequest, sentryAuth } from './payloads';

/**
 * `npm run bench:ingest`: accepted check-ins per second and latency of the ingest service (ping URLs and
 * Sentry envelopes, answered after Kafka's acknowledgement), beside a bare node:http server doing only the
 * parsing (the ceiling), and beside ingest with its metrics off (what they cost), measured in the same run on the
 * same machine. Writes its section of docs/benchmarks.md and prints it.
 *
 *   --profile   run ingest under V8's CPU profiler (one process per case), print where its time goes and
 *               leave docs/benchmarks.md alone (the profiler slows it down)
 *   --no-write  print only
 */

interface Options {
  connections: number;
  warmupSec: number;
  durationSec: number;
  rate: number;
  rateConnections: number;
  rateWarmupSec: number;
  rateDurationSec: number;
  quietPercent: number;
  quietWaitSec: number;
  profile: boolean;
  write: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const number = (name: string, fallback: number): number => positiveOption(argv, name, fallback);
  const profile = argv.includes('--profile');
  return {
    connections: number('connections', 64),
    warmupSec: number('warmup', 3),
    durationSec: number('duration', 12),
    rate: number('rate', 2000),
    rateConnections: number('rate-connections', 64),
    rateWarmupSec: number('rate-warmup', 2),
    rateDurationSec: number('rate-duration', 15),
    quietPercent: number('quiet-percent', 15),
    quietWaitSec: number('quiet-wait', 180),
    profile,
    write: !profile && !argv.includes('--no-write'),
  };
}

type Case = 'ping' | 'envelope';
/** `ingest` runs with VIGIL_METRICS=on (the default), `ingest-no-metrics` with it off: what metrics cost the hot path. */
type Server = 'bare' | 'ingest' | 'ingest-no-metrics';

interface Measurement {
  server: Server;
  kind: Case;
  throughput: LoadResult;
  throughputCpu: CpuWindow;
  fixedRate: LoadResult;
  fixedRateCpu: CpuWindow;
  /** The machine's CPU use just before the throughput and the fixed-rate measurement, with the server idle. */
  background: [number, number];
}

interface Seed {
  projectId: number;
  publicKey: string;
  pingUuid: string;
}

function log(message: string): void {
  process.stderr.write(`[bench:ingest] ${message}\n`);
}

/** Creates the bench monitor by sending one envelope with monitor_config, then reads its ping UUID. */
async function createMonitor(ingestUrl: string, postgresUrl: string, projectId: number, publicKey: string): Promise<string> {
  const response = await fetch(`${ingestUrl}/api/${projectId}/envelope/`, {
    method: 'POST',
    headers: { 'content-type': ENVELOPE_CONTENT_TYPE, 'x-sentry-auth': sentryAuth(publicKey) },
    body: createMonitorEnvelope(),
  });
  if (!response.ok) throw new Error(`creating the monitor failed: ${response.status} ${await response.text()}`);
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const result = await client.query<{ ping_uuid: string }>('SELECT ping_uuid FROM monitors WHERE project_id = $1 AND slug = $2', [
      projectId,
      BENCH_MONITOR_SLUG,
    ]);
    const pingUuid = result.rows[0]?.ping_uuid;
    if (!pingUuid) throw new Error(`monitor ${BENCH_MONITOR_SLUG} not found in Postgres after its envelope was accepted`);
    return pingUuid;
  } finally {
    await client.end();
  }
}

/** The bare server as a process of its own; resolves with its origin once it listens. */
async function startBare(): Promise<{ child: ChildProcess; origin: string }> {
  const child = fork(join(__dirname, 'bare-server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { child, origin: `http://127.0.0.1:${port}` };
}

async function stopBare(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** One request first, so a broken setup fails loudly instead of measuring error answers. */
async function probe(origin: string, request: LoadRequest): Promise<void> {
  const response = await fetch(`${origin}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.bodyTemplate?.replace('{{uuid}}', crypto.randomUUID().replace(/-/g, '')),
  });
  if (response.status < 200 || response.status > 299)
    throw new Error(`${request.method} ${origin}${request.path} answered ${response.status}: ${await response.text()}`);
}

async function quiet(options: Options): Promise<number> {
  const busy = await waitForQuiet(options.quietPercent, options.quietWaitSec * 1000);
  if (busy > options.quietPercent) log(`the machine is still ${busy.toFixed(0)} % busy with other work after ${options.quietWaitSec} s; measuring anyway`);
  return busy;
}

async function measure(server: Server, kind: Case, origin: string, pid: number, request: LoadRequest, options: Options): Promise<Measurement> {
  await probe(origin, request);
  const backgroundBefore = await quiet(options);
  log(`${server} ${kind}: closed loop, ${options.connections} connections, ${options.warmupSec} s warm-up + ${options.durationSec} s`);
  let window = cpuWindow(pid);
  const throughput = await runLoad({
    kind: 'closed',
    origin,
    request,
    connections: options.connections,
    warmupSec: options.warmupSec,
    durationSec: options.durationSec,
  });
  const throughputCpu = window();
  log(
    `${server} ${kind}: ${throughput.okPerSecond.toFixed(0)}/s, p50 ${throughput.latency.p50.toFixed(2)} ms, p99 ${throughput.latency.p99.toFixed(2)} ms, server CPU ${throughputCpu.processPercent.toFixed(0)} %`,
  );
  const backgroundBetween = await quiet(options);
  log(`${server} ${kind}: open loop at ${options.rate}/s, ${options.rateWarmupSec} s warm-up + ${options.rateDurationSec} s`);
  window = cpuWindow(pid);
  const fixedRate = await runLoad({
    kind: 'open',
    origin,
    request,
    rate: options.rate,
    connections: options.rateConnections,
    warmupSec: options.rateWarmupSec,
    durationSec: options.rateDurationSec,
  });
  const fixedRateCpu = window();
  log(
    `${server} ${kind}: achieved ${fixedRate.okPerSecond.toFixed(0)}/s, p50 ${fixedRate.latency.p50.toFixed(2)} ms, p99 ${fixedRate.latency.p99.toFixed(2)} ms, max ${fixedRate.latency.max.toFixed(1)} ms`,
  );
  return { server, kind, throughput, throughputCpu, fixedRate, fixedRateCpu, background: [backgroundBefore, backgroundBetween] };
}

/** Messages on the bench's check-ins topic so far (sum of the partitions' high watermarks). */
async function checkinsOnTopic(): Promise<number> {
  const config = testConfig();
  const kafka = createKafkaClient(config, 'vigil-bench', createLogger('bench', 'warn'));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(physicalTopicName('vigil.checkins.v1', config.VIGIL_KAFKA_TOPIC_PREFIX));
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const ms = (value: number) => fmt(value, value < 10 ? 2 : 1);
const failures = (result: LoadResult) => (result.non2xx + result.errors === 0 ? '0' : `${result.non2xx} non-2xx, ${result.errors} errors`);

interface Report {
  machine: Machine;
  date: string;
  options: Options;
  measurements: Measurement[];
  ingestMemory: { rssMiB: number; peakMiB: number };
  kafka: { written: number; accepted: number };
}

/**
 * Every accepted check-in must be on the topic. A closed loop stops with up to `connections` requests in flight,
 * which ingest still writes, so the topic may hold up to that many more per closed-loop run (warm-ups included).
 */
function kafkaLine(report: Report): string {
  const { written, accepted } = report.kafka;
  const closedRuns = report.measurements.filter((m) => m.server !== 'bare').length * (report.options.warmupSec > 0 ? 2 : 1);
  const slack = closedRuns * report.options.connections;
  const consistent = written >= accepted && written <= accepted + slack;
  return (
    `Kafka check: ${fmt(written)} messages reached the check-ins topic during the run for ${fmt(accepted)} check-ins answered 2xx (warm-ups included; ` +
    `up to ${fmt(slack)} more may come from requests still in flight when a closed-loop run stops): ${consistent ? 'consistent' : '**inconsistent**'}.`
  );
}

function renderReport(report: Report): string {
  const { options, measurements } = report;
  const find = (server: Server, kind: Case) => measurements.find((m) => m.server === server && m.kind === kind);
  const label = (m: Measurement) =>
    `${m.server === 'bare' ? 'bare node:http' : m.server === 'ingest' ? 'ingest' : 'ingest, metrics off'} ${m.kind === 'ping' ? 'ping (`GET /ping/<uuid>`)' : 'envelope (`POST /api/<id>/envelope/`)'}`;
  const ratio = (m: Measurement) => {
    const bare = find('bare', m.kind);
    return m.server === 'bare' || !bare ? '1.00 (ceiling)' : fmt(m.throughput.okPerSecond / bare.throughput.okPerSecond, 2);
  };
  const throughputTable = markdownTable(
    [
      { title: 'target' },
      { title: 'accepted/s', align: 'right' },
      { title: 'ingest/bare', align: 'right' },
      { title: 'p50 ms', align: 'right' },
      { title: 'p99 ms', align: 'right' },
      { title: 'max ms', align: 'right' },
      { title: 'failed' },
      { title: 'server CPU (% of a core)', align: 'right' },
      { title: 'machine CPU', align: 'right' },
    ],
    measurements.map((m) => [
      label(m),
      fmt(m.throughput.okPerSecond),
      ratio(m),
      ms(m.throughput.latency.p50),
      ms(m.throughput.latency.p99),
      ms(m.throughput.latency.max),
      failures(m.throughput),
      `${fmt(m.throughputCpu.processPercent)} %`,
      `${fmt(m.throughputCpu.machinePercent)} %`,
    ]),
  );
  const rateTable = markdownTable(
    [
      { title: 'target' },
      { title: 'achieved/s', align: 'right' },
      { title: 'p50 ms', align: 'right' },
      { title: 'p99 ms', align: 'right' },
      { title: 'max ms', align: 'right' },
      { title: 'failed' },
      { title: 'server CPU (% of a core)', align: 'right' },
      { title: 'machine CPU', align: 'right' },
    ],
    measurements.map((m) => [
      label(m),
      fmt(m.fixedRate.okPerSecond),
      ms(m.fixedRate.latency.p50),
      ms(m.fixedRate.latency.p99),
      ms(m.fixedRate.latency.max),
      failures(m.fixedRate),
      `${fmt(m.fixedRateCpu.processPercent)} %`,
      `${fmt(m.fixedRateCpu.machinePercent)} %`,
    ]),
  );
  const targets: string[][] = [];
  for (const kind of ['ping', 'envelope'] as const) {
    const ingest = find('ingest', kind);
    const bare = find('bare', kind);
    if (!ingest || !bare) continue;
    const share = ingest.throughput.okPerSecond / bare.throughput.okPerSecond;
    targets.push([
      `${kind}: throughput at least half of bare`,
      `${fmt(share * 100)} % of bare (${fmt(ingest.throughput.okPerSecond)} vs ${fmt(bare.throughput.okPerSecond)}/s)`,
      share >= 0.5 ? 'met' : '**missed**',
    ]);
    const p99 = ingest.fixedRate.latency.p99;
    const reached = ingest.fixedRate.okPerSecond >= options.rate * 0.98;
    targets.push([
      `${kind}: p99 under 20 ms at ${fmt(options.rate)}/s`,
      `p99 ${ms(p99)} ms at ${fmt(ingest.fixedRate.okPerSecond)}/s achieved`,
      p99 < 20 && reached ? 'met' : '**missed**',
    ]);
    const off = find('ingest-no-metrics', kind);
    if (off) {
      const cost = 1 - ingest.throughput.okPerSecond / off.throughput.okPerSecond;
      targets.push([
        `${kind}: metrics cost at most 5 % of throughput`,
        `${fmt(ingest.throughput.okPerSecond)}/s with metrics, ${fmt(off.throughput.okPerSecond)}/s without: ${cost >= 0 ? `${fmt(cost * 100, 1)} % less` : `${fmt(-cost * 100, 1)} % more`}`,
        cost <= 0.05 ? 'met' : '**missed**',
      ]);
    }
  }
  const targetTable = markdownTable([{ title: 'target' }, { title: 'measured' }, { title: 'result' }], targets);
  return [
    '## Ingest: `npm run bench:ingest`',
    '',
    `Measured ${report.date} on ${machineLine(report.machine)}.`,
    '',
    `Ingest runs as a real process from \`services/ingest/dist\` (\`VIGIL_LOG_LEVEL=warn\`) on test slot 9's stores, and answers after Kafka acknowledged each check-in. ` +
      `The bare server is a \`node:http\` process that parses the ping URL, or splits the same envelope and parses its JSON, and answers 202. ` +
      `The load generator is a process of its own. Kafka, Postgres and ClickHouse run on the same machine, so every process here shares its ${report.machine.cores} cores. ` +
      'Each envelope carries a fresh `check_in_id`; latencies are of 2xx answers. All check-ins go to one monitor, whose rate limit ' +
      '(`VIGIL_CHECKIN_RATE_PER_MINUTE`, `VIGIL_CHECKIN_RATE_BURST`) is set to 1,000,000 so the limiter runs but never refuses. ' +
      '"ingest" has its Prometheus metrics on (the default: every check-in counted and every request timed); "ingest, metrics off" is a second ingest process with `VIGIL_METRICS=off`, measured after it in the same run.',
    '',
    `### Maximum throughput: closed loop, ${options.connections} connections, ${options.durationSec} s after ${options.warmupSec} s warm-up (autocannon)`,
    '',
    throughputTable,
    '',
    `### Latency at a fixed ${fmt(options.rate)} check-ins/s: open loop, ${options.rateDurationSec} s after ${options.rateWarmupSec} s warm-up`,
    '',
    `Requests leave on schedule (one every ${fmt(1000 / options.rate, 2)} ms, up to ${options.rateConnections} keep-alive connections) whatever the server does; latency counts from the scheduled send time.`,
    '',
    rateTable,
    '',
    '### Targets',
    '',
    targetTable,
    '',
    `Machine CPU use just before each measurement (other work on the machine; the bench waits up to ${options.quietWaitSec} s for at most ${options.quietPercent} %): ` +
      measurements.map((m) => `${m.server} ${m.kind} ${fmt(m.background[0])} % / ${fmt(m.background[1])} %`).join(', ') +
      '.',
    `Ingest's memory after the run: RSS ${fmt(report.ingestMemory.rssMiB)} MiB (peak ${fmt(report.ingestMemory.peakMiB)} MiB).`,
    kafkaLine(report),
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  log(`stack: ${await ensureStack()}`);
  // Every check-in goes to one monitor: its rate limit is set far above the offered load, so the limiter
  // runs on every check-in but never refuses one.
  // No ingest beats (decision 0023): 12 records a second whatever the load, which the Kafka check would count as
  // check-ins that nobody sent.
  const env = testEnv({ VIGIL_LOG_LEVEL: 'warn', VIGIL_CHECKIN_RATE_PER_MINUTE: '1000000', VIGIL_CHECKIN_RATE_BURST: '1000000', VIGIL_INGEST_BEAT_MS: '0' });
  const config = testConfig();
  log(
    `resetting test slot ${process.env['VIGIL_TEST_SLOT']}'s stores (${new URL(config.VIGIL_POSTGRES_URL).pathname.slice(1)}, topics ${config.VIGIL_KAFKA_TOPIC_PREFIX}*)`,
  );
  await resetTestStores(config);
  const { projectId, publicKey } = seedDefault(env);
  const topicBefore = await checkinsOnTopic();

  const measurements: Measurement[] = [];
  const bare = await startBare();
  try {
    const pid = bare.child.pid ?? 0;
    // The bare server needs no seeded UUID; any valid one is parsed the same way.
    measurements.push(await measure('bare', 'ping', bare.origin, pid, pingRequest(crypto.randomUUID()), options));
    measurements.push(await measure('bare', 'envelope', bare.origin, pid, envelopeRequest(projectId, publicKey), options));
  } finally {
    await stopBare(bare.child);
  }

  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'vigil-bench-ingest-prof-')) : undefined;
  // Normally one ingest process serves both cases; profiling gives each case its own process and profile.
  // Without profiling, a second ingest process with VIGIL_METRICS=off measures both cases again: what metrics cost.
  const sessions: Array<{ cases: Case[]; server: Server }> = options.profile
    ? [
        { cases: ['ping'], server: 'ingest' },
        { cases: ['envelope'], server: 'ingest' },
      ]
    : [
        { cases: ['ping', 'envelope'], server: 'ingest' },
        { cases: ['ping', 'envelope'], server: 'ingest-no-metrics' },
      ];
  let seed: Seed | undefined;
  let ingestMemory = { rssMiB: Number.NaN, peakMiB: Number.NaN };
  let accepted = 1;
  for (const { cases, server } of sessions) {
    const sessionDir = profileDir ? join(profileDir, cases.join('-')) : undefined;
    const preload = join(__dirname, '..', 'support', 'cpu-profiler-preload.js');
    const nodeOptions: Record<string, string> = sessionDir
      ? { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --require ${preload}`.trim(), VIGIL_BENCH_PROFILE_DIR: sessionDir }
      : {};
    const ingest = await ServiceProcess.start('ingest', { ...env, ...nodeOptions, VIGIL_METRICS: server === 'ingest' ? 'on' : 'off' });
    try {
      const pid = findChild(process.pid, join('services', 'ingest', 'dist', 'main.js'));
      if (pid === undefined) throw new Error('cannot find the ingest process');
      if (!seed) seed = { projectId, publicKey, pingUuid: await createMonitor(ingest.url, config.VIGIL_POSTGRES_URL, projectId, publicKey) };
      for (const kind of cases) {
        const request = kind === 'ping' ? pingRequest(seed.pingUuid) : envelopeRequest(seed.projectId, seed.publicKey);
        const m = await measure(server, kind, ingest.url, pid, request, options);
        measurements.push(m);
        accepted += 1 + m.throughput.ok + m.throughput.warmupOk + m.fixedRate.ok + m.fixedRate.warmupOk;
      }
      if (server === 'ingest') ingestMemory = memory(pid);
      if (sessionDir) {
        process.kill(pid, 'SIGUSR2');
        const file = join(sessionDir, `${pid}.cpuprofile`);
        const deadline = Date.now() + 30000;
        while (!existsSync(file) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      const code = await ingest.stop();
      if (code !== 0) log(`ingest exited with ${code}:\n${ingest.logs}`);
      const errors = ingest.logs.split('\n').filter((line) => line.includes('"level":"error"'));
      if (code === 0 && errors.length > 0) log(`ingest logged ${errors.length} errors, the last:\n${errors.slice(-3).join('\n')}`);
    }
  }
  const written = (await checkinsOnTopic()) - topicBefore;

  const report: Report = {
    machine: describeMachine(REPO_ROOT),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    options,
    measurements,
    ingestMemory,
    kafka: { written, accepted },
  };
  const section = renderReport(report);
  process.stdout.write(`\n${section}\n`);
  if (profileDir) {
    for (const { cases } of sessions) {
      const dir = join(profileDir, cases.join('-'));
      for (const file of existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')) : []) {
        process.stdout.write(`\n### CPU profile of ingest, ${cases.join(' + ')} (${join(dir, file)})\n\n${formatSummary(summarizeProfile(join(dir, file)))}\n`);
      }
    }
  }
  if (options.write) {
    const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
    writeSection(file, 'ingest', section, BENCHMARKS_PREAMBLE);
    log(`wrote ${file}`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

runBench('ingest', main);
