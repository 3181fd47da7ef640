import './slot';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import type { ConsumingService } from '@vigil/contracts';
import { createKafkaClient } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import type { Admin } from 'kafkajs';
import { ensureStack, REPO_ROOT, resetTestStores, ServiceProcess, testConfig, testEnv, type ServiceName } from '@vigil/testing';
import { logServiceErrors, publishSection, runBench } from '../support/finish';
import { describeMachine } from '../support/machine';
import { positiveOption } from '../support/options';
import { BENCHMARKS_PREAMBLE } from '../support/preamble';
import { machineTicks, waitForQuiet } from '../support/proc';
import { seedDefault, type Seed } from '../support/seed';
import { consumerLag, type Lag } from './consumer-lag';
import { checkHistory, type HistoryCheck } from './history-check';
import { LoadGenerator } from './load-generator';
import { createPopulation } from './population';
import { findProcesses, readAll, single } from './processes';
import { renderReport, type Options, type Report, type StepReport } from './report';
import { VisibilityPoller } from './visibility';
import { WebhookReceiver } from './webhook-receiver';

/**
 * `npm run bench:pipeline` (issue #17): the whole of Vigil on one machine under a stepped, open-loop load.
 *
 * Every service runs as a real process from its build output with its default settings, on test slot 9's stores
 * (reset at the start; the stack is started if it is down). 1,000 monitors: half Sentry monitors created by
 * envelopes with monitor_config, half Healthchecks checks created through the Management API v3, all on
 * `* * * * *`; a few of them (`--silent`) never check in again and miss every minute. A webhook integration and a
 * project-wide alert rule point at a loopback receiver in this process. The load generator (a process of its own)
 * sends each job run as a start and a finish, half envelopes and half pings, about 1 % failing, at each rate of
 * `--steps` for `--step-seconds`, and stops after the step where ingest's p99 passed `--p99-limit` ms or a
 * check-in was lost. Per step: offered and achieved rate, ingest p50/p99 from the scheduled send time, visibility
 * through the API (a sample), CPU per check-in and memory of every process (the services, Kafka, ClickHouse,
 * Postgres), consumer lag, and a count in ClickHouse of every accepted check-in.
 *
 *   --steps 250,500,1000,2000   check-ins per second of each step (starts and finishes together)
 *   --step-seconds 60           length of each step's schedule
 *   --monitors 1000             monitors in all (half of each kind)
 *   --silent 10                 of them, monitors that miss every minute (half of each kind)
 *   --run-seconds 2             from a run's start to its finish
 *   --connections 64            keep-alive connections of the load generator at most
 *   --visibility-sample 100     one accepted check-in in this many is looked for through the API
 *   --poll-ms 200               how often the API is asked about one monitor's sampled check-ins
 *   --visibility-timeout 30     seconds after which a sample counts as not visible
 *   --settle-timeout 120        seconds to wait after a step for ClickHouse to hold its check-ins and the consumers to catch up
 *   --p99-limit 20              ingest p99 (ms) beyond which no further step runs
 *   --idle-seconds 10           the idle measurement before the first step (the background of every process)
 *   --quiet-percent 40, --quiet-wait 120: before the idle measurement and before each step, wait (at most quiet-wait
 *                               seconds) until the machine's CPU use stays under quiet-percent for 3 s; the services'
 *                               own background (clock pulses, polls) is part of it
 *   --log-level info            the services' log level (info is their default)
 *   --no-write                  print only; leave docs/benchmarks.md alone
 */

const SERVICES: readonly ServiceName[] = ['ingest', 'api', 'history', 'scheduler', 'issues', 'notifier'];
const CONSUMERS: readonly ConsumingService[] = ['history', 'scheduler', 'issues', 'notifier'];
/** Messages a consumer group may lag behind and still count as caught up: the scheduler writes clock pulses into the check-ins topic all the time. */
const CAUGHT_UP_LAG = 200;

function parseOptions(argv: readonly string[]): Options {
  const number = (name: string, fallback: number): number => positiveOption(argv, name, fallback);
  const stepsIndex = argv.indexOf('--steps');
  const steps = stepsIndex === -1 ? [250, 500, 1000, 2000] : (argv[stepsIndex + 1] ?? '').split(',').map(Number);
  if (steps.length === 0 || steps.some((rate) => !Number.isFinite(rate) || rate <= 0)) throw new Error('--steps needs positive rates, comma-separated');
  const levelIndex = argv.indexOf('--log-level');
  return {
    steps,
    stepSeconds: number('step-seconds', 60),
    monitors: Math.floor(number('monitors', 1000)),
    silent: Math.floor(number('silent', 10)),
    runSeconds: number('run-seconds', 2),
    connections: Math.floor(number('connections', 64)),
    sampleEvery: Math.floor(number('visibility-sample', 100)),
    pollMs: number('poll-ms', 200),
    visibilityTimeoutSec: number('visibility-timeout', 30),
    settleTimeoutSec: number('settle-timeout', 120),
    p99LimitMs: number('p99-limit', 20),
    idleSeconds: number('idle-seconds', 10),
    quietPercent: number('quiet-percent', 40),
    quietWaitSec: number('quiet-wait', 120),
    logLevel: levelIndex === -1 ? 'info' : (argv[levelIndex + 1] ?? 'info'),
    write: !argv.includes('--no-write'),
  };
}

function log(message: string): void {
  process.stderr.write(`[bench:pipeline] ${new Date().toISOString().slice(11, 23)} ${message}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The API's answer, parsed as `T`. */
async function api<T>(origin: string, seed: Seed, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${origin}/api/0/organizations/${seed.org}/${path}`, {
    method,
    headers: { authorization: `Bearer ${seed.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Waits for the machine to be quiet (other work on it would take the cores the bench measures); returns its CPU use. */
async function quiet(options: Options): Promise<number> {
  const busy = await waitForQuiet(options.quietPercent, options.quietWaitSec * 1000);
  if (busy > options.quietPercent) log(`the machine is still ${busy.toFixed(0)} % busy after ${options.quietWaitSec} s; measuring anyway`);
  return busy;
}

function lagTotal(lags: readonly Lag[], service: string): number {
  return lags.filter((lag) => lag.service === service).reduce((sum, lag) => sum + lag.messages, 0);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  log(`stack: ${await ensureStack()}`);
  const config = testConfig();
  log(
    `resetting test slot ${process.env['VIGIL_TEST_SLOT']}'s stores (${new URL(config.VIGIL_POSTGRES_URL).pathname.slice(1)}, topics ${config.VIGIL_KAFKA_TOPIC_PREFIX}*)`,
  );
  // ClickHouse's DROP DATABASE can outlast the client's timeout on a busy machine: try again a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      await resetTestStores(config);
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      log(`resetting the stores failed (${error instanceof Error ? error.message : String(error)}); again in 5 s`);
      await sleep(5000);
    }
  }

  const receiver = new WebhookReceiver();
  const hookUrl = await receiver.start();
  const env = testEnv({ VIGIL_LOG_LEVEL: options.logLevel, VIGIL_NOTIFIER_ALLOWED_CIDRS: '127.0.0.0/8' });
  const seed = seedDefault(env);
  const services = new Map<ServiceName, ServiceProcess>();
  let generator: LoadGenerator | undefined;
  let poller: VisibilityPoller | undefined;
  let admin: Admin | undefined;
  try {
    log(`starting ${SERVICES.join(', ')}`);
    const startedServices = await Promise.allSettled(SERVICES.map(async (name) => services.set(name, await ServiceProcess.start(name, env))));
    const failed = startedServices.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    const url = (name: ServiceName) => services.get(name)!.url;
    const vigil = findProcesses(SERVICES, process.env['VIGIL_STACK_DIR']);

    const integration = await api<{ id: string }>(url('api'), seed, 'POST', 'integrations/', {
      name: 'Bench pipeline hook',
      type: 'webhook',
      config: { url: hookUrl, secret: `vigil_whsec_${randomBytes(16).toString('hex')}` },
    });
    await api(url('api'), seed, 'POST', 'alert-rules/', { project: seed.project, integration: integration.id });

    log(`creating ${options.monitors} monitors (${options.silent} silent)`);
    const createStart = Date.now();
    const population = await createPopulation({ ingest: url('ingest'), api: url('api') }, seed, options.monitors, options.silent, 16);
    const createMs = Date.now() - createStart;
    log(`created ${population.loaded.length + population.silent.length} monitors in ${(createMs / 1000).toFixed(1)} s`);

    const idPrefix = randomBytes(4).toString('hex');
    const visibility = new VisibilityPoller(url('api'), seed.org, seed.token, options.pollMs, options.visibilityTimeoutSec * 1000, 4);
    poller = visibility;
    visibility.start();
    generator = await LoadGenerator.start(
      {
        type: 'init',
        origin: url('ingest'),
        projectId: seed.projectId,
        publicKey: seed.publicKey,
        monitors: population.loaded,
        idPrefix,
        runSeconds: options.runSeconds,
        connections: options.connections,
        sampleEvery: options.sampleEvery,
      },
      (sample) => visibility.add(sample),
    );
    // The bench's own processes, shown apart and left out of the totals: they share the cores too.
    const processes = [...vigil, single('bench (poller, receiver, counts)', process.pid), single('load generator', generator.pid ?? -1)];
    const kafkaAdmin = createKafkaClient(config, 'bench-pipeline', createLogger('bench-pipeline', 'warn')).admin();
    await kafkaAdmin.connect();
    admin = kafkaAdmin;
    const lagNow = () => consumerLag(kafkaAdmin, config.VIGIL_KAFKA_TOPIC_PREFIX, CONSUMERS);

    // The background: every process with the services running and no load (pulses, polls, the neighbours' work).
    const idleQuiet = await quiet(options);
    log(`idle for ${options.idleSeconds} s`);
    const idleFrom = readAll(processes);
    await sleep(options.idleSeconds * 1000);
    const idleTo = readAll(processes);
    receiver.take();

    const steps: StepReport[] = [];
    for (const [index, rate] of options.steps.entries()) {
      const step = index + 1;
      const busyBefore = await quiet(options);
      log(`step ${step}: ${rate} check-ins/s for ${options.stepSeconds} s (machine ${busyBefore.toFixed(0)} % busy before it)`);
      const loadBefore = loadavg();
      const ticksBefore = machineTicks();
      const before = readAll(processes);
      const load = await generator.step({ type: 'step', step, rate, seconds: options.stepSeconds, slowMs: options.p99LimitMs });
      const atEnd = readAll(processes);
      const ticksAtEnd = machineTicks();
      const loadAtEnd = loadavg();
      const lagAtEnd = await lagNow();
      log(
        `step ${step}: ${load.ok}/${load.scheduled} accepted, p50 ${load.latency.p50.toFixed(2)} ms, p99 ${load.latency.p99.toFixed(2)} ms, max ${load.latency.max.toFixed(0)} ms, ${load.slow} over ${options.p99LimitMs} ms (most in second ${load.worstSecond.second}: ${load.worstSecond.slow}); lag ${CONSUMERS.map((name) => `${name} ${lagTotal(lagAtEnd, name)}`).join(', ')}`,
      );
      for (const example of load.failureExamples) log(`  failed: ${example}`);

      // Until ClickHouse holds every accepted check-in (or the timeout), then until every consumer caught up.
      const settleStart = Date.now();
      const settleDeadline = settleStart + options.settleTimeoutSec * 1000;
      let history: HistoryCheck;
      for (;;) {
        history = await checkHistory(config, seed.projectId, idPrefix, load, true);
        if (history.missing === 0 || Date.now() >= settleDeadline) break;
        await sleep(1000);
      }
      const historyMs = Date.now() - settleStart;
      let lagAfter = await lagNow();
      while (CONSUMERS.some((name) => lagTotal(lagAfter, name) > CAUGHT_UP_LAG) && Date.now() < settleDeadline) {
        await sleep(1000);
        lagAfter = await lagNow();
      }
      const caughtUp = !CONSUMERS.some((name) => lagTotal(lagAfter, name) > CAUGHT_UP_LAG);
      const settled = readAll(processes);
      const settleMs = Date.now() - settleStart;
      // A count repeated after the consumers caught up: a duplicate written late shows here.
      history = await checkHistory(config, seed.projectId, idPrefix, load, caughtUp);
      const seen = await visibility.collect();
      const report: StepReport = {
        load,
        before,
        atEnd,
        settled,
        busyBefore,
        machinePercent: ((ticksAtEnd.busy - ticksBefore.busy) / Math.max(1, ticksAtEnd.total - ticksBefore.total)) * 100,
        loadBefore,
        loadAtEnd,
        lagAtEnd,
        history,
        historyMs,
        settleMs,
        visibility: seen,
        webhooks: receiver.take(),
      };
      steps.push(report);
      const lost = load.non2xx + load.errors + history.missing;
      log(
        `step ${step}: ClickHouse ${history.exactlyOnce}/${history.accepted} exactly once (${history.missing} missing, ${history.duplicated} duplicated, ${history.unexpected} unexpected) after ${(historyMs / 1000).toFixed(1)} s; ` +
          `visibility ${seen.visibleMs.length}/${seen.sampled} seen; settled in ${(settleMs / 1000).toFixed(1)} s`,
      );
      if (load.latency.p99 > options.p99LimitMs || lost > 0) {
        log(`stopping: ${lost > 0 ? `${lost} check-ins lost or refused` : `ingest p99 ${load.latency.p99.toFixed(1)} ms passed ${options.p99LimitMs} ms`}`);
        break;
      }
    }

    const report: Report = {
      machine: describeMachine(REPO_ROOT),
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      options,
      processNames: processes.map((entry) => entry.name),
      harness: processes.length - vigil.length,
      createMs,
      loaded: population.loaded.length,
      silent: population.silent.length,
      idle: { from: idleFrom, to: idleTo, busyBefore: idleQuiet },
      steps,
      caughtUpLag: CAUGHT_UP_LAG,
    };
    const section = renderReport(report);
    publishSection('pipeline', section, options.write, BENCHMARKS_PREAMBLE, log);
    logServiceErrors(services, log);
  } finally {
    await admin?.disconnect().catch(() => undefined);
    poller?.stop();
    generator?.stop();
    await Promise.allSettled([...services.values()].map((service) => service.stop()));
    await receiver.stop();
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

runBench('pipeline', main);
